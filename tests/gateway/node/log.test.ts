import { describe, expect, it } from 'vitest';
import { createLogger, sessionLogger } from '../../../gateway/node/log.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) };
  return { lines, logger: createLogger({ level: 'debug', destination }) };
}

describe('createLogger', () => {
  it('writes JSON lines at the chosen level', () => {
    const { lines, logger } = capture();
    logger.trace('hidden');
    logger.debug({ n: 1 }, 'shown');
    expect(lines).toEqual([expect.objectContaining({ level: 20, n: 1, msg: 'shown' })]);
  });

  it('redacts secrets by key name at the top level and nested', () => {
    const { lines, logger } = capture();
    logger.info({
      api_key: 'k1',
      engine: { apiKey: 'k2', endpoint: 'https://e' },
      headers: { authorization: 'Bearer t', 'api-key': 'k3' },
      config: { sites: { docs: { retrieval: { api_key: 'k4' }, auth: { secret: 's1' } } }, server: { status_token: 't2' } },
      token: 't3',
      password: 'p',
    }, 'with secrets');
    const text = JSON.stringify(lines[0]);
    for (const secret of ['k1', 'k2', 'k3', 'k4', 's1', 't2', 't3', 'Bearer t', '"p"']) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({ api_key: '[redacted]', headers: { authorization: '[redacted]' }, engine: { endpoint: 'https://e' } });
  });
});

describe('sessionLogger', () => {
  it('adds the session and site ids to every line', () => {
    const { lines, logger } = capture();
    sessionLogger(logger, 'sess-1', 'docs').info('started');
    expect(lines[0]).toMatchObject({ session: 'sess-1', site: 'docs', msg: 'started' });
  });
});
