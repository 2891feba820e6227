/** The `audio` block of a site (docs/CONFIG.md): how the visitor's microphone audio travels upstream. */
import { z } from 'zod';

/** The longest a microphone frame may be held back to join others (ms). */
export const MAX_COALESCE_MS = 200;

export const audioSchema = z
  .strictObject({
    coalesce_ms: z
      .number()
      .int()
      .min(0)
      .max(MAX_COALESCE_MS)
      .default(0)
      .describe('extension: join microphone frames into one append of up to this many ms (0: one append per frame); adds up to this much latency'),
  })
  .default({ coalesce_ms: 0 });
