/** Server-side voice activity detection: 30 ms frames classified by an injected FrameClassifier, turned into speech start/stop events. */
import { Resampler } from './resample.js';

/** The `server_vad` parameters the detector honours. */
export interface VadParams {
  threshold: number;
  prefixPaddingMs: number;
  silenceDurationMs: number;
}

/** What the detector saw, in ms of the input audio timeline. */
export type VadEvent = { type: 'speech_started'; audioStartMs: number } | { type: 'speech_stopped'; audioEndMs: number };

/** Classifies 30 ms frames of 16 kHz PCM16 as speech or not. */
export interface FrameClassifier {
  setMode(mode: 0 | 1 | 2 | 3): void;
  isSpeech(frame: Int16Array): boolean;
  dispose(): void;
}

/** The classifier's input: 16 kHz PCM16 in 30 ms frames. */
export const VAD_RATE = 16_000;
const FRAME_MS = 30;
export const FRAME_SAMPLES = (VAD_RATE * FRAME_MS) / 1000;
/** Frames looked at to decide that speech started (150 ms). */
const START_WINDOW = 5;
/**
 * Frames quieter than this RMS (≈ -50 dBFS) are never speech. WebRTC VAD judges spectra, not
 * loudness, and while its noise model settles it calls faint hiss speech; real speech is far louder.
 */
const MIN_SPEECH_RMS = 100;

function frameRms(frame: Int16Array): number {
  let sum = 0;
  for (const sample of frame) sum += sample * sample;
  return Math.sqrt(sum / frame.length);
}

/** Maps the Realtime `threshold` (0–1, higher = needs louder, clearer speech) to fvad's aggressiveness. */
export function modeForThreshold(threshold: number): 0 | 1 | 2 | 3 {
  return Math.max(0, Math.min(3, Math.floor(threshold * 4))) as 0 | 1 | 2 | 3;
}

/** Voiced frames out of {@link START_WINDOW} needed to call it speech: more for higher thresholds. */
export function voicedFramesNeeded(threshold: number): number {
  return Math.max(1, Math.min(START_WINDOW, Math.round(START_WINDOW * (0.2 + 0.6 * threshold))));
}

/**
 * Server-side turn detection over 24 kHz PCM16: downsamples to 16 kHz, classifies 30 ms frames
 * and applies the session's threshold, prefix padding and silence duration.
 */
export class TurnDetector {
  private readonly classifier: FrameClassifier;
  private params: VadParams;
  private readonly resampler = new Resampler(24_000, VAD_RATE);
  private pending = new Int16Array(0);
  private frameIndex = 0;
  private recent: boolean[] = [];
  private speaking = false;
  private silentFrames = 0;
  /** Earliest ms speech may start from (the buffer start after a commit or clear). */
  private floorMs = 0;

  constructor(classifier: FrameClassifier, params: VadParams) {
    this.classifier = classifier;
    this.params = params;
    classifier.setMode(modeForThreshold(params.threshold));
  }

  get inSpeech(): boolean {
    return this.speaking;
  }

  setParams(params: VadParams): void {
    this.params = params;
    this.classifier.setMode(modeForThreshold(params.threshold));
  }

  /** Forgets any speech in progress; the timeline keeps running. */
  reset(floorMs: number): void {
    this.speaking = false;
    this.silentFrames = 0;
    this.recent = [];
    this.floorMs = floorMs;
  }

  /** Feeds input audio; returns the turn events it completed. */
  push(pcm24k: Int16Array): VadEvent[] {
    const fresh = this.resampler.push(pcm24k);
    const samples = new Int16Array(this.pending.length + fresh.length);
    samples.set(this.pending);
    samples.set(fresh, this.pending.length);
    const events: VadEvent[] = [];
    let offset = 0;
    for (; offset + FRAME_SAMPLES <= samples.length; offset += FRAME_SAMPLES) {
      const frame = samples.subarray(offset, offset + FRAME_SAMPLES);
      // The classifier sees every frame, so its noise model keeps adapting.
      const voiced = this.classifier.isSpeech(frame) && frameRms(frame) >= MIN_SPEECH_RMS;
      const event = this.onFrame(voiced);
      if (event) events.push(event);
    }
    this.pending = samples.slice(offset);
    return events;
  }

  dispose(): void {
    this.classifier.dispose();
  }

  private onFrame(voiced: boolean): VadEvent | undefined {
    const index = this.frameIndex++;
    const frameEndMs = (index + 1) * FRAME_MS;
    if (!this.speaking) {
      this.recent.push(voiced);
      if (this.recent.length > START_WINDOW) this.recent.shift();
      const count = this.recent.filter(Boolean).length;
      if (!voiced || count < voicedFramesNeeded(this.params.threshold)) return undefined;
      const firstVoiced = index - this.recent.length + 1 + this.recent.indexOf(true);
      this.speaking = true;
      this.silentFrames = 0;
      this.recent = [];
      // As the real service does, the reported start includes the prefix padding.
      const onsetMs = firstVoiced * FRAME_MS;
      return { type: 'speech_started', audioStartMs: Math.max(this.floorMs, onsetMs - this.params.prefixPaddingMs) };
    }
    if (voiced) {
      this.silentFrames = 0;
      return undefined;
    }
    this.silentFrames++;
    if (this.silentFrames * FRAME_MS < this.params.silenceDurationMs) return undefined;
    this.speaking = false;
    this.silentFrames = 0;
    return { type: 'speech_stopped', audioEndMs: frameEndMs };
  }
}
