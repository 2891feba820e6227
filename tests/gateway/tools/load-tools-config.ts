/** Config texts whose one site `docs` (offline engine, local index) carries the keys under test. */
import { parseConfig, type ParseResult } from '../../../gateway/config/parse.js';

/** The config text with `siteKeys` (YAML indented four spaces) in site `docs`; line 7 is its first line. */
export function docsSiteConfigText(siteKeys: string): string {
  return `engines: { local: { kind: offline } }
sites:
  docs:
    origins: [http://localhost:8787]
    engine: local
    retrieval: { kind: local, sources: [./docs/*.md] }
${siteKeys}`;
}

/** Parses a config whose site `docs` declares the given `tools` YAML (indented six spaces). */
export function loadToolsConfig(tools: string, env: Record<string, string>): ParseResult {
  return parseConfig(docsSiteConfigText(`    tools:\n${tools}`), { file: 'voice-rag.config.yaml', env });
}
