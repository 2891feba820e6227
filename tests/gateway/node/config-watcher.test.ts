import { mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConfigHolder } from '../../../gateway/config/index.js';
import { loadConfig } from '../../../gateway/node/config-file.js';
import { createLogger } from '../../../gateway/node/log.js';
import { watchConfig } from '../../../gateway/node/config-watcher.js';
import type { WatchLogger } from '../../../gateway/node/config-watcher.js';

const minimal = fileURLToPath(new URL('../../fixtures/config/minimal.yaml', import.meta.url));

type Line = { level: 'info' | 'warn' | 'error'; fields: Record<string, unknown>; message: string };

function recordingLogger(): WatchLogger & { lines: Line[] } {
  const lines: Line[] = [];
  const log = (level: Line['level']) => (fields: object, message: string) => lines.push({ level, fields: fields as Record<string, unknown>, message });
  return { lines, info: log('info'), warn: log('warn'), error: log('error') };
}

// fs events arrive asynchronously; poll a condition with a bound instead of sleeping blindly.
async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('watchConfig', () => {
  let dir: string;
  let file: string;
  let base: string;
  let close: (() => void) | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'voice-rag-config-'));
    file = join(dir, 'voice-rag.config.yaml');
    base = await readFile(minimal, 'utf8');
    await writeFile(file, base);
  });

  afterEach(async () => {
    close?.();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies a valid edit and logs "config reloaded"', async () => {
    const holder = createConfigHolder(await loadConfig(file, {}));
    const logger = recordingLogger();
    close = watchConfig(file, holder, logger, { env: {}, debounceMs: 20 }).close;
    await writeFile(file, `server:\n  port: 9999\n${base}`);
    await until(() => holder.current().config.server.port === 9999);
    expect(logger.lines).toContainEqual(expect.objectContaining({ level: 'info', message: 'config reloaded' }));
  });

  it('applies an edit to a Kubernetes ConfigMap mount, where only the ..data link is swapped', async () => {
    const mounted = join(dir, 'mounted.yaml');
    await mkdir(join(dir, '..v1'));
    await writeFile(join(dir, '..v1', 'mounted.yaml'), base);
    await symlink('..v1', join(dir, '..data'));
    await symlink(join('..data', 'mounted.yaml'), mounted);
    const holder = createConfigHolder(await loadConfig(mounted, {}));
    close = watchConfig(mounted, holder, recordingLogger(), { env: {}, debounceMs: 20 }).close;
    await mkdir(join(dir, '..v2'));
    await writeFile(join(dir, '..v2', 'mounted.yaml'), `server:\n  port: 9998\n${base}`);
    await symlink('..v2', join(dir, '..data_tmp'));
    await rename(join(dir, '..data_tmp'), join(dir, '..data'));
    await until(() => holder.current().config.server.port === 9998);
    expect(holder.current().config.server.port).toBe(9998);
  });

  it('keeps the last good config after an invalid edit and logs file and line', async () => {
    const holder = createConfigHolder(await loadConfig(file, {}));
    const before = holder.current();
    const logger = recordingLogger();
    close = watchConfig(file, holder, logger, { env: {}, debounceMs: 20 }).close;
    await writeFile(file, `server:\n  port: lots\n${base}`);
    // A half-written file may be read first; wait for the complete edit's error.
    const isPortError = (line: Line): boolean => line.level === 'error' && line.fields.path === 'server.port';
    await until(() => logger.lines.some(isPortError));
    expect(holder.current()).toBe(before);
    const error = logger.lines.find(isPortError);
    expect(error?.fields).toMatchObject({ file, line: 2, path: 'server.port' });
    expect(error?.message).toContain('server.port');
  });

  it('picks up an editor-style save that renames a new file over the old one', async () => {
    const holder = createConfigHolder(await loadConfig(file, {}));
    close = watchConfig(file, holder, recordingLogger(), { env: {}, debounceMs: 20 }).close;
    for (const port of [7001, 7002]) {
      const temp = join(dir, `.voice-rag.config.yaml.${port}.tmp`);
      await writeFile(temp, `server:\n  port: ${port}\n${base}`);
      await rename(temp, file);
      await until(() => holder.current().config.server.port === port);
    }
    expect(holder.current().config.server.port).toBe(7002);
  });

  it('writes its lines through the gateway pino logger and warns that a port change needs a restart', async () => {
    const holder = createConfigHolder(await loadConfig(file, {}));
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger({ destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
    close = watchConfig(file, holder, logger, { env: {}, debounceMs: 20 }).close;
    await writeFile(file, `server:\n  port: 9999\n${base}`);
    await until(() => lines.some((line) => line.msg === 'config reloaded'));
    expect(lines).toContainEqual(expect.objectContaining({ level: 40, path: 'server.port', msg: 'server.port changed: it takes effect after a restart' }));
  });

  it('stops reloading once closed', async () => {
    const holder = createConfigHolder(await loadConfig(file, {}));
    const logger = recordingLogger();
    watchConfig(file, holder, logger, { env: {}, debounceMs: 20 }).close();
    await writeFile(file, `server:\n  port: 9999\n${base}`);
    // A second, still-open watcher proves the edit was observable before asserting the first stayed quiet.
    const witness = createConfigHolder(holder.current());
    close = watchConfig(file, witness, recordingLogger(), { env: {}, debounceMs: 20 }).close;
    await writeFile(file, `server:\n  port: 9998\n${base}`);
    await until(() => witness.current().config.server.port === 9998);
    expect(holder.current().config.server.port).toBe(8787);
    expect(logger.lines).toEqual([]);
  });
});
