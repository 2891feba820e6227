/** The `page_context` setting of a site (docs/CONFIG.md `sites.*.page_context`): what the gateway does with the visitor's page. */
import { z } from 'zod';

export const pageContextModeSchema = z.enum(['off', 'hint', 'boost']);
export type PageContextMode = z.infer<typeof pageContextModeSchema>;

export const pageContextSchema = z
  .union([
    pageContextModeSchema,
    z.strictObject({
      mode: pageContextModeSchema,
      azure_scoring_profile: z
        .string()
        .min(1)
        .optional()
        .describe('Azure AI Search, mode boost: the index\'s scoring profile with a tag function over the page URL (and section) field'),
      azure_scoring_parameter: z.string().regex(/^[A-Za-z0-9_]+$/).default('page').describe('the tag function\'s parameter name in that profile'),
    }),
  ])
  .default('off')
  .describe('extension: off | hint (the model is told the visitor\'s page, as quoted data) | boost (hint, and passages of that page and section rank higher)');

export type PageContextSetting = z.infer<typeof pageContextSchema>;

/** The setting in its long form. */
export function pageContextOf(setting: PageContextSetting | undefined): { mode: PageContextMode; azure_scoring_profile?: string; azure_scoring_parameter: string } {
  if (setting === undefined || typeof setting === 'string') return { mode: setting ?? 'off', azure_scoring_parameter: 'page' };
  return setting;
}
