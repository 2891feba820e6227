/**
 * Rules zod cannot express one field at a time: references between sections and
 * combinations that no engine accepts. Runs on the raw data, so these errors are listed
 * together with the schema's even when other parts of the file are invalid.
 */
import { insightsCrossCheck } from './insights-schema.js';

/** A cross-field error before it is given a file position. */
export interface RawProblem {
  path: PropertyKey[];
  message: string;
}

type Dict = Record<string, unknown>;

const isDict = (value: unknown): value is Dict => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The preview dialect's name for why, or undefined when the engine speaks GA. */
function previewDialect(engine: unknown): string | undefined {
  if (!isDict(engine)) return undefined;
  if (engine.kind === 'openai' && engine.dialect === 'beta') return 'dialect beta';
  const version = typeof engine.api_version === 'string' ? engine.api_version : 'v1';
  return engine.kind === 'azure-openai' && version.endsWith('-preview') ? `api_version ${version}` : undefined;
}

/** Settings the preview dialect has no field for: refused rather than silently dropped. */
function gaOnlySettings(site: Dict, sitePath: PropertyKey[], engine: unknown, engineName: string): RawProblem[] {
  const preview = previewDialect(engine);
  if (!preview) return [];
  const turn = isDict(site.turn_detection) ? site.turn_detection : {};
  const found: Array<[PropertyKey[], string]> = [];
  if (turn.type === 'semantic_vad') found.push([['turn_detection', 'type'], 'semantic_vad']);
  if (turn.idle_timeout_ms !== undefined) found.push([['turn_detection', 'idle_timeout_ms'], 'idle_timeout_ms']);
  if (site.truncation !== undefined) found.push([['truncation'], 'truncation']);
  if (site.reasoning !== undefined) found.push([['reasoning'], 'reasoning']);
  return found.map(([path, name]) => ({
    path: [...sitePath, ...path],
    message: `${name} needs the GA dialect, but engine "${engineName}" uses ${preview}; remove it or use the GA dialect (api_version v1)`,
  }));
}

/** Finds errors that span fields: unknown engine references, jwt without a key, semantic_vad on preview Azure. */
export function crossCheck(data: unknown): RawProblem[] {
  if (!isDict(data) || !isDict(data.sites)) return [];
  const engines = isDict(data.engines) ? data.engines : {};
  const engineNames = Object.keys(engines);
  const problems: RawProblem[] = [];
  for (const [siteId, site] of Object.entries(data.sites)) {
    if (!isDict(site)) continue;
    const sitePath = ['sites', siteId];
    const engineName = site.engine;
    const engine = typeof engineName === 'string' ? engines[engineName] : undefined;
    if (typeof engineName === 'string' && engineName !== '' && !Object.hasOwn(engines, engineName)) {
      const known = engineNames.length > 0 ? `defined: ${engineNames.join(', ')}` : 'no engines are defined';
      problems.push({ path: [...sitePath, 'engine'], message: `engine "${engineName}" is not defined under engines (${known})` });
    }
    const auth = site.auth;
    if (isDict(auth) && auth.kind === 'jwt' && auth.secret === undefined && auth.public_key === undefined) {
      problems.push({ path: [...sitePath, 'auth'], message: 'jwt auth needs a secret (HS256) or a public_key (ES256)' });
    }
    problems.push(...gaOnlySettings(site, sitePath, engine, String(engineName)));
  }
  problems.push(...insightsCrossCheck(data, data.sites));
  return problems;
}
