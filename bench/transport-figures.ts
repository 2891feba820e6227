/** Pure arithmetic of the "transports" section: bytes per conversation-minute, CPU per session, latency percentiles. */
import { percentile } from './stats.js';

/** Bytes and packets one way on the visitor's link over a window. */
export interface LinkCount {
  /** Application bytes: TCP stream bytes (WebSocket frames with their headers), or UDP datagram bytes (RTP/SRTP, RTCP, STUN, DTLS/SCTP). */
  bytes: number;
  /** Packets known to carry them: UDP datagrams, or WebSocket messages (≥ 1 TCP segment each). */
  packets: number;
}

/** IPv4 + UDP headers of one datagram. */
export const UDP_IP_HEADER_BYTES = 28;
/** IPv4 + TCP headers (with the timestamp option) of one segment. */
export const TCP_IP_HEADER_BYTES = 52;

/** One direction per minute: application bytes, and with IP headers (one header per counted packet: a lower bound for TCP). */
export interface PerMinute {
  bytes: number;
  withIpHeaders: number;
  packets: number;
}

/** Scales a count over `seconds` to a minute; `headerBytes` per packet for the IP figure. */
export function perMinute(count: LinkCount, seconds: number, headerBytes: number): PerMinute {
  if (!(seconds > 0)) return { bytes: Number.NaN, withIpHeaders: Number.NaN, packets: Number.NaN };
  const scale = 60 / seconds;
  return {
    bytes: count.bytes * scale,
    withIpHeaders: (count.bytes + count.packets * headerBytes) * scale,
    packets: count.packets * scale,
  };
}

/** Adds link counts (the control socket and the media path of one visitor, or all visitors). */
export function addCounts(...counts: readonly LinkCount[]): LinkCount {
  return counts.reduce((sum, count) => ({ bytes: sum.bytes + count.bytes, packets: sum.packets + count.packets }), { bytes: 0, packets: 0 });
}

/** The gateway's CPU for a load, less what it burns idle over the same wall time. */
export function cpuPerSession(options: { cpuMs: number; wallMs: number; idleCpuPercent: number; sessions: number; conversationMinutes: number }): {
  msPerSession: number;
  msPerConversationMinute: number;
} {
  const net = Math.max(0, options.cpuMs - (options.idleCpuPercent / 100) * options.wallMs);
  const msPerSession = options.sessions > 0 ? net / options.sessions : Number.NaN;
  return { msPerSession, msPerConversationMinute: options.conversationMinutes > 0 ? msPerSession / options.conversationMinutes : Number.NaN };
}

/** Median and p95 of latencies (nearest rank: every figure is a measured value). */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  max: number;
}

export function summarizeLatency(values: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  return { count: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.length ? sorted[sorted.length - 1] : Number.NaN };
}

/** `a ÷ b`, for the side-by-side ratios (NaN when either is missing). */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : Number.NaN;
}
