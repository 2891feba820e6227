/**
 * The gateway's HTTP surface (Hono): the widget WebSocket endpoint, health and readiness,
 * the widget's scripts for any origin, and the demo. Upgrade requests are checked before
 * anything is allocated; everything after the upgrade is reported in-band.
 */
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { upgradeWebSocket } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import type { WSContext } from 'hono/ws';
import type { WebSocket } from 'ws';
import type { BrowserSocket } from '../session/types.js';

/** Longest query string accepted on the WebSocket endpoint. */
export const MAX_QUERY_CHARS = 4096;

/** The widget's files, served to any origin. */
export const WIDGET_FILES = ['voice-rag.js', 'voice-rag-capture.js', 'voice-rag-playback.js'] as const;

/** Handlers of one open browser socket. */
export interface BrowserHandlers {
  onText(frame: string): void;
  onBinary(frame: Uint8Array): void;
  onClose(): void;
}

/** Request facts the endpoint decides on. */
export interface UpgradeRequest {
  url: URL;
  origin: string | undefined;
  remoteAddress: string | undefined;
  forwardedFor: string | undefined;
}

/** The widget endpoint, as the app sees it (implemented by gateway/server/widget-endpoint.ts). */
export interface WidgetEndpoint {
  /** Refuses with an HTTP status, or accepts with an opener for the socket. */
  precheck(request: UpgradeRequest): { status: 403 | 404 | 414 | 503; message: string } | { open(socket: BrowserSocket): BrowserHandlers };
}

export interface AppDeps {
  realtime: WidgetEndpoint;
  /** True once a valid configuration is loaded. */
  configLoaded(): boolean;
  /** Store and other dependencies reachable (default: true). */
  ready?(): boolean | Promise<boolean>;
  /** Folder of the built widget (default `dist/widget`). */
  widgetDir?: string;
  /** Folder of the built demo (default `dist/demo`). */
  demoDir?: string;
  /** Adds further routes (metrics, status page) before the fallbacks. */
  routes?(app: Hono): void;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.wav': 'audio/wav',
  '.yaml': 'text/yaml; charset=utf-8',
};

function browserSocketOf(ws: WSContext<WebSocket>): BrowserSocket {
  const raw = ws.raw!;
  return {
    sendText: (text) => raw.send(text),
    sendBinary: (data) => raw.send(data, { binary: true }),
    close: (code, reason) => raw.close(code, reason),
    get bufferedAmount() {
      return raw.bufferedAmount;
    },
  };
}

/** A file under `root`, or `directory` when the path names a folder (served as its index.html). */
async function fileIn(root: string, relative: string): Promise<{ path: string; directory: boolean } | undefined> {
  const base = resolve(root);
  try {
    let path = resolve(base, `.${sep}${decodeURIComponent(relative)}`);
    if (path !== base && !path.startsWith(base + sep)) return undefined;
    const directory = (await stat(path)).isDirectory();
    if (directory) path = join(path, 'index.html');
    return (await stat(path)).isFile() ? { path, directory } : undefined;
  } catch {
    // Missing files and malformed escapes (decodeURIComponent throws) are both "not found".
    return undefined;
  }
}

/** Creates the Hono app with every route of the gateway. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const widgetDir = deps.widgetDir ?? 'dist/widget';
  const demoDir = deps.demoDir ?? 'dist/demo';

  app.get('/v1/realtime', async (c, next) => {
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') return c.text('this endpoint speaks WebSocket only', 426);
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const verdict = deps.realtime.precheck({
      url: new URL(c.req.url),
      origin: c.req.header('origin'),
      remoteAddress: incoming?.socket.remoteAddress,
      forwardedFor: c.req.header('x-forwarded-for'),
    });
    if ('status' in verdict) return c.text(verdict.message, verdict.status);
    let handlers: BrowserHandlers | undefined;
    const upgrade = upgradeWebSocket(() => ({
      onOpen(_event, ws) {
        handlers = verdict.open(browserSocketOf(ws as WSContext<WebSocket>));
      },
      onMessage(event) {
        const data: unknown = event.data;
        if (typeof data === 'string') handlers?.onText(data);
        else if (data instanceof ArrayBuffer) handlers?.onBinary(new Uint8Array(data));
      },
      onClose() {
        handlers?.onClose();
      },
    }));
    return (await upgrade(c, next)) ?? c.text('upgrade failed', 500);
  });

  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/readyz', async (c) => {
    let ready: boolean;
    try {
      ready = deps.configLoaded() && (deps.ready ? await deps.ready() : true);
    } catch {
      // A probe that throws means "not ready", not a 500 that hides the answer's body.
      ready = false;
    }
    return c.json({ ready }, ready ? 200 : 503);
  });

  for (const name of WIDGET_FILES) {
    app.get(`/${name}`, async (c) => {
      const headers = {
        'access-control-allow-origin': '*',
        'cross-origin-resource-policy': 'cross-origin',
      };
      try {
        const body = await readFile(join(widgetDir, name));
        return c.body(body, 200, {
          ...headers,
          'content-type': 'text/javascript; charset=utf-8',
          'cache-control': 'public, max-age=300',
        });
      } catch {
        return c.text(`${name} is not built yet: run \`npm run build\` (it writes ${widgetDir}/${name}).`, 404, headers);
      }
    });
  }

  deps.routes?.(app);

  app.get('/', (c) => c.redirect('/demo/'));
  app.get('/demo', (c) => c.redirect('/demo/'));
  app.get('/demo/*', async (c: Context) => {
    const found = await fileIn(demoDir, c.req.path.slice('/demo/'.length));
    if (!found) return c.text('not found (the demo is built by `npm run build`)', 404);
    // A folder without its trailing slash would resolve the page's relative links one level up.
    if (found.directory && !c.req.path.endsWith('/')) return c.redirect(`${c.req.path}/`, 301);
    const path = found.path;
    const type = CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
    return c.body(await readFile(path), 200, { 'content-type': type, 'cache-control': 'no-cache' });
  });

  return app;
}
