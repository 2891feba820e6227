/** The Markdown of the "transports" section: `websocket` and `webrtc` side by side, with webrtc ÷ websocket from the same run. */
import type { TransportFigures, TransportsResult } from './parts/transports/measure.js';
import type { Part } from './results.js';
import { ratio } from './transport-figures.js';

const f = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const kb = (bytes: number) => f(bytes / 1000, 1);

/** One row: a label, each transport's figure, and their ratio (when both are numbers). */
function row(label: string, runs: readonly TransportFigures[], pick: (run: TransportFigures) => number, show: (value: number) => string, withRatio = true): string {
  const values = runs.map(pick);
  const [ws, rtc] = [runs.findIndex((r) => r.transport === 'websocket'), runs.findIndex((r) => r.transport === 'webrtc')];
  const quotient = withRatio && ws !== -1 && rtc !== -1 ? f(ratio(values[rtc], values[ws]), 2) : '';
  return `| ${label} | ${values.map(show).join(' | ')} | ${quotient} |`;
}

/** Section lines; a part that did not run says why. */
export function transportLines(part: Part<TransportsResult> | undefined): string[] {
  if (!part) return ['_not in this run_'];
  if (part.status !== 'ok') return [`_not available: ${part.reason}_`];
  const t = part.value;
  const runs = t.runs;
  const lines = [
    `${t.sessions} visitors at once per transport, one transport after the other, through one gateway process (its own core), over the same scripted service: ` +
      `${t.script.turns} turns of ${t.script.speechMs} ms speech; the service answers ${t.timing.modelDelayMs} ms after the first unvoiced frame with ${t.timing.answerMs} ms of audio. ` +
      `Socket audio: PCM16 24 kHz in 20 ms binary frames (answer: 100 ms deltas). Call audio: Opus ${t.opusBitrate / 1000} kbit/s, 20 ms RTP, both ways. ` +
      `Gateway idle: ${f(t.idleCpuPercent, 2)} % of a core (subtracted). Per minute = per minute of one visitor's conversation.`,
    '',
    `| | ${runs.map((run) => run.transport).join(' | ')} | webrtc ÷ websocket |`,
    `|---|${runs.map(() => '---:|').join('')}---:|`,
    row('gateway CPU, ms per session (connect, script, close)', runs, (r) => r.gatewayCpu.msPerSession, (v) => f(v)),
    row('gateway CPU, ms per conversation-minute', runs, (r) => r.gatewayCpu.msPerConversationMinute, (v) => f(v)),
    row('visitor → network, kB/min (all of it)', runs, (r) => r.up.bytes, kb),
    row('network → visitor, kB/min (all of it)', runs, (r) => r.down.bytes, kb),
    row('… with IPv4/UDP/TCP headers, up kB/min', runs, (r) => r.up.withIpHeaders, kb),
    row('… with IPv4/UDP/TCP headers, down kB/min', runs, (r) => r.down.withIpHeaders, kb),
    row('of which the control socket, up kB/min', runs, (r) => r.control.up.bytes, kb, false),
    row('of which the control socket, down kB/min', runs, (r) => r.control.down.bytes, kb, false),
    row('packets (datagrams / socket messages) per min, up', runs, (r) => r.up.packets, (v) => f(v), false),
    row('packets per min, down', runs, (r) => r.down.packets, (v) => f(v), false),
    row('end of speech → first answer audio, p50 ms', runs, (r) => r.endOfSpeechToAudioMs.p50, (v) => f(v, 1)),
    row('end of speech → first answer audio, p95 ms', runs, (r) => r.endOfSpeechToAudioMs.p95, (v) => f(v, 1)),
  ];
  const missed = runs.map((run) => `${run.transport} ${run.completed}/${run.sessions} sessions, ${run.missedTurns} of ${run.turns} turns unanswered`).join('; ');
  lines.push('', `Completed: ${missed}.`);
  for (const run of runs) if (run.problems.length) lines.push('', `${run.transport} problems: ${run.problems.slice(0, 5).join('; ')}`);
  return lines;
}
