/**
 * Assembles the gateway: the Hono app, the `ws` server for browser sockets (noServer, with a
 * maxPayload backstop), the widget endpoint and its sessions, and an orderly shutdown.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve as serveHono } from '@hono/node-server';
import type { Hono } from 'hono';
import { WebSocketServer } from 'ws';
import { createApp } from './app.js';
import { addWidgetSettingsRoute } from './widget-settings.js';
import { systemClock, type Clock } from '../clock.js';
import type { GatewayConfig } from '../config/schema.js';
import { GatewayError } from '../errors.js';
import type { Admission } from '../limits/types.js';
import { createDefaultCredential } from '../node/entra-credential.js';
import { nodeBase64 } from '../node/base64.js';
import { createWsSocketFactory } from '../node/ws-upstream.js';
import { installBase64Codec } from '../realtime/base64.js';
import type { Logger } from '../logger.js';
import type { SocketFactory } from '../realtime/socket.js';
import { createTokenCache, type TokenSource } from '../realtime/token-cache.js';
import type { Retriever } from '../retrieval/types.js';
import type { SessionObserver } from '../session/observer.js';
import type { FetchPort } from '../tools/types.js';
import { acceptBrowserSockets } from './browser-sockets.js';
import { createWidgetEndpoint } from './widget-endpoint.js';
import { createOfferDesk } from '../webrtc/offer-desk.js';
import type { WebrtcObserver } from '../webrtc/call.js';
import { addWebrtcRoutes } from './webrtc-route.js';

/** ws refuses browser frames above this with 1009; the session's own checks come first (24 000-byte audio). */
export const MAX_BROWSER_FRAME = 64 * 1024;

export interface GatewayDeps {
  /** The current configuration; each session reads it once, at its start. */
  getConfig(): GatewayConfig;
  admission: Admission;
  getRetriever(siteId: string): Retriever | undefined;
  logger: Logger;
  clock?: Clock;
  /** Replaces engines' upstream URLs, by engine id (tests; the local offline engine). */
  upstreamUrls?: Record<string, string>;
  socketFactory?: SocketFactory;
  /** Entra ID credential for engines without api_key (default: DefaultAzureCredential). */
  credential?: TokenSource;
  widgetDir?: string;
  demoDir?: string;
  /** Store reachable etc., for /readyz. */
  ready?(): boolean | Promise<boolean>;
  /** Extra routes (metrics, status page). */
  routes?(app: Hono): void;
  observer?: SessionObserver;
  /** The network port of site HTTP tools (default: the runtime's fetch). */
  toolFetch?: FetchPort;
  /** The `webrtc` extension: call metrics, and per engine id a calls URL replacing the service's (tests). */
  webrtc?: { observer?: WebrtcObserver; callsUrls?: Record<string, string>; fetch?: FetchPort };
}

export interface ListeningGateway {
  server: Server;
  port: number;
}

export interface Gateway {
  app: Hono;
  /** The browser-socket server (noServer); listen() routes upgrades to it (browser-sockets.ts). */
  wss: WebSocketServer;
  /** Number of live sessions. */
  readonly sessions: number;
  /** Starts listening (port 0 picks a free one). */
  listen(options?: { port?: number; host?: string }): Promise<ListeningGateway>;
  /**
   * Stops accepting upgrades (503), lets sessions finish for `drainSeconds`, closes the rest
   * with `server_shutdown` (1001), then closes the servers.
   */
  shutdown(drainSeconds?: number): Promise<void>;
}

/** Waits briefly for close frames to go out, then cuts whatever is left. */
async function closeClients(wss: WebSocketServer): Promise<void> {
  const open = [...wss.clients];
  await Promise.race([
    Promise.all(open.map((client) => new Promise<void>((resolve) => (client.readyState === client.CLOSED ? resolve() : client.once('close', () => resolve()))))),
    new Promise<void>((resolve) => setTimeout(resolve, 1000).unref()),
  ]);
  for (const client of wss.clients) client.terminate();
}

/** Creates the gateway; nothing listens until listen(). */
export function createGateway(deps: GatewayDeps): Gateway {
  installBase64Codec(nodeBase64);
  const clock = deps.clock ?? systemClock;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BROWSER_FRAME, perMessageDeflate: false });
  const desk = createOfferDesk(clock);
  let draining = false;
  const endpoint = createWidgetEndpoint({
    getConfig: deps.getConfig,
    admission: deps.admission,
    getRetriever: deps.getRetriever,
    logger: deps.logger,
    clock,
    socketFactory: deps.socketFactory ?? createWsSocketFactory(),
    tokens: createTokenCache(deps.credential ?? createDefaultCredential(), clock),
    upstreamUrls: deps.upstreamUrls ?? {},
    observer: deps.observer,
    toolFetch: deps.toolFetch ?? ((url, init) => fetch(url, init)),
    webrtc: { desk, fetch: deps.webrtc?.fetch ?? ((url, init) => fetch(url, init)), ...deps.webrtc },
  });
  const app = createApp({
    configLoaded: () => {
      try {
        return deps.getConfig() !== undefined;
      } catch {
        return false;
      }
    },
    // A draining node is not ready: probes and proxies stop sending it new visitors at once.
    ready: async () => !draining && (deps.ready ? await deps.ready() : true),
    widgetDir: deps.widgetDir,
    demoDir: deps.demoDir,
    routes: (routes) => {
      addWebrtcRoutes(routes, { getConfig: deps.getConfig, desk, accepting: () => !draining });
      addWidgetSettingsRoute(routes, deps.getConfig);
      deps.routes?.(routes);
    },
  });
  const servers: Server[] = [];

  return {
    app,
    wss,
    get sessions() {
      return endpoint.sessions.size;
    },
    listen({ port = 0, host = '127.0.0.1' } = {}) {
      return new Promise((resolve, reject) => {
        const server = serveHono({ fetch: app.fetch, port, hostname: host }, (info: AddressInfo) => resolve({ server, port: info.port })) as Server;
        acceptBrowserSockets(server, wss, endpoint);
        server.once('error', reject);
        servers.push(server);
      });
    },
    async shutdown(drainSeconds) {
      draining = true;
      endpoint.stopAccepting();
      const seconds = drainSeconds ?? deps.getConfig().server.drain_seconds;
      if (endpoint.sessions.size > 0 && seconds > 0) {
        deps.logger.info({ sessions: endpoint.sessions.size, drain_seconds: seconds }, 'draining sessions');
        let timer: ReturnType<Clock['setTimeout']> | undefined;
        await Promise.race([
          endpoint.drained(),
          new Promise<void>((resolve) => {
            timer = clock.setTimeout(resolve, seconds * 1000);
          }),
        ]);
        if (timer !== undefined) clock.clearTimeout(timer);
      }
      // Upgraded sockets keep server.close() from finishing: end them ourselves.
      for (const session of [...endpoint.sessions]) session.end(new GatewayError('server_shutdown', 'the gateway is stopping'));
      await closeClients(wss);
      wss.close();
      await Promise.all(
        servers.splice(0).map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections?.();
            }),
        ),
      );
    },
  };
}
