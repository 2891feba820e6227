/**
 * A gateway on 127.0.0.1:0 wired to a scripted upstream, an in-memory retriever and an
 * unlimited admission: the fixture every WebSocket test of the gateway starts from.
 */
import { configSchema, type GatewayConfig } from '../../gateway/config/schema.js';
import type { Clock } from '../../gateway/clock.js';
import type { Admission } from '../../gateway/limits/types.js';
import type { TokenSource } from '../../gateway/realtime/token-cache.js';
import { createGateway, type Gateway } from '../../gateway/server/gateway.js';
import { createUnlimitedAdmission } from '../../gateway/server/fallbacks.js';
import { createMemoryRetriever, NORTHWIND_PASSAGES, type MemoryRetriever } from './memory-retriever.js';
import { createRecordingLogger, type RecordingLogger } from './recording-logger.js';
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
  clock?: Clock;
  audioDeltaBytes?: number;
  admission?: Admission;
  credential?: TokenSource;
}

export interface Harness {
  upstream: ScriptedUpstream;
  gateway: Gateway;
  port: number;
  config: GatewayConfig;
  retriever: MemoryRetriever;
  admission: ReturnType<typeof createUnlimitedAdmission>;
  logger: RecordingLogger;
  connect(options?: WidgetConnectOptions): Promise<WidgetClient>;
  close(): Promise<void>;
}

/** Builds a validated test configuration with one Azure engine and the `docs` site. */
export function testConfig(options: HarnessOptions = {}): GatewayConfig {
  const beta = options.dialect === 'beta';
  return configSchema.parse({
    server: { ...options.server },
    engines: {
      aoai: {
        kind: 'azure-openai',
        endpoint: 'https://example.openai.azure.com',
        deployment: beta ? 'gpt-4o-realtime-preview' : 'gpt-realtime',
        api_version: beta ? '2024-10-01-preview' : 'v1',
        api_key: 'test-key',
        connect_timeout_ms: 3000,
        ...options.engine,
      },
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

/** Starts a scripted upstream and a gateway pointing the `aoai` engine at it. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const upstream = await ScriptedUpstream.start({ dialect: options.dialect ?? 'ga', audioDeltaBytes: options.audioDeltaBytes });
  const config = testConfig(options);
  const retriever = createMemoryRetriever(NORTHWIND_PASSAGES);
  const admission = createUnlimitedAdmission();
  const logger = createRecordingLogger();
  const gateway = createGateway({
    getConfig: () => config,
    admission: options.admission ?? admission,
    getRetriever: () => retriever,
    logger,
    clock: options.clock,
    upstreamUrls: { aoai: upstream.url },
    credential: options.credential,
  });
  const { port } = await gateway.listen();
  return {
    upstream,
    gateway,
    port,
    config,
    retriever,
    admission,
    logger,
    connect: (connectOptions) => WidgetClient.connect(port, connectOptions),
    async close() {
      await gateway.shutdown(0);
      await upstream.close();
    },
  };
}
