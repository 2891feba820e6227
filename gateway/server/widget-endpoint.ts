/**
 * The widget endpoint behind `GET /v1/realtime`: refuses unknown sites (404), foreign origins
 * (403), over-long queries (414) and upgrades during shutdown (503) before anything is
 * allocated; then runs one VisitorSession per socket and keeps the live ones for shutdown.
 */
import type { BrowserHandlers, WidgetEndpoint, UpgradeRequest } from './app.js';
import { MAX_QUERY_CHARS } from './app.js';
import type { Clock } from '../clock.js';
import type { GatewayConfig } from '../config/schema.js';
import { toGatewayError } from '../errors.js';
import type { Admission } from '../limits/types.js';
import { connectUpstream } from '../realtime/client.js';
import type { Logger } from '../logger.js';
import type { SocketFactory } from '../realtime/socket.js';
import type { TokenCache } from '../realtime/token-cache.js';
import type { Retriever } from '../retrieval/types.js';
import type { SessionObserver } from '../session/observer.js';
import type { FetchPort } from '../tools/types.js';
import type { VisitorSession } from '../session/session-context.js';
import { createVisitorSession } from '../session/visitor-session.js';
import type { BrowserSocket } from '../session/types.js';
import { wantsWebrtc, webrtcSessionParts, type WebrtcEndpointDeps } from './webrtc-session.js';
import { createResumeTokens } from '../session/resume-tokens.js';
import { refuseResume } from './resume-refusal.js';

/** Close code of a socket that dropped without a close frame. */
const ABNORMAL_CLOSURE = 1006;

export interface EndpointDeps {
  getConfig(): GatewayConfig;
  admission: Admission;
  getRetriever(siteId: string): Retriever | undefined;
  logger: Logger;
  clock: Clock;
  socketFactory: SocketFactory;
  tokens: TokenCache;
  upstreamUrls: Record<string, string>;
  observer?: SessionObserver;
  /** The network port of site HTTP tools. */
  toolFetch?: FetchPort;
  /** The `webrtc` extension (gateway/server/webrtc-session.ts); without it every session is a socket session. */
  webrtc?: WebrtcEndpointDeps;
}

export interface SessionRegistry extends WidgetEndpoint {
  readonly sessions: ReadonlySet<VisitorSession>;
  /** Refuse new upgrades from now on (503). */
  stopAccepting(): void;
  /** Resolves when no session is left. */
  drained(): Promise<void>;
}

/** Used while a site's retriever is not available: every search reports the outage to the model. */
const unavailableRetriever: Retriever = {
  search: () => Promise.reject(new Error('retriever not available')),
  resolve: () => Promise.resolve([]),
};

const newSessionId = () => `vr_${globalThis.crypto.randomUUID().replace(/-/g, '')}`;

/** Creates the widget endpoint and its session registry. */
export function createWidgetEndpoint(deps: EndpointDeps): SessionRegistry {
  const sessions = new Set<VisitorSession>();
  const resumeTokens = createResumeTokens<VisitorSession>();
  let accepting = true;
  const onEmpty: Array<() => void> = [];

  const precheck = (request: UpgradeRequest) => {
    const siteId = request.url.searchParams.get('site') ?? '';
    if (!accepting) {
      deps.observer?.refused?.(siteId, 'shutting_down');
      return { status: 503 as const, message: 'the gateway is shutting down' };
    }
    if (request.url.search.length > MAX_QUERY_CHARS) return { status: 414 as const, message: 'query string too long' };
    const config = deps.getConfig();
    const site = Object.hasOwn(config.sites, siteId) ? config.sites[siteId] : undefined;
    const engine = site && Object.hasOwn(config.engines, site.engine) ? config.engines[site.engine] : undefined;
    if (!site || !engine) {
      deps.observer?.refused?.('unknown', 'unknown_site');
      return { status: 404 as const, message: 'unknown site' };
    }
    if (!request.origin || !site.origins.includes(request.origin)) {
      deps.observer?.refused?.(siteId, 'origin');
      return { status: 403 as const, message: 'origin not allowed for this site' };
    }
    const engineId = site.engine;
    const token = request.url.searchParams.get('token') ?? undefined;
    const webrtc = deps.webrtc && wantsWebrtc(request.url, site, engine) ? deps.webrtc : undefined;
    const origin = request.origin;
    // Extension `resume`: the socket continues the token's session, or is told it is gone.
    const handlersOf = (session: VisitorSession, socket: BrowserSocket): BrowserHandlers => {
      // A bug in a frame handler ends that one session as `internal`, never the process.
      const guarded =
        <T>(handle: (frame: T) => void) =>
        (frame: T) => {
          if (!session.owns(socket)) return;
          try {
            handle(frame);
          } catch (error) {
            session.end(toGatewayError(error));
          }
        };
      return {
        onText: guarded((frame: string) => session.handleText(frame)),
        onBinary: guarded((frame: Uint8Array) => session.handleBinary(frame)),
        onClose: guarded((code?: number) => (code === ABNORMAL_CLOSURE ? session.handleBrowserDrop() : session.handleBrowserClose())),
      };
    };
    const resumeToken = request.url.searchParams.get('resume');
    return {
      open(socket: BrowserSocket): BrowserHandlers {
        if (resumeToken !== null) {
          const resumed = resumeTokens.take(resumeToken, siteId, origin);
          const ok = resumed?.resume(socket) === true;
          deps.observer?.sessionResumed?.(siteId, ok ? 'resumed' : 'refused');
          if (ok) return handlersOf(resumed!, socket);
          deps.logger.info({ site: siteId }, 'resume refused: token unknown, used, expired or for another site');
          return refuseResume(socket);
        }
        const sessionId = newSessionId();
        const logger = deps.logger.child({ session_id: sessionId, site: siteId });
        const session = createVisitorSession(
          {
            sessionId,
            siteId,
            site,
            engineId,
            engine,
            server: config.server,
            token,
            textOnly: request.url.searchParams.get('mode') === 'text',
            pageTools: request.url.searchParams.get('page_tools') === '1',
            remoteAddress: request.remoteAddress,
            forwardedFor: request.forwardedFor,
            admission: deps.admission,
            retriever: deps.getRetriever(siteId) ?? unavailableRetriever,
            connect: (signal) =>
              connectUpstream({
                engineId,
                engine,
                overrideUrl: deps.upstreamUrls[engineId],
                socketFactory: deps.socketFactory,
                tokens: deps.tokens,
                clock: deps.clock,
                logger,
                onThrottled: (id, ms) => deps.admission.upstreamThrottled(id, ms),
                signal,
              }),
            clock: deps.clock,
            logger,
            observer: deps.observer,
            toolFetch: deps.toolFetch,
            issueResumeToken: () => resumeTokens.issue({ session, siteId, origin }),
            ...(webrtc && webrtcSessionParts(webrtc, { siteId, site, engineId, engine, socket, sidebandUrl: deps.upstreamUrls[engineId], ...deps, logger, onThrottled: (id, ms) => deps.admission.upstreamThrottled(id, ms), end: (error) => session.end(error) })),
            onEnd: () => {
              resumeTokens.revoke(session);
              sessions.delete(session);
              if (sessions.size === 0) for (const resolve of onEmpty.splice(0)) resolve();
            },
          },
          socket,
        );
        sessions.add(session);
        void session.start();
        return handlersOf(session, socket);
      },
    };
  };

  return {
    precheck,
    sessions,
    stopAccepting() {
      accepting = false;
    },
    drained() {
      if (sessions.size === 0) return Promise.resolve();
      return new Promise((resolve) => onEmpty.push(resolve));
    },
  };
}
