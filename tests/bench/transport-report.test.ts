import { describe, expect, it } from 'vitest';
import type { TransportFigures } from '../../bench/parts/transports/measure.js';
import { transportLines } from '../../bench/transport-report.js';

const minute = (bytes: number) => ({ bytes, withIpHeaders: bytes * 1.1, packets: 3000 });
const figures = (transport: TransportFigures['transport'], cpuMs: number, upBytes: number, p50: number): TransportFigures => ({
  transport,
  sessions: 4,
  completed: 4,
  turns: 12,
  missedTurns: 0,
  conversationSeconds: 30,
  gatewayCpu: { msPerSession: cpuMs, msPerConversationMinute: cpuMs * 2, cpuMs: cpuMs * 4, wallMs: 31_000 },
  up: minute(upBytes),
  down: minute(upBytes / 2),
  control: { up: minute(0), down: minute(1000) },
  endOfSpeechToAudioMs: { count: 12, p50, p95: p50 + 5, max: p50 + 6 },
  problems: transport === 'webrtc' ? ['one call failed'] : [],
});

describe('transports report', () => {
  const part = {
    status: 'ok' as const,
    value: {
      sessions: 4,
      script: { turns: 3, speechMs: 1200, gapMs: 400, quietMs: 150, answerTimeoutMs: 5000 },
      timing: { modelDelayMs: 200, answerMs: 1200 },
      opusBitrate: 32_000,
      idleCpuPercent: 0.5,
      runs: [figures('websocket', 280, 2_900_000, 222), figures('webrtc', 70, 290_000, 242)],
    },
  };

  it('puts both transports side by side with webrtc ÷ websocket from the same run', () => {
    const text = transportLines(part).join('\n');
    expect(text).toContain('| | websocket | webrtc | webrtc ÷ websocket |');
    expect(text).toContain('| gateway CPU, ms per session (connect, script, close) | 280 | 70 | 0.25 |');
    expect(text).toContain('| visitor → network, kB/min (all of it) | 2900.0 | 290.0 | 0.10 |');
    expect(text).toMatch(/p50 ms \| 222\.0 \| 242\.0 \| 1\.09 \|/);
    expect(text).toContain('webrtc problems: one call failed');
  });

  it('says why when the section did not run', () => {
    expect(transportLines({ status: 'not available', reason: 'gateway build: failed' })).toEqual(['_not available: gateway build: failed_']);
    expect(transportLines(undefined)).toEqual(['_not in this run_']);
  });
});
