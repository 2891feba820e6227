/**
 * The gateway's Node adapters (package export `voice-rag/gateway/node`): the HTTP and WebSocket
 * server, the composition root, `serve`, and the Node implementations of the core's ports.
 */
export { serve } from '../cli/serve.js';
export type { RunningGateway, ServeOptions } from '../cli/serve.js';
export { assembleGateway } from '../server/assemble.js';
export type { AssembledGateway, AssembleOptions } from '../server/assemble.js';
export { createGateway, MAX_BROWSER_FRAME } from '../server/gateway.js';
export type { Gateway, GatewayDeps, ListeningGateway } from '../server/gateway.js';
export { createApp, MAX_QUERY_CHARS, WIDGET_FILES } from '../server/app.js';
export type { AppDeps, BrowserHandlers, UpgradeRequest, WidgetEndpoint } from '../server/app.js';
export { createUnlimitedAdmission } from '../server/unlimited-admission.js';
export { createMetrics } from '../server/metrics.js';
export type { GatewayMetrics } from '../server/metrics.js';
export { createLogger, REDACTED_KEYS } from './log.js';
export type { LoggerOptions } from './log.js';
export { watchConfig } from './config-watcher.js';
export { createDefaultCredential } from './entra-credential.js';
export { createWsSocketFactory } from './ws-upstream.js';
export { createFsCache } from './fs-cache.js';
export { createFsSources } from './fs-sources.js';
export { startOfflineEngine } from './offline/engine.js';
export type { OfflineEngine, OfflineEngineOptions } from './offline/engine.js';
export { createDefaultTts } from './offline/default-tts.js';
export { createFliteTts } from './offline/flite-tts.js';
export { createEspeakTts } from './offline/espeak-tts.js';
export { createFvadClassifier } from './offline/fvad.js';
