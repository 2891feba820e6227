/** Loads a real config file whose one site `docs` declares the given `tools` YAML (indented six spaces). */
import { parseConfig, type ParseResult } from '../../../gateway/config/parse.js';

export function loadToolsConfig(tools: string, env: Record<string, string>): ParseResult {
  const text = `
engines: { local: { kind: offline } }
sites:
  docs:
    origins: [http://localhost:8787]
    engine: local
    retrieval: { kind: local, sources: [./docs/*.md] }
    tools:
${tools}`;
  return parseConfig(text, { file: 'voice-rag.config.yaml', env });
}
