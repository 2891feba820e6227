import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../gateway/config/index.js';
import type { Env, ParseResult } from '../../../gateway/config/index.js';

const SITE = `engines:
  local: { kind: offline }
sites:
  demo:
    origins: [http://localhost:8787]
    engine: local
    retrieval: { kind: local, sources: [./kb/**/*.md] }
`;

function parse(head: string, env: Env, tail = SITE): ParseResult {
  return parseConfig(`${head}\n${tail}`, { file: 'test.yaml', env });
}

function ok(result: ParseResult) {
  if (!result.ok) throw new Error(`expected a valid config: ${JSON.stringify(result.errors)}`);
  return result;
}

describe('environment substitution', () => {
  it('types a plain whole-value default as the number YAML would read', () => {
    const result = ok(parse('server:\n  port: ${PORT:-8787}', {}));
    expect(result.config.server.port).toBe(8787);
  });

  it('types a plain whole-value variable as a number or boolean', () => {
    const result = ok(parse('server:\n  port: ${PORT}\n  trust_proxy: ${TRUST}', { PORT: '9000', TRUST: 'true' }));
    expect(result.config.server.port).toBe(9000);
    expect(result.config.server.trust_proxy).toBe(true);
  });

  it('keeps a quoted reference a string even when it reads as a number', () => {
    const result = parse('server:\n  port: "${PORT:-8787}"', {});
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([expect.objectContaining({ line: 2, path: 'server.port' })]);
  });

  it("never echoes a variable's value in an error at an alias of it", () => {
    const result = parse('server:\n  status_token: &token ${TOKEN}\n  port: *token\n  trust_proxy: *token', { TOKEN: 'hunter2-very-secret' });
    expect(result.ok).toBe(false);
    expect(result.errors.map((issue) => issue.path)).toEqual(['server.port', 'server.trust_proxy']);
    expect(JSON.stringify(result.errors)).not.toContain('hunter2');
  });

  it('cannot inject a map: a value holding YAML stays one string', () => {
    const result = ok(parse('server:\n  host: ${HOST}', { HOST: '{a: 1}\nfoo: bar' }));
    expect(result.config.server.host).toBe('{a: 1}\nfoo: bar');
    expect(Object.keys(result.config)).toEqual(['server', 'store', 'engines', 'sites']);
  });

  it('cannot inject a list: a value like [1,2] fails validation as a string', () => {
    const result = parse('server:\n  port: ${PORT}', { PORT: '[1,2]' });
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([
      expect.objectContaining({ line: 2, path: 'server.port', message: 'must be a number, not the value of its environment variable' }),
    ]);
  });

  it('never echoes a substituted value in an error message', () => {
    const result = parse('server:\n  port: ${PORT}', { PORT: 'sk-very-secret' });
    expect(JSON.stringify(result.errors)).not.toContain('sk-very-secret');
  });

  it('replaces references inside longer strings', () => {
    const result = ok(parse('server:\n  host: ${PREFIX}.example.${TLD:-com}', { PREFIX: 'api' }));
    expect(result.config.server.host).toBe('api.example.com');
  });

  it('keeps $${NAME} as a literal ${NAME}', () => {
    const result = ok(parse('server:\n  host: $${HOST}', { HOST: 'nope' }));
    expect(result.config.server.host).toBe('${HOST}');
  });

  it('uses the default when the variable is set but empty', () => {
    const result = ok(parse('server:\n  port: ${PORT:-8787}', { PORT: '' }));
    expect(result.config.server.port).toBe(8787);
  });

  it('leaves keys alone', () => {
    const result = parse('server:\n  ${KEY}: 1', { KEY: 'port' });
    expect(result.ok).toBe(false);
    expect(result.errors[0]).toMatchObject({ path: 'server.${KEY}', message: 'unknown key "${KEY}"' });
  });

  it('makes an unset variable empty and warns with its line and path', () => {
    const result = ok(parse('server:\n  host: ${HOST}', {}));
    expect(result.config.server.host).toBe('');
    expect(result.warnings).toEqual([
      expect.objectContaining({ severity: 'warning', line: 2, path: 'server.host', message: 'environment variable HOST is not set; the value is empty' }),
    ]);
  });

  it('says when the unset variable holds a secret', () => {
    const result = ok(parse('server:\n  status_token: ${STATUS_TOKEN}', {}));
    expect(result.warnings).toEqual([expect.objectContaining({ path: 'server.status_token' })]);
    expect(result.warnings[0]?.message).toContain('is a secret');
  });

  it('treats the Redis url as a secret', () => {
    const result = parse('store:\n  kind: redis\n  url: ${REDIS_URL}', {});
    expect(result.warnings[0]).toMatchObject({ line: 3, path: 'store.url' });
    expect(result.warnings[0]?.message).toContain('is a secret');
  });

  it('treats Redis Cluster URLs as secrets', () => {
    const result = parse('store:\n  kind: redis\n  cluster:\n    - ${REDIS_CLUSTER_URL}', {});
    expect(result.warnings[0]).toMatchObject({ line: 4, path: 'store.cluster.0' });
    expect(result.warnings[0]?.message).toContain('is a secret');
  });

  it('refuses a malformed reference', () => {
    const result = parse('server:\n  host: ${not a name}', {});
    expect(result.ok).toBe(false);
    expect(result.errors[0]).toMatchObject({ line: 2, path: 'server.host' });
    expect(result.errors[0]?.message).toContain('malformed variable reference');
  });

  it('substitutes inside list items', () => {
    // Inside [ ] a reference must be quoted: YAML reads { and } there as flow syntax.
    const result = ok(parse('', { ORIGIN: 'https://docs.example.com' }, SITE.replace('http://localhost:8787', '"${ORIGIN}"')));
    expect(result.config.sites.demo.origins).toEqual(['https://docs.example.com']);
  });
});
