/**
 * Rules zod cannot express one field at a time: references between sections and
 * combinations that no engine accepts. Runs on the raw data, so these errors are listed
 * together with the schema's even when other parts of the file are invalid.
 */

/** A cross-field error before it is given a file position. */
export interface RawProblem {
  path: PropertyKey[];
  message: string;
}

type Dict = Record<string, unknown>;

const isDict = (value: unknown): value is Dict => typeof value === 'object' && value !== null && !Array.isArray(value);

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
    const turn = site.turn_detection;
    if (isDict(turn) && turn.type === 'semantic_vad' && isDict(engine) && engine.kind === 'azure-openai') {
      const version = typeof engine.api_version === 'string' ? engine.api_version : 'v1';
      if (version.endsWith('-preview')) {
        problems.push({
          path: [...sitePath, 'turn_detection', 'type'],
          message: `semantic_vad needs the GA dialect, but engine "${String(engineName)}" uses api_version ${version}; use server_vad or api_version v1`,
        });
      }
    }
  }
  return problems;
}
