/** The `consent` block of a site (docs/CONFIG.md `sites.*.consent`): the notice the widget shows before the microphone. */
import { z } from 'zod';
import { httpUrl } from './schema-parts.js';

/** Notice text: one string, or one per language tag (`en`, `ja`, …) with the widget picking its own. */
const noticeText = z.union([
  z.string().min(1).max(1000),
  z.record(z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'keys are language tags such as en or ja'), z.string().min(1).max(1000)).refine(
    (texts) => Object.keys(texts).length > 0,
    'give at least one language',
  ),
]);

export const consentSchema = z
  .strictObject({
    text: noticeText.describe('what the visitor agrees to (e.g. "Your voice is sent to … to answer you"), or one text per language'),
    link: httpUrl.optional().describe('a page with the full terms (your privacy policy); shown as a link in the notice'),
    remember_days: z.number().int().min(0).max(3650).default(180).describe('how long the widget remembers the agreement in localStorage; 0 asks every visit'),
    typed_needs_consent: z.boolean().default(false).describe('true: typed questions need the agreement too, not only the microphone'),
  })
  .optional()
  .describe('extension: a notice the visitor must accept before the microphone first opens');

export type ConsentConfig = z.output<typeof consentSchema>;
