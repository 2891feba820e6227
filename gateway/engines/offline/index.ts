/**
 * The offline engine's runtime-free core: one OfflineSession per connection. The Node adapter
 * (gateway/node/offline/engine.ts) listens, loads the WASM speech parts and passes them in.
 */
import { systemClock, type Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { Recognizer } from './response-plan.js';
import { OfflineSession } from './session.js';
import type { TtsEngine } from './tts.js';
import type { FrameClassifier } from './vad.js';

export type { Recognizer } from './response-plan.js';
export type { SynthesizedAudio, TtsEngine } from './tts.js';
export { routeTts } from './tts.js';
export type { FrameClassifier } from './vad.js';

/** What the engine's sessions are built from; the adapter supplies the speech parts. */
export interface OfflineSessionParts {
  tts: TtsEngine;
  /** A fresh voice-activity classifier for each session. */
  createClassifier(): Promise<FrameClassifier>;
  clock?: Clock;
  /** Pace audio at ~3× real time like the service (default true); false sends it at once. */
  pace?: boolean;
  /** Optional speech recognition; without it audio turns get the can't-understand answer. */
  recognizer?: Recognizer;
  logger?: Logger;
}

/** The incoming side of one connection, as the transport drives it. */
export interface OfflineConnection {
  receive(data: string | Uint8Array, isBinary: boolean): void;
  close(): void;
}

/** The engine's live sessions. */
export interface OfflineSessions {
  /** Starts a session that answers through `send`; `model` is the `?model=` of the request. */
  open(send: (text: string) => void, model: string): Promise<OfflineConnection>;
  /** Ends every live session (the transport closes its sockets itself). */
  closeAll(): void;
}

/**
 * The offline engine: a Realtime-compatible session (GA dialect) with voice activity detection,
 * extractive answers through the gateway's `search`/`report_grounding` tools and synthesized
 * speech. Honest about not being a language model.
 */
export function createOfflineSessions(parts: OfflineSessionParts): OfflineSessions {
  const clock = parts.clock ?? systemClock;
  const sessions = new Set<OfflineSession>();
  return {
    async open(send, model) {
      const session = new OfflineSession({
        send,
        model,
        tts: parts.tts,
        clock,
        pace: parts.pace ?? true,
        classifier: await parts.createClassifier(),
        recognizer: parts.recognizer,
        logger: parts.logger,
      });
      sessions.add(session);
      session.start();
      parts.logger?.debug({ sessions: sessions.size }, 'offline engine: session opened');
      return {
        receive: (data, isBinary) => session.receive(data, isBinary),
        close: () => {
          session.close();
          sessions.delete(session);
          parts.logger?.debug({ sessions: sessions.size }, 'offline engine: session closed');
        },
      };
    },
    closeAll() {
      for (const session of sessions) session.close();
      sessions.clear();
    },
  };
}
