/**
 * The tests' one gateway: on 127.0.0.1:0, wired to a scripted upstream, an in-memory retriever
 * and an admission (unlimited unless one is given), logging through the real pino logger into
 * memory so tests assert on exactly what an operator would read.
 */
import type { Server } from 'node:http';
import type { Clock } from '../../gateway/clock.js';
import { configSchema, type GatewayConfig } from '../../gateway/config/schema.js';
import type { Admission } from '../../gateway/limits/types.js';
import { createLogger } from '../../gateway/node/log.js';
import type { TokenSource } from '../../gateway/realtime/token-cache.js';
import type { SessionObserver } from '../../gateway/session/observer.js';
import { createUnlimitedAdmission } from '../../gateway/server/unlimited-admission.js';
import { createGateway, type Gateway } from '../../gateway/server/gateway.js';
import { createMemoryRetriever, NORTHWIND_PASSAGES, type MemoryRetriever } from './memory-retriever.js';
import { ScriptedUpstream, type ScriptDialect } from './scripted-upstream.js';
import { WidgetClient, type WidgetConnectOptions } from './widget-client.js';

export const TEST_ORIGIN = 'https://docs.example.com';

export interface HarnessOptions {
  dialect?: ScriptDialect;
  /** Fields merged into the `docs` site. */
  site?: Record<string, unknown>;
  /** Fields merged into the `aoai` engine. */
  engine?: Record<string, unknown>;
  /** Fields merged into `server`. */
  server?: Record<string, unknown>;
  /** More sites, as written in YAML. */
  sites?: Record<string, unknown>;
  /** More engines, as written in YAML. */
  engines?: Record<string, unknown>;
  audioDeltaBytes?: number;
  /** The scripted upstream sees events the official types reject, on purpose (see ScriptedUpstreamOptions). */
  expectNonConforming?: boolean;
  /** A ready configuration (otherwise built from the fields above by testConfig). */
  config?: GatewayConfig;
  /** Read by the gateway at every session start (hot reload); wins over `config`. */
  getConfig?: () => GatewayConfig;
  /** Reuse a running upstream (closed by the caller). */
  upstream?: ScriptedUpstream;
  retriever?: MemoryRetriever;
  /** The gateway's admission (default: {@link Harness.admission}, unlimited). */
  admission?: Admission;
  clock?: Clock;
  credential?: TokenSource;
  /** Engine id → URL, replacing the scripted upstream for those engines. */
  upstreamUrls?: Record<string, string>;
  /** The sessions' observer (metrics, the insight recorder). */
  observer?: SessionObserver;
  /** @default 'debug' so every line a failure path could write is captured */
  logLevel?: 'debug' | 'info' | 'warn';
}

/** Every JSON line the gateway logged, raw and parsed. */
export interface LogCapture {
  readonly lines: string[];
  parsed(): Array<Record<string, unknown>>;
  /** Lines whose `msg` contains this text. */
  matching(text: string): Array<Record<string, unknown>>;
}

export interface Harness {
  upstream: ScriptedUpstream;
  gateway: Gateway;
  port: number;
  /** The HTTP server the gateway listens on. */
  server: Server;
  config: GatewayConfig;
  retriever: MemoryRetriever;
  /** The unlimited admission, recording leases, usage and throttling (unused when one was given). */
  admission: ReturnType<typeof createUnlimitedAdmission>;
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

/** Builds a validated test configuration with one Azure engine (`aoai`, Voice Live for that dialect) and the `docs` site. */
export function testConfig(options: HarnessOptions = {}): GatewayConfig {
  const beta = options.dialect === 'beta';
  return configSchema.parse({
    server: { ...options.server },
    engines: {
      aoai: {
        ...(options.dialect === 'voice-live'
          ? { kind: 'azure-voice-live', endpoint: 'https://example.services.ai.azure.com', model: 'gpt-realtime' }
          : {
              kind: 'azure-openai',
              endpoint: 'https://example.openai.azure.com',
              deployment: beta ? 'gpt-4o-realtime-preview' : 'gpt-realtime',
              api_version: beta ? '2024-10-01-preview' : 'v1',
            }),
        api_key: 'test-key',
        connect_timeout_ms: 3000,
        ...options.engine,
      },
      ...options.engines,
    },
    sites: {
      docs: {
        origins: [TEST_ORIGIN],
        engine: 'aoai',
        transcription: { model: beta ? 'whisper-1' : 'gpt-4o-mini-transcribe' },
        retrieval: { kind: 'azure-search', endpoint: 'https://search.example.net', index: 'kb', api_key: 'k' },
        ...options.site,
      },
      ...options.sites,
    },
  });
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
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const ownUpstream = !options.upstream;
  const upstream = options.upstream ?? (await ScriptedUpstream.start({ dialect: options.dialect ?? 'ga', audioDeltaBytes: options.audioDeltaBytes, expectNonConforming: options.expectNonConforming }));
  const config = options.config ?? testConfig(options);
  const getConfig = options.getConfig ?? (() => config);
  const retriever = options.retriever ?? createMemoryRetriever(NORTHWIND_PASSAGES);
  const admission = createUnlimitedAdmission();
  const logs = createLogCapture();
  const logger = createLogger({ level: options.logLevel ?? 'debug', destination: logs });
  const engineIds = Object.keys(getConfig().engines);
  const gateway = createGateway({
    getConfig,
    admission: options.admission ?? admission,
    getRetriever: () => retriever,
    logger,
    clock: options.clock,
    upstreamUrls: { ...Object.fromEntries(engineIds.map((id) => [id, upstream.url])), ...options.upstreamUrls },
    credential: options.credential,
    observer: options.observer,
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
