import { describe, expect, it } from 'vitest';
import { addCounts, cpuPerSession, perMinute, ratio, summarizeLatency, TCP_IP_HEADER_BYTES, UDP_IP_HEADER_BYTES } from '../../bench/transport-figures.js';

describe('transport figures', () => {
  it('scales bytes and packets to a minute and adds one IP header per packet', () => {
    // 30 s of 50 datagrams a second of 100 bytes.
    const minute = perMinute({ bytes: 150_000, packets: 1500 }, 30, UDP_IP_HEADER_BYTES);
    expect(minute.bytes).toBe(300_000);
    expect(minute.packets).toBe(3000);
    expect(minute.withIpHeaders).toBe(300_000 + 3000 * 28);
  });

  it('gives NaN, not zero, for a window that did not happen', () => {
    expect(perMinute({ bytes: 10, packets: 1 }, 0, TCP_IP_HEADER_BYTES).bytes).toBeNaN();
  });

  it('adds counts of several paths and visitors', () => {
    expect(addCounts({ bytes: 10, packets: 1 }, { bytes: 5, packets: 2 }, { bytes: 0, packets: 0 })).toEqual({ bytes: 15, packets: 3 });
    expect(addCounts()).toEqual({ bytes: 0, packets: 0 });
  });

  it('charges the gateway only what it burned above idle, per session and per conversation-minute', () => {
    // 1 % idle over 10 s is 100 ms; 1100 ms used by 4 sessions of 30 s each.
    const cpu = cpuPerSession({ cpuMs: 1100, wallMs: 10_000, idleCpuPercent: 1, sessions: 4, conversationMinutes: 0.5 });
    expect(cpu.msPerSession).toBe(250);
    expect(cpu.msPerConversationMinute).toBe(500);
  });

  it('never reports negative CPU when the idle reading was noisier than the load', () => {
    expect(cpuPerSession({ cpuMs: 10, wallMs: 10_000, idleCpuPercent: 5, sessions: 2, conversationMinutes: 1 }).msPerSession).toBe(0);
  });

  it('summarizes latencies by nearest rank: median and p95 are measured values', () => {
    const values = Array.from({ length: 20 }, (_, i) => 200 + i);
    const summary = summarizeLatency([...values].reverse());
    expect(summary).toEqual({ count: 20, p50: 209, p95: 218, max: 219 });
    expect(summarizeLatency([]).p50).toBeNaN();
  });

  it('takes ratios only between two numbers', () => {
    expect(ratio(50, 200)).toBe(0.25);
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(Number.NaN, 2)).toBeNaN();
  });
});
