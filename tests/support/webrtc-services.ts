/**
 * The services behind a WebRTC end-to-end test, whatever browser drives it: a gateway whose
 * `docs` site uses `transport: webrtc` (unlimited, or the real limits on a memory store), the
 * service's calls endpoint (the calls double) answered by werift peers on loopback, and the
 * scripted upstream as the calls' sideband and as the socket engine. Plus the service's events
 * the tests script.
 */
import { freePort } from '../e2e/support/gateway.js';
import { createLogCapture, testConfig } from './gateway-harness.js';
import { createMemoryRetriever, NORTHWIND_PASSAGES } from './memory-retriever.js';
import { ScriptedUpstream, type Json, type ScriptedConnection } from './scripted-upstream.js';
import { CallsDouble } from './webrtc-calls-double.js';
import { WebrtcPeers } from './webrtc-peer.js';
import { systemClock } from '../../gateway/clock.js';
import { createAdmission, createMemoryStore } from '../../gateway/limits/index.js';
import { createLogger } from '../../gateway/node/log.js';
import { createGateway, type Gateway } from '../../gateway/server/gateway.js';
import { createUnlimitedAdmission } from '../../gateway/server/unlimited-admission.js';

export interface WebrtcServicesOptions {
  /** Fields merged into the `docs` site (transport and origins are set here). */
  site?: Record<string, unknown>;
  engine?: Record<string, unknown>;
  /** The real limits (quota, concurrency, budgets) on a memory store, as `serve` builds them. */
  realLimits?: boolean;
  /** Adds routes (a test page) before the gateway listens. */
  beforeListen?(gateway: Gateway): void;
}

export interface WebrtcServices {
  gateway: Gateway;
  calls: CallsDouble;
  peers: WebrtcPeers;
  upstream: ScriptedUpstream;
  origin: string;
  violations: string[];
  /** Sites whose call was hung up because nobody claimed its answer. */
  unclaimed: string[];
  logs: ReturnType<typeof createLogCapture>;
  /** The upstream connection of the call `callId` (its sideband). */
  sidebandOf(callId: string): ScriptedConnection;
  /** Sideband connections (those with a call_id) still open at the scripted upstream. */
  openSidebands(): ScriptedConnection[];
  close(): Promise<void>;
}

/** Starts the gateway and its doubles on 127.0.0.1. */
export async function startWebrtcServices(options: WebrtcServicesOptions = {}): Promise<WebrtcServices> {
  const calls = await CallsDouble.start();
  const peers = new WebrtcPeers();
  calls.answerer = peers.answer;
  const upstream = await ScriptedUpstream.start({ dialect: 'ga' });
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  // A werift answer on a busy 2-core machine can take seconds: the engine's connect timeout covers creating the call.
  const config = testConfig({ site: { ...options.site, transport: 'webrtc', origins: [origin] }, engine: { connect_timeout_ms: 15_000, ...options.engine } });
  const logs = createLogCapture();
  const logger = createLogger({ level: 'debug', destination: logs });
  const limits = options.realLimits ? createAdmission({ config: () => config, store: createMemoryStore(systemClock), clock: systemClock, logger }) : undefined;
  const violations: string[] = [];
  const unclaimed: string[] = [];
  const gateway = createGateway({
    getConfig: () => config,
    admission: limits ?? createUnlimitedAdmission(),
    getRetriever: () => createMemoryRetriever(NORTHWIND_PASSAGES),
    logger,
    upstreamUrls: { aoai: upstream.url },
    webrtc: {
      callsUrls: { aoai: calls.url },
      observer: { violation: (_site, reason) => violations.push(reason), unclaimed: (site) => unclaimed.push(site) },
    },
  });
  options.beforeListen?.(gateway);
  await gateway.listen({ port });
  return {
    gateway,
    calls,
    peers,
    upstream,
    origin,
    violations,
    unclaimed,
    logs,
    sidebandOf(callId) {
      const found = upstream.connections.find((c) => c.handshake.url.includes(`call_id=${callId}`));
      if (!found) throw new Error(`no sideband for ${callId}`);
      return found;
    },
    openSidebands: () => upstream.connections.filter((c) => c.handshake.url.includes('call_id=') && c.open),
    async close() {
      await gateway.shutdown(0);
      await peers.close();
      await upstream.close();
      await calls.close();
    },
  };
}

/** Polls `check` in Node every 25 ms. */
export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const responseCreated = (id: string): Json => ({ type: 'response.created', event_id: `c_${id}`, response: { id, object: 'realtime.response', status: 'in_progress', output: [] } });
export const responseDone = (id: string, extra: Json = {}): Json => ({
  type: 'response.done',
  event_id: `x_${id}`,
  response: { id, object: 'realtime.response', status: 'completed', output: [], ...extra },
});
/** A function call in response `responseId`: its item added, then done with the arguments. */
export const functionCall = (responseId: string, callId: string, name: string, args: Json): Json[] => [
  { type: 'response.output_item.added', event_id: `a_${callId}`, response_id: responseId, output_index: 0, item: { id: `fc_${callId}`, type: 'function_call', call_id: callId, name, arguments: '' } },
  { type: 'response.output_item.done', event_id: `d_${callId}`, response_id: responseId, output_index: 0, item: { id: `fc_${callId}`, type: 'function_call', call_id: callId, name, arguments: JSON.stringify(args), status: 'completed' } },
];
