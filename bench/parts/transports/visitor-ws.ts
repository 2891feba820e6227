/** The visitor on the `websocket` transport: the widget's socket, 20 ms PCM16 frames at 24 kHz as binary frames, the answer's audio as binary frames. */
import type { LinkCount } from '../../transport-figures.js';
import { openControlSocket } from './control-socket.js';
import type { Visitor } from './conversation.js';
import { voiceFrame } from './voice-frames.js';

/** Up (visitor → network) and down counts of one path. */
export interface LinkPair {
  up: LinkCount;
  down: LinkCount;
}

export interface VisitorCounts {
  control: LinkPair;
  media?: LinkPair;
}

export interface BenchVisitor extends Visitor {
  /** Everything on the visitor's link so far, each way: the socket to the gateway, and the call's UDP (webrtc). */
  counts(): VisitorCounts;
  close(): Promise<void>;
}

/** Opens a socket session on `site` and waits for `ready`. */
export async function openSocketVisitor(port: number, site: string): Promise<BenchVisitor> {
  const control = await openControlSocket(port, site);
  try {
    await control.next('ready');
  } catch (error) {
    await control.close();
    throw error;
  }
  return {
    audio: control.audio,
    sendFrame(voiced, index) {
      const pcm = voiceFrame(24_000, voiced, index);
      control.sendBinary(new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength));
    },
    counts: () => ({ control: control.counts() }),
    close: control.close,
  };
}
