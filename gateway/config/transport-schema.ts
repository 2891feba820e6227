/** A site's media transport (docs/CONFIG.md `transport`, docs/PRIVACY.md "Transports"): today's proxied socket, or WebRTC with control kept on the gateway. */
import { z } from 'zod';

export const transportSchema = z
  .enum(['websocket', 'webrtc'])
  .default('websocket')
  .describe(
    'extension: "websocket" (default) proxies all audio through the gateway; "webrtc" sends audio straight to the service ' +
      'while the gateway keeps the key, tools and limits, but the browser can see and send Realtime events (docs/PRIVACY.md)',
  );

export type SiteTransport = z.output<typeof transportSchema>;
