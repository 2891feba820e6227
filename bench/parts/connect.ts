/**
 * Part 3: connect overhead. Sequential connections, one at a time: the gateway's time from the
 * widget's socket open to `ready`, against the upstream's own connect time (a client opening
 * the upstream directly until `session.updated`, the same work the gateway waits for).
 */
import type { GatewayProcess } from '../gateway-process.js';
import { FLOOR_MODEL } from '../recorder.js';
import { Samples, type Summary } from '../stats.js';
import { waitUntil, withinOrThrow } from '../timeouts.js';
import type { BenchUpstream } from '../upstream.js';
import { closeFleet, openWidget, type Problems, type WidgetTarget } from '../widgets.js';

/** Connect timings, in ms. */
export interface ConnectResult {
  connections: number;
  /** Direct to the upstream: socket created → `session.updated`. */
  upstreamConnectMs: Summary;
  /** Through the gateway: widget socket open → `ready`. */
  gatewayOpenToReadyMs: Summary;
  /** Through the gateway: socket created → `ready` (includes the widget's own handshake). */
  gatewayTotalMs: Summary;
  /** p50 of open → ready minus p50 of the upstream's own connect time. */
  overheadP50Ms: number;
  overheadP99Ms: number;
  problems: Record<string, number>;
}

async function connectOnce(target: WidgetTarget, upstream: BenchUpstream, problems: Problems) {
  const widget = openWidget(target, () => undefined, problems);
  await withinOrThrow(widget.ready, 10_000, `no ${target.kind === 'floor' ? 'session.updated' : 'ready'} within 10 s`);
  await closeFleet([widget], 5000);
  await waitUntil(() => upstream.openSessions === 0, 2000);
  return widget;
}

/** Measures `count` sequential connections each way (after a few unmeasured warm-ups). */
export async function measureConnect(count: number, upstream: BenchUpstream, gateway: GatewayProcess): Promise<ConnectResult> {
  const problems: Problems = new Map();
  const floor: WidgetTarget = {
    kind: 'floor',
    url: `ws://127.0.0.1:${upstream.port}/openai/v1/realtime?model=${FLOOR_MODEL}`,
    apiKey: 'bench-key',
  };
  const through: WidgetTarget = {
    kind: 'gateway',
    url: `ws://127.0.0.1:${gateway.port}/v1/realtime?site=bench`,
    origin: 'http://127.0.0.1',
  };
  const upstreamMs = new Samples();
  const openToReady = new Samples();
  const total = new Samples();
  const warmups = 5;
  for (let i = 0; i < count + warmups; i++) {
    // Interleaved, so drift in the machine's load hits both series alike.
    const direct = await connectOnce(floor, upstream, problems);
    const proxied = await connectOnce(through, upstream, problems);
    if (i < warmups) continue;
    upstreamMs.add(direct.readyAt - direct.createdAt);
    openToReady.add(proxied.readyAt - proxied.openAt);
    total.add(proxied.readyAt - proxied.createdAt);
  }
  const upstreamSummary = upstreamMs.summary();
  const gatewaySummary = openToReady.summary();
  return {
    connections: count,
    upstreamConnectMs: upstreamSummary,
    gatewayOpenToReadyMs: gatewaySummary,
    gatewayTotalMs: total.summary(),
    overheadP50Ms: gatewaySummary.p50 - upstreamSummary.p50,
    overheadP99Ms: gatewaySummary.p99 - upstreamSummary.p99,
    problems: Object.fromEntries(problems),
  };
}
