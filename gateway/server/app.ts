/**
 * The gateway's HTTP surface (Hono): health and readiness, the widget's scripts for any origin,
 * the demo, and the types of the widget endpoint. WebSocket upgrades never reach Hono: the
 * server's upgrade listener checks and accepts them (server/browser-sockets.ts).
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { Hono, type Context } from 'hono';
import type { BrowserSocket } from '../session/types.js';

/** Longest query string accepted on the WebSocket endpoint. */
export const MAX_QUERY_CHARS = 4096;

/** The widget files served at the root: the script, its two worklets, and its lazy feature chunks (vite.config.ts names them). */
export const WIDGET_FILES = [
  'voice-rag.js', 'voice-rag-capture.js', 'voice-rag-playback.js',
  'voice-rag-webrtc.js', 'voice-rag-consent.js', 'voice-rag-page-tools.js', 'voice-rag-page.js', 'voice-rag-feedback.js',
] as const;

/** Handlers of one open browser socket. */
export interface BrowserHandlers {
  onText(frame: string): void;
  onBinary(frame: Uint8Array): void;
  /** `code` 1006: the socket dropped without a close frame (the session may wait for a resume). */
  onClose(code?: number): void;
}

/** Request facts the endpoint decides on. */
export interface UpgradeRequest {
  url: URL;
  origin: string | undefined;
  remoteAddress: string | undefined;
  forwardedFor: string | undefined;
}

/** The widget endpoint, as the upgrade handler sees it (gateway/server/widget-endpoint.ts implements it). */
export interface WidgetEndpoint {
  /** Refuses with an HTTP status, or accepts with an opener for the socket. */
  precheck(request: UpgradeRequest): { status: 403 | 404 | 414 | 503; message: string } | { open(socket: BrowserSocket): BrowserHandlers };
}

export interface AppDeps {
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

  // Upgrades never reach Hono: the server's 'upgrade' listener takes them (server/browser-sockets.ts).
  app.get('/v1/realtime', (c) => c.text('this endpoint speaks WebSocket only', 426));

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
