/**
 * What one visitor session is given by the endpoint that opens it (SessionContext) and what it
 * offers back (VisitorSession); gateway/server/ builds the context for each socket or call.
 */
import type { Clock } from '../clock.js';
import type { EngineConfig, ServerConfig, SiteConfig } from '../config/schema.js';
import type { GatewayError } from '../errors.js';
import type { Admission } from '../limits/types.js';
import type { Logger } from '../logger.js';
import type { RealtimeConnection, UpstreamEvent } from '../realtime/client.js';
import type { Retriever } from '../retrieval/types.js';
import type { FetchPort } from '../tools/types.js';
import type { SessionObserver } from './observer.js';
import type { BrowserSocket } from './types.js';

export interface SessionContext {
  sessionId: string;
  siteId: string;
  site: SiteConfig;
  engineId: string;
  engine: EngineConfig;
  server: ServerConfig;
  /** The `token` query parameter, if any. */
  token?: string;
  /** `mode=text` (extension): the visitor only types until the first audio frame; no audio output is asked for. */
  textOnly?: boolean;
  remoteAddress?: string;
  forwardedFor?: string;
  admission: Admission;
  retriever: Retriever;
  /** Opens and waits for the upstream (connectUpstream bound to this engine). */
  connect(signal: AbortSignal): Promise<RealtimeConnection>;
  clock: Clock;
  /** Already bound to session_id and site. */
  logger: Logger;
  /** Called once when the session has ended and released everything. */
  onEnd?(): void;
  observer?: SessionObserver;
  /** The network port of the site's HTTP tools; without it they answer as unknown tools. */
  toolFetch?: FetchPort;
  /** (extension `resume`) A fresh resume token for this session, sent in each `ready`. */
  issueResumeToken?(): string;
  /** `page_tools=1` (extension): the widget runs page tools, so the model may be offered them. */
  pageTools?: boolean;
  /** WebRTC transport: the visitor's audio bypasses the gateway, so these upstream events count as activity. */
  upstreamActivity?(event: UpstreamEvent): boolean;
  /** `webrtc`: the session is a WebRTC call (extension `webrtc`; gateway/webrtc/). */
  transport?: 'webrtc';
}

export type SessionState = 'starting' | 'ready' | 'ended';

export interface VisitorSession {
  readonly id: string;
  readonly state: SessionState;
  start(): Promise<void>;
  handleText(frame: string): void;
  handleBinary(frame: Uint8Array): void;
  handleBrowserClose(): void;
  /** The browser's socket dropped without a close frame: pause for the resume grace time, or end. */
  handleBrowserDrop(): void;
  /** (extension `resume`) Continues on a new browser socket; false when the session is gone. */
  resume(socket: BrowserSocket): boolean;
  /** Whether frames of this socket still belong to the session (a resume replaces it). */
  owns(socket: BrowserSocket): boolean;
  /** Ends the session with an error frame and its close code (or silently without one). */
  end(error?: GatewayError): void;
}
