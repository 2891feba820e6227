import type { Logger } from 'pino';
import { systemClock, type Clock } from '../../clock.js';
import { listenWebSocket } from '../../node/offline-ws-server.js';
import { createDefaultTts } from './default-tts.js';
import type { Recognizer } from './response-plan.js';
import { OfflineSession } from './session.js';
import type { TtsEngine } from './tts.js';
import { createFvadClassifier } from './vad.js';

export type { Recognizer } from './response-plan.js';
export type { SynthesizedAudio, TtsEngine } from './tts.js';
export { createDefaultTts } from './default-tts.js';

/** Options of {@link startOfflineEngine}; all optional. */
export interface OfflineEngineOptions {
  /** Default 127.0.0.1: the engine is for the gateway in the same process. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  logger?: Logger;
  /** Default: Flite for English, eSpeak NG for Japanese. */
  tts?: TtsEngine;
  clock?: Clock;
  /** Pace audio at ~3× real time like the service (default true); false sends it at once. */
  pace?: boolean;
  /** Optional speech recognition; without it audio turns get the can't-understand answer. */
  recognizer?: Recognizer;
}

/** A running offline engine. */
export interface OfflineEngine {
  /** `ws://HOST:PORT/v1/realtime`; connect with `?model=offline`, no auth. */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the bundled offline engine: a local Realtime-compatible server (GA dialect) with
 * WebRTC VAD, extractive answers through the gateway's `search`/`report_grounding` tools and
 * synthesized speech. Honest about not being a language model.
 */
export async function startOfflineEngine(options: OfflineEngineOptions = {}): Promise<OfflineEngine> {
  const host = options.host ?? '127.0.0.1';
  const ownTts = options.tts ? undefined : createDefaultTts();
  const tts = options.tts ?? ownTts!;
  const clock = options.clock ?? systemClock;
  const sessions = new Set<OfflineSession>();
  const listener = await listenWebSocket({
    host,
    port: options.port ?? 0,
    path: '/v1/realtime',
    accept: async (socket, url) => {
      const session = new OfflineSession({
        send: (text) => socket.send(text),
        model: url.searchParams.get('model') ?? 'offline',
        tts,
        clock,
        pace: options.pace ?? true,
        classifier: await createFvadClassifier(),
        recognizer: options.recognizer,
        logger: options.logger,
      });
      sessions.add(session);
      session.start();
      options.logger?.debug({ sessions: sessions.size }, 'offline engine: session opened');
      return {
        receive: (data, isBinary) => session.receive(data, isBinary),
        close: () => {
          session.close();
          sessions.delete(session);
          options.logger?.debug({ sessions: sessions.size }, 'offline engine: session closed');
        },
      };
    },
  });
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return {
    url: `ws://${hostPart}:${listener.port}/v1/realtime`,
    async close() {
      for (const session of sessions) session.close();
      sessions.clear();
      await listener.close();
      await ownTts?.dispose?.();
    },
  };
}
