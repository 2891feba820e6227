/**
 * Microphone-frame coalescing (a site's `audio.coalesce_ms`): consecutive frames join into one
 * upstream append, so the gateway makes one write (and one base64 encode and JSON frame) per
 * batch instead of one per 20 ms frame. No frame is held longer than the setting, measured from
 * its arrival; the caller flushes at once whenever order matters (commit, interrupt, typed text,
 * end of the session). A setting of 0 passes every frame straight through.
 */
import type { Clock, ClockTimer } from '../clock.js';

export interface MicCoalescerOptions {
  /** The longest a frame may wait (ms); 0: no coalescing. */
  holdMs: number;
  /** Bytes of audio per ms (PCM16 mono at 24 kHz: 48). */
  bytesPerMs: number;
  clock: Clock;
  /** Sends one append. The bytes are valid only during the call (the buffer is reused). */
  send(pcm: Uint8Array): void;
}

export interface MicCoalescer {
  /** A microphone frame, in order. */
  push(frame: Uint8Array): void;
  /** Sends what is held now (nothing when nothing is) and stops the timer. */
  flush(): void;
}

/** Creates the coalescer of one session. */
export function createMicCoalescer(options: MicCoalescerOptions): MicCoalescer {
  const { holdMs, clock, send } = options;
  if (holdMs <= 0) return { push: send, flush: () => {} };
  // A batch is sent as soon as it holds `holdMs` of audio; the timer covers the last frames of
  // an utterance (and any gap), which would otherwise wait for a frame that never comes.
  const target = Math.max(1, Math.round(holdMs * options.bytesPerMs));
  let buffer = new Uint8Array(target);
  let length = 0;
  let timer: ClockTimer | undefined;

  const stopTimer = () => {
    if (timer === undefined) return;
    clock.clearTimeout(timer);
    timer = undefined;
  };

  const flush = () => {
    stopTimer();
    if (length === 0) return;
    const held = buffer.subarray(0, length);
    length = 0;
    send(held);
  };

  return {
    push(frame) {
      if (length + frame.byteLength > buffer.byteLength) {
        // Only frames larger than the batch size get here (a short setting): grow once.
        const grown = new Uint8Array(Math.max(buffer.byteLength * 2, length + frame.byteLength));
        grown.set(buffer.subarray(0, length));
        buffer = grown;
      }
      buffer.set(frame, length);
      length += frame.byteLength;
      if (length >= target) flush();
      else if (timer === undefined) timer = clock.setTimeout(flush, holdMs);
    },
    flush,
  };
}
