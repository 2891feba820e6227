/**
 * Property-based tests of everything behind the upstream socket of one session: sequences of
 * upstream events (unknown types, missing fields, wrong types) through the real translator,
 * turn sequencer, tool loop and metering. Nothing throws, nothing but protocol messages reaches
 * the browser, and nothing but the gateway's own event types goes back upstream.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseUpstreamFrame } from '../../gateway/realtime/client.js';
import { gaDialect } from '../../gateway/realtime/dialect.js';
import type { Logger } from '../../gateway/logger.js';
import { createUnlimitedAdmission } from '../../gateway/server/unlimited-admission.js';
import { createMetering } from '../../gateway/session/metering.js';
import { createToolLoop } from '../../gateway/session/tool-loop.js';
import { createTranslator } from '../../gateway/session/translator.js';
import { createTurns } from '../../gateway/session/turns.js';
import { settleUpstreamError } from '../../gateway/session/upstream-errors.js';
import { FakeClock } from '../support/fake-clock.js';
import { testConfig } from '../support/gateway-harness.js';
import { createMemoryRetriever, NORTHWIND_PASSAGES } from '../support/memory-retriever.js';
import { serverMessageProblem, upstreamEvent } from './support/arbitraries.js';

const RUNS = 800;
const config = testConfig({ site: { retrieval: { kind: 'azure-search', endpoint: 'https://s.example.net', index: 'kb', api_key: 'k', timeout_ms: 500 } } });
const site = config.sites.docs!;
const engine = config.engines.aoai!;

/** The upstream event types the gateway itself may send during a session. */
const GATEWAY_EVENTS = new Set(['conversation.item.create', 'response.create', 'response.cancel', 'conversation.item.truncate']);

function harness() {
  const clock = new FakeClock();
  const browser: unknown[] = [];
  const audio: Uint8Array[] = [];
  const upstream: Array<Record<string, unknown>> = [];
  const caught: unknown[] = [];
  const verdicts: string[] = [];
  const logger: Logger = {
    error: (fields, message) => caught.push({ fields, message }),
    warn: (fields, message) => {
      if (message === 'could not handle an upstream event') caught.push({ fields, message });
    },
    info: () => {},
    debug: () => {},
    child: () => logger,
  };
  let counter = 0;
  const sendUpstream = (event: Record<string, unknown>) => {
    upstream.push(event);
    return `evt_${++counter}`;
  };
  const turns = createTurns(gaDialect, sendUpstream);
  const tools = createToolLoop({
    retriever: createMemoryRetriever(NORTHWIND_PASSAGES),
    retrieval: site.retrieval,
    sendUpstream,
    sendToBrowser: (m) => browser.push(m),
    requestResponse: () => turns.requestResponse([{ type: 'response.create' }]),
    clock,
    logger,
  });
  const metering = createMetering({ siteId: 'docs', engineId: 'aoai', engine, admission: createUnlimitedAdmission(), logger }, {});
  const translate = createTranslator({
    sendToBrowser: (m) => browser.push(m),
    sendAudio: (pcm) => audio.push(pcm),
    turns,
    tools,
    onUsage: metering,
    onError: (error) => verdicts.push(settleUpstreamError(error, turns)),
    logTranscripts: false,
    logger,
  });
  return { clock, browser, audio, upstream, caught, verdicts, translate, turns, tools };
}

describe('upstream event sequences through one session', () => {
  it(`keep every browser message within the protocol for ${RUNS} generated sequences`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(upstreamEvent, { minLength: 1, maxLength: 20 }),
        fc.array(fc.oneof(fc.constant('text'), fc.nat({ max: 5000 })), { maxLength: 3 }),
        async (events, browserActions) => {
          const h = harness();
          for (const [i, event] of events.entries()) {
            // Events travel as text, as on the socket: undefined fields vanish, -0 becomes 0.
            const parsed = parseUpstreamFrame(JSON.stringify(event));
            expect(parsed).toBeDefined();
            h.translate(parsed!);
            const action = browserActions[i];
            if (action === 'text') h.turns.userText('What does vision cover?');
            else if (typeof action === 'number') h.turns.interrupt(action);
          }
          // Let running tools finish or time out.
          await h.clock.advanceAsync(site.retrieval.timeout_ms + 10);
          h.tools.close();
          expect(h.caught).toEqual([]);
          for (const message of h.browser) expect(serverMessageProblem(message), JSON.stringify(message)).toBeUndefined();
          for (const event of h.upstream) expect(GATEWAY_EVENTS.has(String(event.type)), JSON.stringify(event)).toBe(true);
          for (const pcm of h.audio) expect(pcm).toBeInstanceOf(Uint8Array);
          for (const verdict of h.verdicts) expect(['benign', 'retried', 'fatal']).toContain(verdict);
          // Tool traffic stays between gateway and model.
          expect(JSON.stringify(h.browser)).not.toMatch(/function_call|call_id|report_grounding/);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('sends at most one response.create while a response is live, whatever the upstream says', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(upstreamEvent, { minLength: 1, maxLength: 20 }), async (events) => {
        const h = harness();
        h.turns.userText('first question');
        for (const event of events) h.translate(parseUpstreamFrame(JSON.stringify(event))!);
        await h.clock.advanceAsync(site.retrieval.timeout_ms + 10);
        h.tools.close();
        // Between two response.create events the upstream must have announced a response (or refused one).
        let outstanding = 0;
        for (const event of h.upstream) if (event.type === 'response.create') outstanding++;
        const created = events.filter((e) => e.type === 'response.created').length;
        const refused = events.filter((e) => typeof e.error === 'object' && e.error !== null && (e.error as Record<string, unknown>).code === 'conversation_already_has_active_response').length;
        expect(outstanding).toBeLessThanOrEqual(1 + created + refused);
      }),
      { numRuns: 250 },
    );
  });
});
