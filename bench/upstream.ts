/**
 * The bench's own Realtime upstream (GA dialect, minimal and fast; not the tests' scripted
 * upstream). Audio sessions (`?model=bench` through the gateway, `?model=bench-floor` for the
 * floor) stream assistant audio at real-time pace and read the markers in the microphone audio; `?model=bench-tool` sessions answer every user turn with a
 * completed `search` call and time the gateway's `function_call_output`.
 */
import { performance } from 'node:perf_hooks';
import { WebSocketServer, type WebSocket } from 'ws';
import { base64Source, createFrameFactory, HeaderScanner } from './frame-header.js';
import { groupOfModel, type AudioGroup, type StepRecorder } from './recorder.js';
import { eventId, handleControlEvent, sessionObject } from './upstream-events.js';
import { handleToolSession, type ToolTiming } from './upstream-tool.js';

/** Assistant audio per delta: 100 ms of 24 kHz PCM16, the size the API commonly sends. */
export const DELTA_BYTES = 4800;
/** Microphone frame: 20 ms of 24 kHz PCM16. */
export const MIC_FRAME_BYTES = 960;
const DELTA_INTERVAL_MS = 100;

/** The running bench upstream. */
export interface BenchUpstream {
  port: number;
  /** Sessions open now. */
  readonly openSessions: number;
  /** What the gateway's connections looked like (path, api-key header), for the report. */
  readonly seen: { paths: Set<string>; withApiKey: number; withoutApiKey: number; sessionUpdates: number };
  /** Where each group's audio markers are recorded (none: between steps). */
  recorders: Partial<Record<AudioGroup, StepRecorder>>;
  /** The group whose sessions stream assistant audio now (`undefined`: none). */
  readonly streamingGroup: AudioGroup | undefined;
  /** Starts one group's assistant audio (each session on a fresh phase) and pauses the other's. */
  streamTo(group: AudioGroup | undefined): void;
  /** Called for every completed tool round trip. */
  onToolTiming: ((timing: ToolTiming) => void) | undefined;
  /** Called when a tool session's turn ends (the response after the tool output is done). */
  onTurnEnd: (() => void) | undefined;
  /** Drops every open session (used when a gateway leaves sessions open after its widgets left). */
  terminateAll(): void;
  close(): Promise<void>;
}

interface AudioSession {
  socket: WebSocket;
  group: AudioGroup;
  index: number;
  scanner: HeaderScanner;
  streaming: boolean;
  nextDueAt: number;
  seq: number;
  deltaPrefix: string;
}

/** Starts the bench upstream on a free loopback port. */
export async function startBenchUpstream(): Promise<BenchUpstream> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 16 << 20 });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const deltas = createFrameFactory(DELTA_BYTES);
  const streamingSessions = new Set<AudioSession>();
  let sessionCounter = 0;
  let open = 0;

  const upstream: BenchUpstream = {
    port,
    get openSessions() {
      return open;
    },
    seen: { paths: new Set(), withApiKey: 0, withoutApiKey: 0, sessionUpdates: 0 },
    recorders: {},
    streamingGroup: undefined,
    streamTo(group) {
      (upstream as { streamingGroup: AudioGroup | undefined }).streamingGroup = group;
      // A paused group resumes on fresh phases, not with a burst of the deltas it skipped.
      const now = performance.now();
      for (const session of streamingSessions) {
        if (session.group === group) session.nextDueAt = now + Math.random() * DELTA_INTERVAL_MS;
      }
    },
    onToolTiming: undefined,
    onTurnEnd: undefined,
    terminateAll() {
      for (const client of server.clients) client.terminate();
    },
    close: async () => {
      clearInterval(ticker);
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  // One ticker paces every session's assistant audio; each session keeps its own phase.
  const ticker = setInterval(() => {
    const group = upstream.streamingGroup;
    const recorder = group && upstream.recorders[group];
    if (!recorder) return;
    const now = performance.now();
    for (const session of streamingSessions) {
      if (session.group !== group) continue;
      while (session.nextDueAt <= now) {
        session.nextDueAt += DELTA_INTERVAL_MS;
        const delta = deltas.base64({ stream: session.index, seq: session.seq++, sentAt: performance.now() });
        session.socket.send(session.deltaPrefix + delta + '"}');
        recorder.down.sent++;
      }
    }
  }, 4);

  server.on('connection', (socket, request) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const model = url.searchParams.get('model') ?? '';
    upstream.seen.paths.add(`${url.pathname}?model=${model}`);
    if (request.headers['api-key'] === 'bench-key') upstream.seen.withApiKey++;
    else upstream.seen.withoutApiKey++;
    const index = sessionCounter++;
    open++;
    socket.on('close', () => {
      open--;
    });
    const id = `sess_bench${index}`;
    // Sent at once, so it can share a TCP segment with the 101 response (a client must cope).
    socket.send(JSON.stringify({ type: 'session.created', event_id: eventId(), session: sessionObject(id, model) }));
    if (model === 'bench-tool') handleToolSession(upstream, socket, id, model);
    else handleAudioSession(upstream, streamingSessions, socket, index, id, model);
  });
  return upstream;
}

function handleAudioSession(
  upstream: BenchUpstream,
  streamingSessions: Set<AudioSession>,
  socket: WebSocket,
  index: number,
  id: string,
  model: string,
): void {
  const responseId = `resp_bench${index}`;
  const itemId = `item_bench${index}`;
  const session: AudioSession = {
    socket,
    group: groupOfModel(model),
    index,
    scanner: new HeaderScanner(MIC_FRAME_BYTES),
    streaming: false,
    nextDueAt: 0,
    seq: 0,
    deltaPrefix:
      `{"type":"response.output_audio.delta","event_id":"event_d","response_id":"${responseId}",` +
      `"item_id":"${itemId}","output_index":0,"content_index":0,"delta":"`,
  };
  socket.on('close', () => streamingSessions.delete(session));
  socket.on('message', (data, isBinary) => {
    if (isBinary) return;
    const receivedAt = performance.now();
    const text = data.toString();
    // Fast path: appends are 50 per second per session; find the audio without JSON.parse.
    const typeAt = text.indexOf('"input_audio_buffer.append"');
    if (typeAt !== -1 && typeAt < 120) {
      const start = text.indexOf('"audio":"') + 9;
      const audio = text.slice(start, text.indexOf('"', start));
      const recorder = upstream.recorders[session.group];
      // Always scan, even between steps, so the stream position stays aligned with the frames.
      session.scanner.push(base64Source(audio), (header) => recorder?.up.record(header, receivedAt));
      if (recorder) recorder.up.corrupt += session.scanner.corrupt;
      session.scanner.corrupt = 0;
      if (!session.streaming && recorder && upstream.streamingGroup === session.group) {
        startAssistantAudio(socket, session, streamingSessions, responseId, itemId);
      }
      return;
    }
    handleControlEvent(upstream.seen, socket, text, id, model);
  });
}

function startAssistantAudio(
  socket: WebSocket,
  session: AudioSession,
  streamingSessions: Set<AudioSession>,
  responseId: string,
  itemId: string,
): void {
  session.streaming = true;
  const item = { id: itemId, object: 'realtime.item', type: 'message', status: 'in_progress', role: 'assistant', content: [] };
  const response = { object: 'realtime.response', id: responseId, status: 'in_progress', status_details: null, output: [], usage: null };
  socket.send(JSON.stringify({ type: 'response.created', event_id: eventId(), response }));
  socket.send(JSON.stringify({ type: 'response.output_item.added', event_id: eventId(), response_id: responseId, output_index: 0, item }));
  socket.send(JSON.stringify({ type: 'conversation.item.added', event_id: eventId(), previous_item_id: null, item }));
  socket.send(
    JSON.stringify({
      type: 'response.content_part.added',
      event_id: eventId(),
      response_id: responseId,
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      part: { type: 'audio', transcript: '' },
    }),
  );
  // A random phase spreads the sessions' deltas over the 100 ms period, as real traffic would be.
  session.nextDueAt = performance.now() + Math.random() * DELTA_INTERVAL_MS;
  streamingSessions.add(session);
}

