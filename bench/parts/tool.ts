/**
 * Part 2: tool round trip. One widget on the retrieval site types a question per turn; the
 * bench upstream answers each with a completed `search` call and times, on its own clock,
 * how long the gateway takes to send the `function_call_output` back.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { GatewayProcess } from '../gateway-process.js';
import { SEARCH_NO_RESULTS, SEARCH_UNAVAILABLE } from '../../gateway/retrieval/format.js';
import { Samples, summarizeValues, type Summary } from '../stats.js';
import { within, withinOrThrow } from '../timeouts.js';
import type { BenchUpstream } from '../upstream.js';
import type { ToolTiming } from '../upstream-tool.js';
import { closeFleet, openWidget, type Problems } from '../widgets.js';

/** Tool round-trip figures. */
export interface ToolResult {
  turns: number;
  /** Upstream's completed `search` call → the gateway's `function_call_output`, in ms. */
  roundTripMs: Summary;
  /** The first call, which may include building or loading the index. */
  firstCallMs: number;
  outputChars: Summary;
  /** Turns whose output held passages (not "no results"). */
  withPassages: number;
  failures: number;
  problems: Record<string, number>;
}

/** Runs `turns` measured turns (after warm-ups) over `queries`. */
export async function measureToolRoundTrip(
  turns: number,
  queries: readonly string[],
  upstream: BenchUpstream,
  gateway: GatewayProcess,
): Promise<ToolResult> {
  const problems: Problems = new Map();
  const widget = openWidget(
    { kind: 'gateway', url: `ws://127.0.0.1:${gateway.port}/v1/realtime?site=bench-rag`, origin: 'http://127.0.0.1' },
    () => undefined,
    problems,
  );
  const roundTrips = new Samples();
  const chars: number[] = [];
  let failures = 0;
  let withPassages = 0;
  let firstCallMs = Number.NaN;
  try {
    await withinOrThrow(widget.ready, 120_000, 'the retrieval site sent no ready within 120 s');
    const warmups = 5;
    for (let turn = 0; turn < turns + warmups; turn++) {
      const query = queries[turn % queries.length];
      const timing = new Promise<ToolTiming>((resolve) => {
        upstream.onToolTiming = resolve;
      });
      const ended = new Promise<void>((resolve) => {
        upstream.onTurnEnd = resolve;
      });
      widget.socket.send(JSON.stringify({ type: 'text', text: query }));
      // The first search may build or load the index: allow it a minute.
      const result = await within(timing, turn === 0 ? 60_000 : 10_000);
      if (!result) {
        failures++;
        if (failures >= 3) throw new Error('the gateway sent no function_call_output for 3 search calls');
        continue;
      }
      if (result.output === SEARCH_UNAVAILABLE) {
        throw new Error('the gateway answered search with SEARCH_UNAVAILABLE (no retriever for the site yet?)');
      }
      const ms = result.answeredAt - result.calledAt;
      if (turn === 0) firstCallMs = ms;
      if (turn >= warmups) {
        roundTrips.add(ms);
        chars.push(result.output.length);
        if (result.output !== SEARCH_NO_RESULTS) withPassages++;
      }
      await within(ended, 5000);
      // Let the gateway see response.done before the next turn starts.
      await sleep(5);
    }
  } finally {
    upstream.onToolTiming = undefined;
    upstream.onTurnEnd = undefined;
    await closeFleet([widget], 5000);
  }
  return {
    turns: roundTrips.count,
    roundTripMs: roundTrips.summary(),
    firstCallMs,
    outputChars: summarizeValues(chars),
    withPassages,
    failures,
    problems: Object.fromEntries(problems),
  };
}
