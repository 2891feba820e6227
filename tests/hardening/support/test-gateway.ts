/**
 * A gateway on a free port for the hardening suites: the scripted upstream through the
 * `upstreamUrls` override, an in-memory retriever, an admission (unlimited unless one is
 * given), and the real pino logger writing JSON lines into an array, so tests can assert on
 * exactly what an operator would read.
 */
import type { Server } from 'node:http';
import type { Clock } from '../../../gateway/clock.js';
import type { GatewayConfig } from '../../../gateway/config/schema.js';
import type { Admission } from '../../../gateway/limits/types.js';
import { createLogger } from '../../../gateway/node/log.js';
import type { TokenSource } from '../../../gateway/realtime/token-cache.js';
import { createGateway, type Gateway } from '../../../gateway/server/gateway.js';
import { createUnlimitedAdmission } from '../../../gateway/server/fallbacks.js';
import { testConfig, type HarnessOptions } from '../../support/gateway-harness.js';
import { createMemoryRetriever, NORTHWIND_PASSAGES, type MemoryRetriever } from '../../support/memory-retriever.js';
import { ScriptedUpstream } from '../../support/scripted-upstream.js';
import { WidgetClient, type WidgetConnectOptions } from '../../support/widget-client.js';

/** Every JSON line the gateway logged, raw and parsed. */
export interface LogCapture {
  readonly lines: string[];
  parsed(): Array<Record<string, unknown>>;
  /** Lines whose `msg` contains this text. */
  matching(text: string): Array<Record<string, unknown>>;
}

export interface TestGatewayOptions extends HarnessOptions {
  /** A ready configuration (otherwise built from the HarnessOptions fields by testConfig). */
  config?: GatewayConfig;
  /** Read by the gateway at every session start (hot reload); wins over `config`. */
  getConfig?: () => GatewayConfig;
  /** Reuse a running upstream (closed by the caller). */
  upstream?: ScriptedUpstream;
  retriever?: MemoryRetriever;
  admission?: Admission;
  clock?: Clock;
  credential?: TokenSource;
  /** Engine id → URL, replacing the scripted upstream for those engines. */
  upstreamUrls?: Record<string, string>;
  /** @default 'debug' so every line a failure path could write is captured */
  logLevel?: 'debug' | 'info' | 'warn';
}

export interface TestGateway {
  upstream: ScriptedUpstream;
  gateway: Gateway;
  port: number;
  /** The HTTP server the gateway listens on. */
  server: Server;
  config: GatewayConfig;
  retriever: MemoryRetriever;
  admission: Admission;
  logs: LogCapture;
  /** The gateway's logger (pino), for adapters started beside it (config watcher). */
  logger: ReturnType<typeof createLogger>;
  /** Every widget this gateway handed out through connect(), for frame assertions. */
  readonly widgets: WidgetClient[];
  connect(options?: WidgetConnectOptions): Promise<WidgetClient>;
  /** Connects and waits for `ready`. */
  ready(options?: WidgetConnectOptions): Promise<WidgetClient>;
  /** Everything the gateway sent to every widget, as text (messages as JSON, close reasons). */
  browserText(): Promise<string>;
  close(): Promise<void>;
}

/** Captures pino output line by line. */
export function createLogCapture(): LogCapture & { write(line: string): void } {
  const lines: string[] = [];
  const parsed = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    lines,
    write(line: string) {
      for (const part of line.split('\n')) if (part.trim() !== '') lines.push(part);
    },
    parsed,
    matching: (text) => parsed().filter((line) => String(line.msg ?? '').includes(text)),
  };
}

/** Starts a gateway (and a scripted upstream unless one is given) on 127.0.0.1. */
export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const ownUpstream = !options.upstream;
  const upstream = options.upstream ?? (await ScriptedUpstream.start({ dialect: options.dialect ?? 'ga', audioDeltaBytes: options.audioDeltaBytes }));
  const config = options.config ?? testConfig(options);
  const getConfig = options.getConfig ?? (() => config);
  const retriever = options.retriever ?? createMemoryRetriever(NORTHWIND_PASSAGES);
  const admission = options.admission ?? createUnlimitedAdmission();
  const logs = createLogCapture();
  const logger = createLogger({ level: options.logLevel ?? 'debug', destination: logs });
  const engineIds = Object.keys(getConfig().engines);
  const gateway = createGateway({
    getConfig,
    admission,
    getRetriever: () => retriever,
    logger,
    clock: options.clock,
    upstreamUrls: { ...Object.fromEntries(engineIds.map((id) => [id, upstream.url])), ...options.upstreamUrls },
    credential: options.credential,
  });
  const { port, server } = await gateway.listen();
  const widgets: WidgetClient[] = [];
  const connect = async (connectOptions?: WidgetConnectOptions) => {
    const widget = await WidgetClient.connect(port, connectOptions);
    widgets.push(widget);
    return widget;
  };
  return {
    upstream,
    gateway,
    port,
    server,
    config,
    retriever,
    admission,
    logs,
    logger,
    widgets,
    connect,
    async ready(connectOptions) {
      const widget = await connect(connectOptions);
      await widget.next('ready');
      return widget;
    },
    async browserText() {
      const parts: string[] = [];
      for (const widget of widgets) {
        parts.push(...widget.messages.map((m) => JSON.stringify(m)));
        if (!widget.open) parts.push((await widget.closed).reason);
      }
      return parts.join('\n');
    },
    async close() {
      for (const widget of widgets) if (widget.open) widget.close();
      await gateway.shutdown(0);
      if (ownUpstream) await upstream.close();
    },
  };
}

/** Resolves once `check` holds, polling every 10 ms; rejects after `ms`. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Awaits a promise, failing when it takes longer than `ms` (bounded-time assertions). */
export async function within<T>(ms: number, promise: Promise<T>, what = 'operation'): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
