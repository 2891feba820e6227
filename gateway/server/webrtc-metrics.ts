/** Prometheus counters of WebRTC calls, on the gateway's registry: calls created, unclaimed answers hung up, violations by reason. */
import { Counter, type Registry } from 'prom-client';
import type { WebrtcObserver } from '../webrtc/call.js';

export function createWebrtcMetrics(registry: Registry): WebrtcObserver {
  const registers = [registry];
  const created = new Counter({ name: 'voice_rag_webrtc_calls_total', help: 'WebRTC calls created at the service', labelNames: ['site'], registers });
  const unclaimed = new Counter({
    name: 'voice_rag_webrtc_unclaimed_total',
    help: 'WebRTC calls hung up because the browser left before taking the answer',
    labelNames: ['site'],
    registers,
  });
  const violations = new Counter({
    name: 'voice_rag_webrtc_violations_total',
    help: 'WebRTC calls hung up because the call broke the site settings, by reason',
    labelNames: ['site', 'reason'],
    registers,
  });
  return {
    callCreated: (site) => created.inc({ site }),
    unclaimed: (site) => unclaimed.inc({ site }),
    violation: (site, reason) => violations.inc({ site, reason }),
  };
}
