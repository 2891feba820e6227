/**
 * Small pieces the topology checks share: a session's first verdict, and a spoken answer that
 * the scripted upstream streams at the pace of real speech.
 */
import type { ServerMessage } from '../../../gateway/protocol.js';
import { loadTranscript, type ScriptedConnection } from '../../support/scripted-upstream.js';
import type { WidgetClient } from '../../support/widget-client.js';

type Verdict = Extract<ServerMessage, { type: 'ready' | 'error' }>;

/** The first `ready` or `error` of a session. */
export async function verdict(client: WidgetClient, timeoutMs = 20_000): Promise<Verdict> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = client.messages.find((m): m is Verdict => m.type === 'ready' || m.type === 'error');
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no ready or error within ${timeoutMs} ms; got ${client.messages.map((m) => m.type).join(', ')}`);
    await sleep(20);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// The first answer of text-turn-ga: conversation.item.create … response.done.
const ANSWER = loadTranscript('text-turn-ga').slice(0, 22);
const CHUNK_MS = 100;
const CHUNK_BYTES = (24_000 * 2 * CHUNK_MS) / 1000;

/**
 * Answers the visitor's typed question with `audioMs` of audio (a quiet tone), streamed in real
 * time; `onAudio` runs once the first chunk is out. Resolves after `response.done` is sent.
 */
export async function speakAnswer(connection: ScriptedConnection, audioMs: number, onAudio: () => void = () => {}): Promise<void> {
  const deltas = ANSWER.filter((line) => line.event.type === 'response.output_audio.delta').length;
  const chunksPerDelta = Math.max(1, Math.round(audioMs / CHUNK_MS / deltas));
  const tone = Buffer.alloc(CHUNK_BYTES);
  for (let i = 0; i < CHUNK_BYTES / 2; i++) tone.writeInt16LE(Math.round(3000 * Math.sin((2 * Math.PI * 440 * i) / 24_000)), i * 2);
  let first = true;
  for (const { dir, event } of ANSWER) {
    if (dir === 'client->server') {
      await connection.waitFor(String(event.type), 10_000);
      continue;
    }
    if (event.type !== 'response.output_audio.delta') {
      connection.send(event);
      continue;
    }
    for (let i = 0; i < chunksPerDelta; i++) {
      connection.send({ ...event, delta: tone.toString('base64') });
      if (first) (first = false), onAudio();
      await sleep(CHUNK_MS);
    }
  }
}
