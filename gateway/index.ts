/**
 * The gateway's public API (package export `voice-rag/gateway`).
 */
export { createApp, MAX_QUERY_CHARS, WIDGET_FILES } from './app.js';
export type { AppDeps, BrowserHandlers, RealtimeEndpoint, UpgradeRequest } from './app.js';
export { createGateway, MAX_BROWSER_FRAME } from './server/gateway.js';
export type { Gateway, GatewayDeps, ListeningGateway } from './server/gateway.js';
export { serve } from './server/serve.js';
export type { RunningGateway, ServeOptions } from './server/serve.js';
export { assembleGateway } from './server/assemble.js';
export type { AssembledGateway, AssembleOptions } from './server/assemble.js';
export { createUnlimitedAdmission } from './server/fallbacks.js';
export { connectUpstream, parseUpstreamFrame } from './realtime/client.js';
export type { ConnectOptions, RealtimeConnection, UpstreamEvent } from './realtime/client.js';
export { betaDialect, dialectFor, gaDialect, normalizeType } from './realtime/dialect.js';
export type { Dialect, DialectName } from './realtime/dialect.js';
export { buildUpstreamTarget, DEFAULT_ENTRA_SCOPE } from './realtime/upstream-url.js';
export type { UpstreamAuth, UpstreamTarget } from './realtime/upstream-url.js';
export { DEFAULT_INSTRUCTIONS, TOOLS } from './realtime/instructions.js';
export { HandshakeRejectedError } from './realtime/socket.js';
export type { ConnectRequest, SocketFactory, UpstreamSocket } from './realtime/socket.js';
export { createTokenCache } from './realtime/token-cache.js';
export type { TokenCache, TokenSource } from './realtime/token-cache.js';
export type { Logger } from './realtime/logger.js';
export { createWsSocketFactory } from './node/ws-upstream.js';
export { verifyVisitorToken } from './auth/jwt.js';
export { visitorIdOf } from './auth/visitor.js';
export { costUsd, DEFAULT_PRICING, pricingFor } from './usage/pricing.js';
export { usageFromResponse } from './usage/meter.js';
export { totalTokens } from './usage/types.js';
export type { TokenUsage } from './usage/types.js';
export type { SessionObserver } from './session/observer.js';
export { GatewayError } from './errors.js';
export * from './protocol.js';
