/** The fixed conversation every visitor holds, the same on both transports: the microphone runs all along at 20 ms frames; each turn is speech, then waiting for the answer. */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AudioWatch } from './control-socket.js';

/** The script of one session. */
export interface Script {
  turns: number;
  speechMs: number;
  /** Silence after the answer ends before the next turn. */
  gapMs: number;
  /** No audio for this long: the answer has ended. */
  quietMs: number;
  answerTimeoutMs: number;
}

export const FRAME_MS = 20;

/** A visitor's microphone and ears on one transport. */
export interface Visitor {
  /** Sends the frame with this index: speech or silence. */
  sendFrame(voiced: boolean, index: number): void;
  audio: AudioWatch;
}

/** What one session measured. */
export interface Conversation {
  /** End of speech (when the last voiced frame was sent) → first answer audio received, per turn. */
  latenciesMs: number[];
  /** Turns whose answer never came. */
  missed: number;
  seconds: number;
}

/** Runs the script; resolves when its last turn's answer ended and the gap passed. */
export async function converse(visitor: Visitor, script: Script): Promise<Conversation> {
  let speechLeft = 0;
  let lastVoicedAt = 0;
  let onSpeechEnd: ((at: number) => void) | undefined;
  let running = true;
  const started = performance.now();
  // The microphone: one frame every 20 ms against a fixed schedule, so late timers do not slow it.
  const microphone = (async () => {
    let due = performance.now();
    for (let index = 0; running; index++) {
      const voiced = speechLeft > 0;
      visitor.sendFrame(voiced, index);
      if (voiced) {
        speechLeft--;
        lastVoicedAt = performance.now();
        if (speechLeft === 0) onSpeechEnd?.(lastVoicedAt);
      }
      due += FRAME_MS;
      await sleep(Math.max(0, due - performance.now()));
    }
  })();
  const latenciesMs: number[] = [];
  let missed = 0;
  try {
    for (let turn = 0; turn < script.turns; turn++) {
      const endOfSpeech = await new Promise<number>((resolve) => {
        onSpeechEnd = resolve;
        speechLeft = Math.round(script.speechMs / FRAME_MS);
      });
      onSpeechEnd = undefined;
      const heardAt = await visitor.audio.next(endOfSpeech, script.answerTimeoutMs);
      if (heardAt === undefined) missed++;
      else latenciesMs.push(heardAt - endOfSpeech);
      while (performance.now() - visitor.audio.lastAt < script.quietMs) await sleep(FRAME_MS);
      await sleep(script.gapMs);
    }
  } finally {
    running = false;
    await microphone;
  }
  return { latenciesMs, missed, seconds: (performance.now() - started) / 1000 };
}
