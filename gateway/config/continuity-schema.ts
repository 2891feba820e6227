/** The `continuity` block of a site (docs/CONFIG.md): upstream session renewal and resume after a dropped socket. */
import { z } from 'zod';

export const CONTINUITY_DEFAULTS = { renew: true, renew_margin_seconds: 60, max_renewals: 4, resume_grace_seconds: 15 } as const;

export const continuitySchema = z
  .strictObject({
    renew: z.boolean().default(CONTINUITY_DEFAULTS.renew).describe('open a new upstream session before the service ends the current one at its cap'),
    renew_margin_seconds: z
      .number()
      .int()
      .min(5)
      .max(3600)
      .default(CONTINUITY_DEFAULTS.renew_margin_seconds)
      .describe("renew this long before the upstream session's expires_at"),
    max_renewals: z
      .number()
      .int()
      .min(0)
      .max(100)
      .default(CONTINUITY_DEFAULTS.max_renewals)
      .describe('renewals per conversation; limits.max_session_seconds caps its total length'),
    resume_grace_seconds: z
      .number()
      .int()
      .min(0)
      .max(120)
      .default(CONTINUITY_DEFAULTS.resume_grace_seconds)
      .describe('how long a session waits, paused, for a dropped browser to resume (0: no resume)'),
  })
  .default(CONTINUITY_DEFAULTS);

export type ContinuityConfig = z.output<typeof continuitySchema>;
