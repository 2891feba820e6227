/**
 * Node adapter: starts the bundled offline engine, a local Realtime-compatible WebSocket server
 * whose sessions come from the runtime-free core in gateway/engines/offline/.
 */
import { createOfflineSessions, type Recognizer, type TtsEngine } from '../../engines/offline/index.js';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import { createDefaultTts } from './default-tts.js';
import { createFvadClassifier } from './fvad.js';
import { listenWebSocket } from './ws-server.js';

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

/** Starts the offline engine on `host:port` with WebRTC VAD and the default voices. */
export async function startOfflineEngine(options: OfflineEngineOptions = {}): Promise<OfflineEngine> {
  const host = options.host ?? '127.0.0.1';
  const ownTts = options.tts ? undefined : createDefaultTts();
  const sessions = createOfflineSessions({
    tts: options.tts ?? ownTts!,
    createClassifier: createFvadClassifier,
    clock: options.clock,
    pace: options.pace,
    recognizer: options.recognizer,
    logger: options.logger,
  });
  const listener = await listenWebSocket({
    host,
    port: options.port ?? 0,
    path: '/v1/realtime',
    accept: (socket, url) => sessions.open((text) => socket.send(text), url.searchParams.get('model') ?? 'offline'),
  });
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return {
    url: `ws://${hostPart}:${listener.port}/v1/realtime`,
    async close() {
      sessions.closeAll();
      await listener.close();
      await ownTts?.dispose?.();
    },
  };
}
