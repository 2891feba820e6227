/**
 * The `{type: …}` message unions between the main thread and the two AudioWorklet processors.
 * Types only: the processors import nothing at run time.
 */

/** Main thread → capture processor. */
export type CaptureCommand = { type: 'stop' };

/** Capture processor → main thread: one 20 ms PCM16 frame at 24 kHz (960 bytes), transferred. */
export type CaptureEvent = { type: 'frame'; pcm: ArrayBuffer; level: number };

/** Main thread → playback processor. */
export type PlaybackCommand =
  /** PCM16 mono 24 kHz assistant audio to queue (transferred). */
  | { type: 'audio'; pcm: ArrayBuffer }
  /** A new response begins: the played count restarts at zero. */
  | { type: 'reset' }
  /** No more audio for this response: play out what is buffered, even below the jitter threshold. */
  | { type: 'end' }
  /** Drop everything buffered now (barge-in); answered by `flushed`. */
  | { type: 'flush' };

/** Playback processor → main thread. */
export type PlaybackEvent =
  /** Progress: 24 kHz samples actually played in this response, and the output level. */
  | { type: 'played'; samples: number; level: number }
  /** Buffered audio ran out after `end`: the response has been heard to its end. */
  | { type: 'drained'; samples: number }
  /** Reply to `flush`, with the exact played count at that moment. */
  | { type: 'flushed'; samples: number };

/** Name the capture processor is registered under. */
export const CAPTURE_PROCESSOR = 'voice-rag-capture';
/** Name the playback processor is registered under. */
export const PLAYBACK_PROCESSOR = 'voice-rag-playback';
