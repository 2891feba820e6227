/**
 * The scripted service of the "transports" section (GA dialect, loopback): socket sessions
 * (`/openai/v1/realtime?model=…`, PCM16 appends in, audio deltas out), and WebRTC calls
 * (`POST /openai/v1/realtime/calls`, a werift peer per call, its sideband `?call_id=…`,
 * hang-up). Both hear the visitor with the same detector and answer after the same delay.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { WebSocketServer, type WebSocket } from 'ws';
import { handleControlEvent, sessionObject, eventId } from '../../upstream-events.js';
import { answerCall, type ServicePeer } from './service-peer.js';
import { createServiceTurns, type TurnTiming } from './service-turn.js';
import { createTurnDetector, rms, samplesOf, VOICED_RMS } from './signal.js';
import { voiceFrame } from './voice-frames.js';

/** Assistant audio per delta on a socket session: 100 ms of 24 kHz PCM16, as the API commonly sends. */
const DELTA_MS = 100;

interface Call {
  peer: ServicePeer;
  sideband: WebSocket | undefined;
}

export interface TurnUpstream {
  port: number;
  /** Socket sessions, sidebands and calls still open. */
  readonly open: { sockets: number; calls: number };
  /** Requests or events it could not serve (reported, never thrown). */
  problems: string[];
  close(): Promise<void>;
}

/** A delta of the answer's voice: `DELTA_MS` of speech frames at 24 kHz, base64. */
function deltaAudio(index: number): string {
  const frames = Array.from({ length: DELTA_MS / 20 }, (_, i) => voiceFrame(24_000, true, index * (DELTA_MS / 20) + i));
  return Buffer.concat(frames.map((pcm) => Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength))).toString('base64');
}

function socketSession(socket: WebSocket, model: string, index: number, timing: TurnTiming, seen: { sessionUpdates: number }): void {
  const id = `sess_turns${index}`;
  socket.send(JSON.stringify({ type: 'session.created', event_id: eventId(), session: sessionObject(id, model) }));
  const audio = {
    async play(ms: number, responseId: string, itemId: string) {
      let due = performance.now();
      for (let n = 0; n < ms / DELTA_MS && socket.readyState === socket.OPEN; n++) {
        socket.send(JSON.stringify({ type: 'response.output_audio.delta', event_id: eventId(), response_id: responseId, item_id: itemId, output_index: 0, content_index: 0, delta: deltaAudio(n) }));
        due += DELTA_MS;
        await sleep(Math.max(0, due - performance.now()));
      }
    },
  };
  const turns = createServiceTurns(() => socket, audio, timing, performance.now());
  const detector = createTurnDetector();
  socket.on('message', (data) => {
    const event = handleControlEvent(seen, socket, data.toString(), id, model) as { type?: string; audio?: string } | undefined;
    if (event?.type !== 'input_audio_buffer.append' || typeof event.audio !== 'string') return;
    turns(detector.push(rms(samplesOf(Buffer.from(event.audio, 'base64'))) > VOICED_RMS));
  });
}

/** Starts the scripted service on a free loopback port. */
export async function startTurnUpstream(timing: TurnTiming): Promise<TurnUpstream> {
  const calls = new Map<string, Call>();
  const seen = { sessionUpdates: 0 };
  const problems: string[] = [];
  let sockets = 0;
  let counter = 0;
  const app = new Hono();
  app.post('/openai/v1/realtime/calls', async (c) => {
    const form = await c.req.formData();
    const sdp = form.get('sdp');
    if (typeof sdp !== 'string' || !form.get('session')) return c.json({ error: { message: 'sdp and session are required' } }, 400);
    const callId = `rtc_bench${++counter}`;
    const call: Call = { peer: await answerCall(sdp), sideband: undefined };
    calls.set(callId, call);
    const turns = createServiceTurns(() => call.sideband, { play: (ms) => call.peer.speak(ms) }, timing, performance.now());
    const detector = createTurnDetector();
    call.peer.onFrame = (voiced) => turns(detector.push(voiced));
    return c.body(call.peer.answer, 201, { 'content-type': 'application/sdp', location: `/v1/realtime/calls/${callId}` });
  });
  app.post('/openai/v1/realtime/calls/:id/hangup', async (c) => {
    const call = calls.get(c.req.param('id'));
    if (!call) return c.body(null, 404);
    calls.delete(c.req.param('id'));
    call.sideband?.close();
    await call.peer.close();
    return c.body(null, 200);
  });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server)) as Server;
  });
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  server.on('upgrade', (request, tcp, head) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    wss.handleUpgrade(request, tcp, head, (socket) => {
      sockets++;
      socket.on('close', () => sockets--);
      const callId = url.searchParams.get('call_id');
      if (!callId) return socketSession(socket, url.searchParams.get('model') ?? '', ++counter, timing, seen);
      const call = calls.get(callId);
      if (!call) {
        problems.push(`sideband for an unknown call ${callId}`);
        return socket.close(4004, 'unknown call');
      }
      call.sideband = socket;
      socket.on('message', (data) => handleControlEvent(seen, socket, data.toString(), callId, 'turns'));
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    get open() {
      return { sockets, calls: calls.size };
    },
    problems,
    async close() {
      for (const socket of wss.clients) socket.terminate();
      await Promise.all([...calls.values()].map((call) => call.peer.close()));
      calls.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
