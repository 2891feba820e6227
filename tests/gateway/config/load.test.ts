import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../gateway/config/index.js';
import { loadConfig } from '../../../gateway/node/config-file.js';
import type { ConfigIssue } from '../../../gateway/config/index.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/config/${name}`, import.meta.url));

async function loadErrors(name: string): Promise<ConfigIssue[]> {
  const error = await loadConfig(fixture(name), {}).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ConfigError);
  return [...(error as ConfigError).issues];
}

describe('loadConfig', () => {
  it('loads the contract example with defaults applied', async () => {
    const loaded = await loadConfig(fixture('contract-example.yaml'), {});
    expect(loaded.config.server).toMatchObject({ port: 8787, host: '0.0.0.0', log_level: 'info', log_transcripts: false });
    expect(loaded.config.engines.aoai).toMatchObject({ kind: 'azure-openai', api_version: 'v1', connect_timeout_ms: 10_000 });
    expect(loaded.config.sites.demo.turn_detection).toEqual({ type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500 });
    expect(loaded.config.sites.demo.limits).toMatchObject({ max_session_seconds: 300, queue_seconds: 8 });
    expect(loaded.config.sites.docs.retrieval).toMatchObject({ kind: 'azure-search', top: 5, fields: { id: 'chunk_id' } });
  });

  it('returns a deep-frozen config whose assignment throws', async () => {
    const { config } = await loadConfig(fixture('minimal.yaml'), {});
    expect(Object.isFrozen(config.sites.demo.origins)).toBe(true);
    expect(() => {
      (config.server as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => {
      (config.sites.demo.limits as { queue_seconds: number }).queue_seconds = 1;
    }).toThrow(TypeError);
  });

  it('carries the absolute file and its folder for resolving relative paths', async () => {
    const loaded = await loadConfig(fixture('minimal.yaml'), {});
    expect(loaded.file).toBe(fixture('minimal.yaml'));
    expect(loaded.dir).toBe(dirname(fixture('minimal.yaml')));
    expect(loaded.config.sites.demo.retrieval).toMatchObject({ sources: ['./kb/**/*.md'], cache_dir: '.cache/voice-rag' });
  });

  it('accepts the same config written as JSON', async () => {
    const yaml = await loadConfig(fixture('minimal.yaml'), {});
    const json = await loadConfig(fixture('minimal.json'), {});
    expect(json.config).toEqual(yaml.config);
  });

  it('names the line and key path of values of the wrong type', async () => {
    const issues = await loadErrors('invalid-wrong-type.yaml');
    expect(issues.map(({ line, path }) => ({ line, path }))).toEqual([
      { line: 2, path: 'server.port' },
      { line: 11, path: 'sites.demo.limits.queue_seconds' },
    ]);
    expect(issues[0]?.message).toBe('must be a number, not the text "eighty"');
  });

  it('names the line and key path of an unknown key', async () => {
    const issues = await loadErrors('invalid-unknown-key.yaml');
    expect(issues).toEqual([
      expect.objectContaining({ line: 9, column: 7, path: 'sites.demo.limits.queue_secs', message: 'unknown key "queue_secs"' }),
    ]);
  });

  it('names the line of an origin that has a path', async () => {
    const issues = await loadErrors('invalid-origin.yaml');
    expect(issues).toEqual([expect.objectContaining({ line: 8, path: 'sites.demo.origins.1' })]);
    expect(issues[0]?.message).toContain('must be an origin');
  });

  it('names a site engine that is not defined, with the engines that are', async () => {
    const issues = await loadErrors('invalid-missing-engine.yaml');
    expect(issues).toEqual([
      expect.objectContaining({ line: 7, path: 'sites.demo.engine', message: 'engine "aoai" is not defined under engines (defined: local)' }),
    ]);
  });

  it('reports YAML syntax errors with their line', async () => {
    const issues = await loadErrors('invalid-syntax.yaml');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ severity: 'error', line: 7, path: '' });
    expect(issues[0]?.message).toMatch(/flow sequence/i);
  });

  it('lists every problem in one ConfigError message', async () => {
    const error = (await loadConfig(fixture('invalid-wrong-type.yaml'), {}).catch((caught: unknown) => caught)) as ConfigError;
    expect(error.message).toContain('2 problems');
    expect(error.message).toContain('invalid-wrong-type.yaml:2  server.port  error:');
    expect(error.message).toContain('invalid-wrong-type.yaml:11  sites.demo.limits.queue_seconds  error:');
  });

  it('refuses a missing file with a ConfigError', async () => {
    const issues = await loadErrors('no-such-file.yaml');
    expect(issues).toEqual([expect.objectContaining({ line: 0, message: 'file not found' })]);
  });

  it('reports only unset-secret warnings and no errors for the contract example', async () => {
    const loaded = await loadConfig(fixture('contract-example.yaml'), {});
    const warnings = loaded.warnings.filter((issue) => issue.severity === 'warning');
    expect(warnings.map((issue) => issue.path)).toEqual(['engines.aoai.api_key', 'engines.openai.api_key', 'sites.docs.retrieval.api_key']);
    for (const warning of warnings) expect(warning.message).toMatch(/environment variable \w+ is not set.*secret/);
  });

  it('reports no warnings for the contract example when its secrets are set', async () => {
    const env = { AZURE_OPENAI_API_KEY: 'a', OPENAI_API_KEY: 'b', AZURE_SEARCH_API_KEY: 'c' };
    const loaded = await loadConfig(fixture('contract-example.yaml'), env);
    expect(loaded.warnings.filter((issue) => issue.severity !== 'info')).toEqual([]);
    expect(loaded.config.engines.aoai).toMatchObject({ api_key: 'a' });
  });
});
