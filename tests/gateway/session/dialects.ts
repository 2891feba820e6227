/**
 * The one case list of upstream dialects the session suites run against: GA, preview and
 * Azure Voice Live (whose events are the preview ones). Suites parametrise over it with
 * `describe.each(DIALECTS)` instead of copying cases per dialect.
 */
import type { Json, ScriptDialect } from '../../support/scripted-upstream.js';

export const DIALECTS = ['ga', 'beta', 'voice-live'] as const satisfies readonly ScriptDialect[];

/** GA names its session's output `output_modalities`; the preview-shaped dialects say `modalities`. */
export function outputModalitiesOf(dialect: ScriptDialect, update: Json): unknown {
  return dialect === 'ga' ? update.session.output_modalities : update.session.modalities;
}

/** Whether `response.cancel` names the response (GA and Voice Live; the 2024-10-01 preview has no field for it). */
export const cancelNamesResponse = (dialect: ScriptDialect): boolean => dialect !== 'beta';
