/**
 * The gateway's runtime-free core API (package export `voice-rag/gateway`): the Realtime client
 * and dialects, visitor tokens, pricing and usage, and the protocol. The Node adapters (HTTP
 * server, `serve`, ws upstream, offline engine) are exported by `voice-rag/gateway/node`.
 */
export { systemClock } from './clock.js';
export type { Clock, ClockTimer } from './clock.js';
export { GatewayError } from './errors.js';
export { silentLogger } from './logger.js';
export type { Logger } from './logger.js';
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
export { verifyVisitorToken } from './auth/jwt.js';
export { visitorIdOf } from './auth/visitor.js';
export { costUsd, DEFAULT_PRICING, pricingFor } from './usage/pricing.js';
export { usageFromResponse } from './usage/meter.js';
export { totalTokens } from './usage/types.js';
export type { TokenUsage } from './usage/types.js';
export type { SessionObserver } from './session/observer.js';
export { createOfflineSessions, routeTts } from './engines/offline/index.js';
export type { FrameClassifier, OfflineConnection, OfflineSessionParts, OfflineSessions, Recognizer, SynthesizedAudio, TtsEngine } from './engines/offline/index.js';
export * from './protocol.js';
