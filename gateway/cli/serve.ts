/**
 * `voice-rag serve`: load the config, assemble the gateway, listen, watch the config file, and
 * stop in order on SIGTERM/SIGINT (stop accepting, drain `server.drain_seconds`, close the rest
 * with 1001 `server_shutdown`, then release retrievers, the store and the offline engine).
 */
import type { GatewayConfig } from '../config/schema.js';
import { loadConfig } from '../node/config-file.js';
import { createLogger } from '../node/log.js';
import { watchConfig } from '../node/config-watcher.js';
import { startIdleTrim } from '../node/idle-trim.js';
import type { Store } from '../limits/stores/store.js';
import { assembleGateway } from '../server/assemble.js';
import type { Gateway } from '../server/gateway.js';

export interface ServeOptions {
  configPath: string;
  /** Overrides `server.port` (0 picks a free port). */
  port?: number;
  /** Overrides `server.host`. */
  host?: string;
  /** Install SIGTERM/SIGINT handlers that drain and exit (default true). */
  handleSignals?: boolean;
  /** Watch the config file and apply valid edits to new sessions (default true). */
  watch?: boolean;
  /** The limits store to use instead of the config's (a worker of `serve --workers`). */
  store?: Store;
  /** A worker of `serve --workers`: `/metrics` and `/status` cover every worker. */
  clusterWorker?: boolean;
}

export interface RunningGateway {
  gateway: Gateway;
  port: number;
  /** Drains and stops everything (what SIGTERM does). */
  stop(): Promise<void>;
  /** The configuration in force. */
  config(): GatewayConfig;
}

/** Starts the gateway from a config file. */
export async function serve(options: ServeOptions): Promise<RunningGateway> {
  // `--port` also feeds `${PORT}`, so origins written as http://localhost:${PORT:-8787} follow it.
  const env = options.port !== undefined && process.env.PORT === undefined ? { ...process.env, PORT: String(options.port) } : process.env;
  const loaded = await loadConfig(options.configPath, env);
  const logger = createLogger({ level: loaded.config.server.log_level });
  for (const warning of loaded.warnings) {
    if (warning.severity === 'warning') logger.warn({ file: warning.file, line: warning.line, path: warning.path }, warning.message);
  }

  const shareReadings = options.clusterWorker ? (await import('../node/cluster-readings.js')).shareReadings : undefined;
  const assembled = await assembleGateway(loaded, { logger, ...(options.store ? { store: options.store } : {}), ...(shareReadings ? { shareReadings } : {}) });
  const { gateway, holder } = assembled;
  const watcher = options.watch === false ? undefined : watchConfig(options.configPath, holder, logger, { env });
  const { port } = await gateway.listen({
    port: options.port ?? loaded.config.server.port,
    host: options.host ?? loaded.config.server.host,
  });
  const host = options.host ?? loaded.config.server.host;
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  logger.info({ port, sites: Object.keys(loaded.config.sites) }, 'voice-rag gateway listening');
  console.log(`voice-rag gateway listening on http://${shown}:${port}  (demo: http://${shown}:${port}/demo/)`);
  // Memory that start-up and load left in V8's young generation goes back once no session is open.
  const trim = startIdleTrim({ sessions: () => gateway.sessions });
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      const drainSeconds = holder.current().config.server.drain_seconds;
      logger.info({ drain_seconds: drainSeconds }, 'stopping');
      watcher?.close();
      trim.stop();
      await gateway.shutdown(drainSeconds);
      await assembled.close();
    })());

  if (options.handleSignals !== false) {
    const onSignal = (signal: string) => {
      logger.info({ signal }, 'signal received');
      stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  // Listening already (so /readyz can say 503); serve resolves once every site's index is built.
  // The signal handlers come first: a SIGTERM while an index builds (or a retrieval SDK loads) drains too.
  await assembled.retrieversReady;
  return { gateway, port, stop, config: () => holder.current().config };
}
