/** Counts a werift peer's UDP datagrams and bytes each way at its sockets (RTP/SRTP, RTCP, STUN, DTLS and SCTP alike). */
import type { Socket } from 'node:dgram';
import type { RTCPeerConnection } from 'werift';
import type { LinkCount } from '../../transport-figures.js';

/** The dgram sockets under a werift peer (ICE transport → connection → protocols → transport). */
function socketsOf(pc: RTCPeerConnection): Socket[] {
  const sockets: Socket[] = [];
  for (const ice of pc.iceTransports) {
    const protocols = (ice.connection as unknown as { protocols?: Array<{ transport?: { socket?: Socket } }> }).protocols ?? [];
    for (const protocol of protocols) if (protocol.transport?.socket) sockets.push(protocol.transport.socket);
  }
  return sockets;
}

/** Starts counting now; call once the peer has gathered its candidates. Throws if werift's layout changed. */
export function countUdp(pc: RTCPeerConnection): () => { up: LinkCount; down: LinkCount } {
  const up = { bytes: 0, packets: 0 };
  const down = { bytes: 0, packets: 0 };
  const sockets = socketsOf(pc);
  if (sockets.length === 0) throw new Error('werift: no UDP socket found under the peer connection (its internals changed)');
  for (const socket of sockets) {
    const send = socket.send.bind(socket) as (...args: unknown[]) => void;
    (socket as { send: unknown }).send = (message: Uint8Array, ...rest: unknown[]) => {
      up.bytes += message.byteLength;
      up.packets++;
      send(message, ...rest);
    };
    socket.on('message', (message: Buffer) => {
      down.bytes += message.byteLength;
      down.packets++;
    });
  }
  return () => ({ up: { ...up }, down: { ...down } });
}
