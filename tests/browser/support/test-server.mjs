// A protocol-speaking stand-in for the gateway, for browser tests: speaks widget protocol v1 on
// /v1/realtime, serves the built widget (dist/widget) like the gateway does, serves the strict-CSP
// page, and records everything each widget sent. Tests drive it through wtr server commands.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const ROOT = new URL('../../../', import.meta.url);
const STATIC = {
  '/voice-rag.js': 'dist/widget/voice-rag.js',
  '/voice-rag-capture.js': 'dist/widget/voice-rag-capture.js',
  '/voice-rag-playback.js': 'dist/widget/voice-rag-playback.js',
  ...Object.fromEntries(['webrtc', 'consent', 'page-tools', 'page', 'feedback'].map((chunk) => [`/voice-rag-${chunk}.js`, `dist/widget/voice-rag-${chunk}.js`])),
  '/csp.html': 'tests/browser/support/csp.html',
  '/csp-page.js': 'tests/browser/support/csp-page.js',
};

/** The gateway's widget settings: sites named `consent…` ask for consent (`consent-typed…` for typed questions too). */
function widgetSettings(site) {
  if (!site.startsWith('consent')) return { consent: null };
  return {
    consent: {
      text: { en: 'Your voice is sent to Example Corp to answer you.', ja: '音声は回答のため Example Corp に送信されます。' },
      link: 'https://example.com/privacy',
      remember_days: 30,
      typed_needs_consent: site.startsWith('consent-typed'),
    },
  };
}

/** Starts the server on a free port of 127.0.0.1. */
export async function startTestServer() {
  const sessions = [];
  const waiters = new Set();
  let port = 0;

  const http = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/v1/widget-settings') {
      res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
      res.end(JSON.stringify(widgetSettings(new URL(req.url ?? '/', 'http://x').searchParams.get('site') ?? '')));
      return;
    }
    const file = STATIC[path];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(new URL(file, ROOT));
      const headers = {
        'content-type': path.endsWith('.html') ? 'text/html; charset=utf-8' : 'text/javascript; charset=utf-8',
        'access-control-allow-origin': '*',
        'cache-control': 'no-store',
      };
      if (path.endsWith('.html')) {
        const origin = `http://127.0.0.1:${port}`;
        headers['content-security-policy'] = [
          "default-src 'none'",
          `script-src ${origin}`,
          `connect-src ${origin} ws://127.0.0.1:${port}`,
          "style-src 'none'",
          "img-src 'none'",
          "media-src 'none'",
        ].join('; ');
      }
      res.writeHead(200, headers).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/v1/realtime') {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, url));
  });

  function notify() {
    for (const w of [...waiters]) w();
  }

  function accept(ws, url) {
    const site = url.searchParams.get('site') ?? '';
    const previous = sessions.filter((s) => s.site === site).length;
    const record = {
      id: `s${sessions.length + 1}`,
      site,
      token: url.searchParams.get('token'),
      mode: url.searchParams.get('mode'),
      origin: null,
      messages: [],
      frames: [],
      framesBeforeReady: 0,
      ready: false,
      closed: false,
      closeCode: null,
      ws,
    };
    sessions.push(record);
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        if (!record.ready) record.framesBeforeReady++;
        record.frames.push(data.length);
      } else {
        try {
          record.messages.push(JSON.parse(String(data)));
        } catch {
          record.messages.push({ malformed: String(data) });
        }
      }
      notify();
    });
    ws.on('close', (code) => {
      record.closed = true;
      record.closeCode = code;
      notify();
    });
    const ready = () => {
      if (ws.readyState !== ws.OPEN) return;
      record.ready = true;
      send(record, {
        type: 'ready', session_id: record.id, protocol: 1, sample_rate: 24000,
        turn_detection: site.startsWith('ptt') ? 'manual' : 'server_vad', max_session_s: 600, engine: 'offline',
        // Sites named `rate…` announce the extensions, as a gateway of this version does.
        ...(site.startsWith('rate') ? { extensions: ['feedback', 'page_tools'] } : {}),
        // Sites named page…: a gateway whose site has page_context on (extension `page`).
        ...(site.startsWith('page') ? { extensions: ['page'] } : {}),
      });
    };
    if (site.startsWith('queued')) {
      send(record, { type: 'queued', retry_in_ms: 3000 });
      setTimeout(ready, 700);
    } else if (site.startsWith('limited') && previous === 0) {
      send(record, { type: 'error', code: 'rate_limited', message: 'no slot', retry_after_ms: 1500, fatal: true });
      ws.close(4429, 'rate_limited');
    } else {
      ready();
    }
    notify();
  }

  function send(record, message) {
    if (record.ws.readyState === record.ws.OPEN) record.ws.send(JSON.stringify(message));
  }

  function latest(site) {
    const list = sessions.filter((s) => s.site === site);
    return list[list.length - 1];
  }

  /** PCM16 24 kHz sine of `ms` milliseconds. */
  function tone(ms, hz = 440, amplitude = 0.3) {
    const samples = Math.round((ms * 24000) / 1000);
    const buf = Buffer.alloc(samples * 2);
    for (let i = 0; i < samples; i++) buf.writeInt16LE(Math.round(Math.sin((2 * Math.PI * hz * i) / 24000) * amplitude * 32767), i * 2);
    return buf;
  }

  async function runSteps(site, steps) {
    const record = latest(site);
    if (!record) throw new Error(`no session for site ${site}`);
    for (const step of steps) {
      if (step.json) send(record, step.json);
      else if (step.tone) {
        const audio = tone(step.tone.ms, step.tone.hz);
        const chunk = 4800; // 100 ms per frame, sent faster than real time like the upstream does
        for (let at = 0; at < audio.length; at += chunk) record.ws.send(audio.subarray(at, at + chunk));
      } else if (step.close) record.ws.close(step.close, step.reason ?? '');
      else if (step.waitMs) await new Promise((r) => setTimeout(r, step.waitMs));
    }
    return true;
  }

  /** Resolves when `test(record)` holds for the latest session of `site`, or rejects after `timeoutMs`. */
  function waitFor(site, test, timeoutMs = 5000) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const record = latest(site);
        if (record && test(record)) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(view(record));
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting on site ${site}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  }

  function view(record) {
    const { ws: _ws, ...rest } = record;
    return rest;
  }

  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  port = http.address().port;

  return {
    port,
    httpUrl: `http://127.0.0.1:${port}`,
    /** Handles one wtr server command, or returns undefined when it is not ours. */
    async command(command, payload = {}) {
      switch (command) {
        case 'vr-server':
          return { httpUrl: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}` };
        case 'vr-sessions':
          return sessions.filter((s) => s.site === payload.site).map(view);
        case 'vr-send':
          return runSteps(payload.site, payload.steps ?? []);
        case 'vr-wait-message':
          return waitFor(payload.site, (r) => r.messages.some((m) => m.type === payload.type), payload.timeoutMs);
        case 'vr-wait-frames':
          return waitFor(payload.site, (r) => r.frames.length >= payload.count, payload.timeoutMs);
        case 'vr-wait-closed':
          return waitFor(payload.site, (r) => r.closed, payload.timeoutMs);
        case 'vr-wait-sessions':
          return waitFor(payload.site, () => sessions.filter((s) => s.site === payload.site).length >= payload.count, payload.timeoutMs);
        default:
          return undefined;
      }
    },
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        http.close(() => resolve());
      }),
  };
}
