/**
 * The visitor's microphone frames on their way upstream: the real-time rate,
 * the switch to spoken answers in a session opened by typing, the upstream back-pressure check
 * and coalescing. Each problem is answered as the session's failure, never thrown.
 */
import type { Clock } from '../clock.js';
import { GatewayError } from '../errors.js';
import { SAMPLE_RATE } from '../protocol.js';
import { webBase64 } from '../realtime/base64.js';
import type { RealtimeConnection } from '../realtime/client.js';
import { createAudioRateMeter } from './audio-rate.js';
import { createMicCoalescer } from './mic-coalescer.js';

export interface MicrophoneInputOptions {
  clock: Clock;
  /** The site's `audio.coalesce_ms`. */
  coalesceMs: number;
  /** Upstream bytes past which the upstream counts as not reading. */
  maxBuffered: number;
  /** `mode=text`: no audio output was asked for until the first frame. */
  textOnly: boolean;
  /** The session's current upstream (a renewal replaces it). */
  upstream(): RealtimeConnection | undefined;
  end(error: GatewayError): void;
}

export interface MicrophoneInput {
  /** Whether answers are still text only (the visitor has not pressed the mic yet). */
  readonly textOnly: boolean;
  /** One checked frame (checkAudioFrame) from a ready session's browser; false when it ended the session. */
  push(frame: Uint8Array, now: number): boolean;
  /** Sends held audio now: what the visitor spoke precedes whatever they do next. */
  flush(): void;
}

/** Creates the microphone path of one session. */
export function createMicrophoneInput(options: MicrophoneInputOptions): MicrophoneInput {
  const { clock, maxBuffered, upstream, end } = options;
  // The composition root installs the runtime's fast codec (installBase64Codec); webBase64 delegates to it.
  const base64 = webBase64;
  const rate = createAudioRateMeter();
  let textOnly = options.textOnly;
  // Off by default (audio.coalesce_ms: 0): then each frame is its own append.
  const mic = createMicCoalescer({ holdMs: options.coalesceMs, bytesPerMs: (SAMPLE_RATE * 2) / 1000, clock, send: (pcm) => upstream()?.appendAudio(base64.encode(pcm)) });
  const fail = (message: string) => {
    end(new GatewayError('bad_message', message));
    return false;
  };

  return {
    get textOnly() {
      return textOnly;
    },
    push(frame, now) {
      if (!rate.accept(frame.byteLength, now)) return fail('audio arrives faster than real time');
      const connection = upstream()!;
      if (textOnly) {
        // The visitor pressed the mic: from now on answers are spoken.
        textOnly = false;
        connection.send(connection.dialect.buildAudioOutput());
      }
      // An upstream that stops reading must not make the gateway buffer the visitor's audio without bound.
      if (connection.bufferedAmount > maxBuffered) {
        end(new GatewayError('upstream_error', 'the upstream is not reading'));
        return false;
      }
      mic.push(frame);
      return true;
    },
    flush: () => mic.flush(),
  };
}
