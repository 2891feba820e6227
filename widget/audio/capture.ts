/**
 * Capture controller: microphone → capture worklet → 20 ms PCM16 frames at 24 kHz.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { CAPTURE_PROCESSOR } from './messages.js';
import type { CaptureCommand, CaptureEvent } from './messages.js';
import { loadWorklets } from './worklets.js';

/** Constraints asked of the microphone: the browser's echo cancellation keeps the answer out of the mic. */
export const MIC_CONSTRAINTS: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
  channelCount: 1,
};

/** Callback receiving one transferred 960-byte frame and its RMS level (0–1). */
export type FrameHandler = (pcm: ArrayBuffer, level: number) => void;

/** Owns the microphone stream and the capture worklet; releases both on stop and on disconnect. */
export class CaptureController implements ReactiveController {
  #stream: MediaStream | undefined;
  #source: MediaStreamAudioSourceNode | undefined;
  #node: AudioWorkletNode | undefined;
  #generation = 0;
  readonly #onFrame: FrameHandler;

  constructor(host: ReactiveControllerHost, onFrame: FrameHandler) {
    this.#onFrame = onFrame;
    host.addController(this);
  }

  /** Whether the microphone is open. */
  get active(): boolean {
    return this.#stream !== undefined;
  }

  /** Opens the microphone and starts framing; rejects when it is denied or absent. */
  async start(context: AudioContext): Promise<void> {
    this.stop();
    const generation = ++this.#generation;
    if (!navigator.mediaDevices?.getUserMedia) throw new DOMException('no microphone API', 'NotSupportedError');
    const [stream] = await Promise.all([
      navigator.mediaDevices.getUserMedia({ audio: MIC_CONSTRAINTS }),
      loadWorklets(context),
    ]);
    // A stop() while permission was pending wins: release what arrived late.
    if (generation !== this.#generation || context.state === 'closed') {
      for (const track of stream.getTracks()) track.stop();
      return;
    }
    this.#stream = stream;
    this.#source = context.createMediaStreamSource(stream);
    this.#node = new AudioWorkletNode(context, CAPTURE_PROCESSOR, { numberOfInputs: 1, numberOfOutputs: 0 });
    this.#node.port.onmessage = (event: MessageEvent<CaptureEvent>) => {
      if (event.data.type === 'frame') this.#onFrame(event.data.pcm, event.data.level);
    };
    this.#source.connect(this.#node);
  }

  /** Stops every track and disconnects the worklet. */
  stop(): void {
    this.#generation++;
    if (this.#node) {
      const command: CaptureCommand = { type: 'stop' };
      this.#node.port.postMessage(command);
      this.#node.port.onmessage = null;
      this.#node.disconnect();
    }
    this.#source?.disconnect();
    for (const track of this.#stream?.getTracks() ?? []) track.stop();
    this.#stream = undefined;
    this.#source = undefined;
    this.#node = undefined;
  }

  hostDisconnected(): void {
    this.stop();
  }
}
