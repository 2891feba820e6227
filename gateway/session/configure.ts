/**
 * The setup half of a session: send the site's `session.update` and wait for
 * `session.updated` (bounded by the engine's connect timeout). Anything else than a clean
 * answer is `upstream_unavailable`: the visitor has not been told `ready` yet.
 */
import type { Clock } from '../clock.js';
import type { EngineConfig, SiteConfig } from '../config/schema.js';
import { GatewayError } from '../errors.js';
import type { RealtimeConnection, UpstreamEvent } from '../realtime/client.js';
import type { Logger } from '../logger.js';
import type { SessionOptions } from '../realtime/dialect.js';

/**
 * Configures the upstream session. Events other than `session.updated` that arrive meanwhile
 * are handed to `early` so nothing is lost.
 */
export function configureUpstream(
  upstream: RealtimeConnection,
  site: SiteConfig,
  engine: EngineConfig,
  clock: Clock,
  logger: Logger,
  early: (event: UpstreamEvent) => void,
  signal: AbortSignal,
  options: SessionOptions = {},
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = clock.setTimeout(() => {
      reject(new GatewayError('upstream_unavailable', 'the voice service did not confirm the session in time'));
    }, engine.connect_timeout_ms);
    signal.addEventListener(
      'abort',
      () => {
        clock.clearTimeout(timer);
        reject(new GatewayError('upstream_unavailable', 'session setup abandoned'));
      },
      { once: true },
    );
    const eventId = upstream.send(upstream.dialect.buildSessionUpdate(site, engine, options));
    upstream.onEvent((event) => {
      if (event.type === 'session.updated') {
        clock.clearTimeout(timer);
        resolve();
        return;
      }
      if (event.type === 'error') {
        const error = (event.event.error ?? {}) as Record<string, unknown>;
        if (error.event_id === eventId || error.event_id == null) {
          clock.clearTimeout(timer);
          logger.error(
            { upstream_code: error.code, upstream_message: error.message, param: error.param },
            'upstream refused the session configuration',
          );
          reject(new GatewayError('upstream_unavailable', 'the voice service refused the session configuration'));
          return;
        }
      }
      early(event);
    });
  });
}
