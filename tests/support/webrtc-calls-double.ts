/**
 * A double of the service's WebRTC calls endpoint for gateway tests (no media): records every
 * `POST /v1/realtime/calls` (multipart `sdp` + `session`) and every hang-up, answers 201 with an
 * SDP answer and `Location: /v1/realtime/calls/rtc_…`, on 127.0.0.1. The sideband is the
 * scripted upstream's socket.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

export interface CreatedCallRecord {
  callId: string;
  url: string;
  headers: Record<string, string>;
  sdp: string;
  session: Record<string, unknown>;
}

export class CallsDouble {
  readonly created: CreatedCallRecord[] = [];
  readonly hangups: string[] = [];
  /** Offers received, counted before the delay (created calls are counted in `created`). */
  offers = 0;
  /** Milliseconds to wait before answering an offer (the aborted-offer race). */
  delayMs = 0;
  /** Answer the next offers with this status instead of 201. */
  failWith: number | undefined;
  /** Makes the SDP answer of a call (a real peer: tests/support/webrtc-peer.ts); default a stub. */
  answerer: ((callId: string, offer: string) => Promise<string>) | undefined;
  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<CallsDouble> {
    const app = new Hono();
    let double: CallsDouble | undefined;
    let counter = 0;
    app.post('/v1/realtime/calls', async (c) => {
      const form = await c.req.formData();
      double!.offers++;
      // Like the service, a call is created even when the client gave up on the request meanwhile.
      if (double!.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, double!.delayMs));
      if (double!.failWith) return c.json({ error: { code: 'busy', message: 'refused by the double' } }, double!.failWith as 429);
      const callId = `rtc_test_${++counter}`;
      const answer = double!.answerer ? await double!.answerer(callId, String(form.get('sdp'))) : 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=answer\r\n';
      double!.created.push({
        callId,
        url: c.req.url,
        headers: Object.fromEntries(c.req.raw.headers),
        sdp: String(form.get('sdp')),
        session: JSON.parse(String(form.get('session'))) as Record<string, unknown>,
      });
      return c.body(answer, 201, { 'content-type': 'application/sdp', location: `/v1/realtime/calls/${callId}` });
    });
    app.post('/v1/realtime/calls/:id/hangup', (c) => {
      double!.hangups.push(c.req.param('id'));
      return c.body(null, 200);
    });
    const server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server)) as Server;
    });
    double = new CallsDouble(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/realtime/calls`);
    return double;
  }

  /** Resolves once this call was hung up. */
  async hungUp(callId: string, timeoutMs = 3000): Promise<number> {
    const started = Date.now();
    while (!this.hangups.includes(callId)) {
      if (Date.now() - started > timeoutMs) throw new Error(`${callId} was not hung up within ${timeoutMs} ms (hang-ups: ${this.hangups.join(', ')})`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return Date.now() - started;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
