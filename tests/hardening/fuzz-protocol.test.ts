/**
 * Property-based tests of the pure boundaries: browser text frames (parseClientMessage),
 * browser audio sizes (checkAudioFrame) and upstream frames (parseUpstreamFrame and the
 * dialect normaliser). Thousands of cases per run, checked against an independent oracle.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkAudioFrame, LIMITS, parseClientMessage } from '../../gateway/protocol.js';
import { parseUpstreamFrame } from '../../gateway/realtime/client.js';
import { normalizeType } from '../../gateway/realtime/dialect.js';
import { audioLength, clientFrame, upstreamEvent } from './support/arbitraries.js';
import { oracle } from './support/oracle.js';

const RUNS = { parser: 6000, audio: 1500, upstream: 2500 } as const;

describe('browser text frames (parseClientMessage)', () => {
  it(`agrees with the spec on ${RUNS.parser} generated frames, never throws, and never passes unknown fields on`, () => {
    fc.assert(
      fc.property(clientFrame, (frame) => {
        const result = parseClientMessage(frame);
        const expected = oracle(frame);
        expect(result.ok).toBe(expected.ok);
        if (result.ok && expected.ok) {
          // Exactly the documented fields: nothing the browser adds survives parsing.
          expect(result.message).toEqual(expected.message);
        } else if (!result.ok) {
          expect(result.code).toBe('bad_message');
          // The error text is ours: bounded, whatever the visitor sent.
          expect(result.message.length).toBeLessThanOrEqual(120);
        }
      }),
      { numRuns: RUNS.parser },
    );
  });

  it('refuses every frame longer than the text-frame limit, whatever it holds', () => {
    fc.assert(
      fc.property(fc.integer({ min: LIMITS.maxTextFrameBytes + 1, max: LIMITS.maxTextFrameBytes * 4 }), (length) => {
        const frame = JSON.stringify({ type: 'text', text: 'a' }).padEnd(length, ' ');
        expect(parseClientMessage(frame).ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

describe('browser audio frames (checkAudioFrame)', () => {
  it(`accepts exactly the whole-sample frames of 10–500 ms (${RUNS.audio} lengths)`, () => {
    fc.assert(
      fc.property(audioLength, (bytes) => {
        const valid = bytes % 2 === 0 && bytes >= 480 && bytes <= 24_000;
        expect(checkAudioFrame(bytes) === undefined).toBe(valid);
      }),
      { numRuns: RUNS.audio },
    );
  });
});

describe('upstream frames (parseUpstreamFrame, normalizeType)', () => {
  it(`returns a GA-typed event or nothing for ${RUNS.upstream} generated frames, and never throws`, () => {
    const frame = fc.oneof(
      { weight: 4, arbitrary: upstreamEvent.map((event) => JSON.stringify(event)) },
      { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 120 }) },
    );
    fc.assert(
      fc.property(frame, (text) => {
        const parsed = parseUpstreamFrame(text);
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          value = undefined;
        }
        const typed = typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { type?: unknown }).type === 'string';
        expect(parsed !== undefined).toBe(typed);
        if (parsed) {
          expect(typeof parsed.type).toBe('string');
          expect(parsed.type).toBe(normalizeType(String((value as { type: string }).type)));
          // Normalising is idempotent: GA names map to themselves.
          expect(normalizeType(parsed.type)).toBe(parsed.type);
          expect(parsed.type.startsWith('response.audio')).toBe(false);
        }
      }),
      { numRuns: RUNS.upstream },
    );
  });

  // Regression: a plain-object lookup turned these into functions, and a later `type.slice`
  // threw out of the socket listener: an uncaught exception that stops the whole gateway.
  for (const type of ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', 'isPrototypeOf']) {
    it(`keeps the upstream type "${type}" a plain string`, () => {
      expect(normalizeType(type)).toBe(type);
      expect(parseUpstreamFrame(JSON.stringify({ type }))?.type).toBe(type);
    });
  }
});
