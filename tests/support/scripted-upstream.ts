/**
 * A scripted Realtime upstream: a real `ws` server on 127.0.0.1 that speaks either dialect,
 * records every client event, answers `session.update`, and plays the server side of the
 * transcripts in tests/fixtures/realtime/ step by step, waiting for the client events the
 * transcript expects (matched by `type`). It can also refuse the handshake, drop the socket
 * mid-answer, or stay silent after accepting.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { eventChecker, type Violation } from '../conformance/validator.js';

export type ScriptDialect = 'ga' | 'beta';
// Transcript events are arbitrary JSON; tests read fields freely.
export type Json = Record<string, any>;

export interface TranscriptLine {
  dir: 'client->server' | 'server->client';
  event: Json;
}

export interface Refusal {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface Handshake {
  url: string;
  headers: IncomingMessage['headers'];
  /** When the handshake arrived (Date.now()), to count connections per window. */
  at?: number;
}

export interface ScriptedUpstreamOptions {
  dialect?: ScriptDialect;
  /** Send session.created on accept and answer session.update (default true). */
  autoSession?: boolean;
  /** Replace every audio delta by this many bytes of silence (transcripts carry tiny placeholders). */
  audioDeltaBytes?: number;
  /** The test sends what the official types reject on purpose (a preview gateway to a GA upstream): close does not fail on it. */
  expectNonConforming?: boolean;
  /** Session fields (dotted, under `session`) answered with `unknown_parameter`, as Azure refuses what it lacks. */
  refuseSessionFields?: string[];
  /** Session fields (dotted) left out of the `session.updated` echo, as a service that ignores them. */
  dropSessionFields?: string[];
  /** `session.created`'s `expires_at` (Unix seconds) instead of the fixture's (set through ScriptedUpstream.expiresAt). */
  expiresAt?: number;
}

const pathIn = (value: Json, path: string): { parent: Json; key: string } | undefined => {
  const keys = path.split('.');
  const key = keys.pop()!;
  const parent = keys.reduce<Json | undefined>((node, k) => (node && typeof node[k] === 'object' ? node[k] : undefined), value);
  return parent && key in parent ? { parent, key } : undefined;
};

/** An event that does not conform to the official types, and which way it went. */
export interface ConformanceViolation extends Violation {
  direction: 'client' | 'server';
}

export interface PlayOptions {
  /** Client event types not to wait for (e.g. `input_audio_buffer.append` when the test sends no audio). */
  skipClient?: string[];
  /** How long to wait for each expected client event (default 5 s). */
  timeoutMs?: number;
}

const FIXTURES = fileURLToPath(new URL('../fixtures/realtime/', import.meta.url));

/** Reads a transcript by name (e.g. `voice-turn-with-search-ga`). */
export function loadTranscript(name: string): TranscriptLine[] {
  return readFileSync(`${FIXTURES}${name}.jsonl`, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TranscriptLine);
}

/** The server events of a transcript whose type is `type`, in order. */
export function serverEvents(lines: TranscriptLine[], type: string): Json[] {
  return lines.filter((l) => l.dir === 'server->client' && l.event.type === type).map((l) => l.event);
}

function sessionCreatedOf(dialect: ScriptDialect): Json {
  const created = serverEvents(loadTranscript(`session-start-${dialect}`), 'session.created')[0];
  if (!created) throw new Error(`no session.created in session-start-${dialect}`);
  return created;
}

const AUDIO_DELTAS = new Set(['response.audio.delta', 'response.output_audio.delta']);
let serial = 0;
const serverEventId = () => `event_scripted${(++serial).toString(36)}`;

/** One accepted upstream connection. */
export class ScriptedConnection {
  readonly handshake: Handshake;
  /** Every client event, parsed, in arrival order. */
  readonly received: Json[] = [];
  // Checked when asked (at close), not as they pass: compiling the schemas must not slow a connect.
  private readonly toCheck: Array<{ direction: 'client' | 'server'; event: Json }> = [];
  private readonly refused = new Set<Json>();
  readonly closed: Promise<{ code: number }>;
  private readonly ws: WebSocket;
  private readonly options: Required<Pick<ScriptedUpstreamOptions, 'autoSession'>> & ScriptedUpstreamOptions;
  private readonly consumed = new Set<number>();
  private readonly waiters: Array<{ type: string; resolve: (event: Json) => void }> = [];
  private session: Json;
  private isOpen = true;
  private appendChecked = false;

  constructor(ws: WebSocket, handshake: Handshake, options: ScriptedConnection['options'], silent: boolean) {
    this.ws = ws;
    this.handshake = handshake;
    this.options = options;
    const dialect = options.dialect ?? 'ga';
    const fixture = sessionCreatedOf(dialect);
    const created = options.expiresAt === undefined ? fixture : { ...fixture, session: { ...fixture.session, expires_at: options.expiresAt } };
    this.session = structuredClone(created.session) as Json;
    this.closed = new Promise((resolve) => ws.once('close', (code) => {
      this.isOpen = false;
      resolve({ code });
    }));
    ws.on('message', (data) => this.onClientFrame(data.toString()));
    if (options.autoSession && !silent) this.sendScripted({ ...created, event_id: serverEventId() });
  }

  private get dialect(): ScriptDialect {
    return this.options.dialect ?? 'ga';
  }

  /**
   * Client events and scripted server events that the official `openai` types reject
   * (tests/conformance/); ScriptedUpstream.close() fails when there is any.
   */
  get violations(): ConformanceViolation[] {
    return this.toCheck.flatMap(({ direction, event }) => {
      if (this.refused.has(event)) return [];
      const violation = eventChecker(this.dialect, direction).check(event);
      return violation ? [{ direction, ...violation }] : [];
    });
  }

  /** Sends a server event of the script (checked against the official types). */
  private sendScripted(event: Json): void {
    this.toCheck.push({ direction: 'server', event });
    this.send(event);
  }

  get open(): boolean {
    return this.isOpen;
  }

  /** Client event types received so far. */
  get types(): string[] {
    return this.received.map((e) => String(e.type));
  }

  send(event: Json): void {
    if (this.isOpen) this.ws.send(JSON.stringify(event));
  }

  /** Resolves with the next not yet consumed client event of this type. */
  waitFor(type: string, timeoutMs = 5000): Promise<Json> {
    const index = this.received.findIndex((event, i) => event.type === type && !this.consumed.has(i));
    if (index >= 0) {
      this.consumed.add(index);
      return Promise.resolve(this.received[index]!);
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        type,
        resolve: (event: Json) => {
          clearTimeout(timer);
          resolve(event);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`scripted upstream: no client "${type}" within ${timeoutMs} ms; got [${this.types.join(', ')}]`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Plays the transcript: sends its server events, waits for its client events. */
  async play(lines: TranscriptLine[], options: PlayOptions = {}): Promise<void> {
    for (const { dir, event } of lines) {
      const type = String(event.type);
      if (type.startsWith('transport.')) continue;
      if (this.options.autoSession && ['session.update', 'session.created', 'session.updated'].includes(type)) continue;
      if (dir === 'client->server') {
        if (options.skipClient?.includes(type)) continue;
        await this.waitFor(type, options.timeoutMs);
      } else {
        this.sendScripted(this.inflate(event));
      }
    }
  }

  /** Ends the session as the service does at its cap: an `error` with code `session_expired`, then a close. */
  expire(): void {
    this.send({ type: 'error', event_id: serverEventId(), error: { type: 'invalid_request_error', code: 'session_expired', message: 'Your session hit the maximum duration of 30 minutes.', param: null, event_id: null } });
    this.close(1000);
  }

  /** Drops the TCP connection without a close frame. */
  drop(): void {
    this.ws.terminate();
  }

  close(code = 1000): void {
    this.ws.close(code);
  }

  private inflate(event: Json): Json {
    const bytes = this.options.audioDeltaBytes;
    if (!bytes || !AUDIO_DELTAS.has(String(event.type))) return event;
    return { ...event, delta: Buffer.alloc(bytes).toString('base64') };
  }

  private onClientFrame(text: string): void {
    let event: Json;
    try {
      event = JSON.parse(text) as Json;
    } catch {
      event = { type: '<malformed>', text };
    }
    const index = this.received.push(event) - 1;
    // Appends are built by concatenation, all alike: checking the first keeps load tests light.
    if (event.type !== 'input_audio_buffer.append' || !this.appendChecked) {
      this.appendChecked ||= event.type === 'input_audio_buffer.append';
      this.toCheck.push({ direction: 'client', event });
    }
    if (event.type === 'session.update' && this.options.autoSession) this.answerSessionUpdate(event);
    const waiter = this.waiters.find((w) => w.type === event.type);
    if (waiter) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      this.consumed.add(index);
      waiter.resolve(event);
    }
  }

  private answerSessionUpdate(event: Json): void {
    const update = (event.session ?? {}) as Json;
    if (this.dialect === 'ga' && update.type !== 'realtime') {
      // Refused like the service refuses it: a test that sends the other dialect on purpose
      // (to see the refusal) is not a conformance failure.
      this.refused.add(event);
      this.sendScripted({
        type: 'error',
        event_id: serverEventId(),
        error: {
          type: 'invalid_request_error',
          code: 'missing_required_parameter',
          message: "Missing required parameter: 'session.type'.",
          param: 'session.type',
          event_id: event.event_id ?? null,
        },
      });
      return;
    }
    const refused = this.options.refuseSessionFields?.find((field) => pathIn(update, field));
    if (refused) {
      this.sendScripted({
        type: 'error',
        event_id: serverEventId(),
        error: { type: 'invalid_request_error', code: 'unknown_parameter', message: `Unknown parameter: 'session.${refused}'.`, param: `session.${refused}`, event_id: event.event_id ?? null },
      });
      return;
    }
    this.session = structuredClone({ ...this.session, ...update });
    for (const field of this.options.dropSessionFields ?? []) {
      const found = pathIn(this.session, field);
      if (found) delete found.parent[found.key];
    }
    this.sendScripted({ type: 'session.updated', event_id: serverEventId(), session: this.session });
  }
}

/** A running scripted upstream. */
export class ScriptedUpstream {
  readonly url: string;
  readonly handshakes: Handshake[] = [];
  readonly connections: ScriptedConnection[] = [];
  /** Accept, but never send session.created (connect timeouts). */
  silent = false;
  /** `expires_at` (Unix seconds) in the `session.created` of later connections; the fixture's when unset. */
  expiresAt: number | undefined;
  private readonly wss: WebSocketServer;
  private readonly refusals: Refusal[] = [];
  private readonly byRequest = new WeakMap<IncomingMessage, Handshake>();
  private readonly connectionWaiters: Array<(c: ScriptedConnection) => void> = [];
  private seen = 0;
  private readonly expectNonConforming: boolean;

  private constructor(wss: WebSocketServer, options: ScriptedUpstreamOptions) {
    this.wss = wss;
    this.expectNonConforming = options.expectNonConforming ?? false;
    const { port } = wss.address() as AddressInfo;
    this.url = `ws://127.0.0.1:${port}/`;
    const connectionOptions = { autoSession: true, ...options };
    wss.on('connection', (ws, request) => {
      const handshake = this.byRequest.get(request) ?? { url: request.url ?? '', headers: request.headers };
      const connection = new ScriptedConnection(ws, handshake, { ...connectionOptions, expiresAt: this.expiresAt ?? connectionOptions.expiresAt }, this.silent);
      this.connections.push(connection);
      this.connectionWaiters.shift()?.(connection);
    });
  }

  /** Starts a scripted upstream on 127.0.0.1 and a free port. */
  static async start(options: ScriptedUpstreamOptions = {}): Promise<ScriptedUpstream> {
    // Compiled before any gateway connects: compiling on first use stalled the shared event loop past short connect timeouts.
    for (const direction of ['client', 'server'] as const) eventChecker(options.dialect ?? 'ga', direction).warm();
    let upstream: ScriptedUpstream | undefined;
    const wss = await new Promise<WebSocketServer>((resolve) => {
      const server: WebSocketServer = new WebSocketServer(
        {
          host: '127.0.0.1',
          port: 0,
          verifyClient: (info, done) => {
            const handshake = { url: info.req.url ?? '', headers: info.req.headers, at: Date.now() };
            upstream!.handshakes.push(handshake);
            upstream!.byRequest.set(info.req, handshake);
            const refusal = upstream!.refusals.shift();
            if (refusal) done(false, refusal.status, refusal.body ?? '', refusal.headers);
            else done(true);
          },
        },
        () => resolve(server),
      );
    });
    upstream = new ScriptedUpstream(wss, options);
    return upstream;
  }

  /** Refuses the next handshake with this status, headers and body. */
  refuseNext(refusal: Refusal): void {
    this.refusals.push(refusal);
  }

  /** Resolves with the next connection not yet handed out by this method. */
  nextConnection(timeoutMs = 5000): Promise<ScriptedConnection> {
    const index = this.seen++;
    const existing = this.connections[index];
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('scripted upstream: no connection arrived')), timeoutMs);
      this.connectionWaiters.push((connection) => {
        clearTimeout(timer);
        resolve(connection);
      });
    });
  }

  /** Every conformance violation of every connection so far. */
  get violations(): ConformanceViolation[] {
    return this.connections.flatMap((connection) => connection.violations);
  }

  /** Stops the server; then fails if any event went against the official types. */
  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    const violations = this.violations;
    if (violations.length > 0 && !this.expectNonConforming) {
      const lines = violations.map((v) => `${v.direction} ${v.type}: ${[...new Set(v.problems)].join('; ')}`);
      throw new Error(`scripted upstream: events that the official openai types reject:\n${lines.join('\n')}`);
    }
  }
}
