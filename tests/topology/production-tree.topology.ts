// Issue 20, item 4: the tree the Dockerfile builds, without a container engine. `npm pack`,
// unpack, `npm ci --omit=dev` with the lockfile (the Dockerfile's production-tree stage), then
// serve from that tree as an unprivileged user: every bare import of the compiled gateway loads
// there, /healthz, /readyz and /voice-rag.js answer, a typed question is answered and spoken
// (offline engine), and the Dockerfile's own HEALTHCHECK command passes, then fails once stopped.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, missingBuild, REPO_ROOT } from '../e2e/support/gateway.js';
import { WidgetClient } from '../support/widget-client.js';

const run = promisify(execFile);
const ORIGIN = 'https://docs.example.com';
const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
const missing = missingBuild().filter((file) => !file.startsWith('dist/demo'));
if (missing.length && process.env.CI) throw new Error(`build first: ${missing.join(', ')}`);

/** A JSON exec array of the Dockerfile (`HEALTHCHECK … CMD [...]`, `ENTRYPOINT [...]`). */
function execArray(instruction: RegExp): string[] {
  const match = instruction.exec(dockerfile.replace(/\\\n\s*/g, ' '));
  if (!match) throw new Error(`Dockerfile: no ${instruction}`);
  return JSON.parse(match[1]!) as string[];
}

/** Every bare module specifier the compiled gateway and the bin import. */
function bareImports(dir: string): Set<string> {
  const found = new Set<string>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.js')) {
        for (const [, spec] of readFileSync(path, 'utf8').matchAll(/(?:from\s*|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)) {
          if (!spec!.startsWith('.') && !spec!.startsWith('node:')) found.add(spec!);
        }
      }
    }
  };
  walk(join(dir, 'dist', 'gateway'));
  walk(join(dir, 'bin'));
  return found;
}

describe.skipIf(missing.length > 0)('the production tree the Dockerfile builds', () => {
  const work = mkdtempSync(join(tmpdir(), 'voice-rag-tree-'));
  const app = join(work, 'app');
  const config = join(work, 'config');
  let server: ChildProcess | undefined;
  let exited: Promise<unknown> | undefined;
  let port = 0;
  let log = '';
  // The image runs as `node`; here an unprivileged uid when the test runs as root.
  const user = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

  beforeAll(async () => {
    expect(dockerfile).toMatch(/RUN npm ci --omit=dev --no-audit --no-fund/);
    const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: REPO_ROOT });
    const [info] = JSON.parse(packed.stdout) as Array<{ filename: string }>;
    mkdirSync(app);
    await run('tar', ['-xzf', join(work, info!.filename), '-C', app, '--strip-components=1']);
    writeFileSync(join(app, 'package-lock.json'), readFileSync(join(REPO_ROOT, 'package-lock.json')));
    // --prefer-offline only to use this machine's npm cache; the Dockerfile's flags otherwise.
    await run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: app });
    mkdirSync(join(config, 'kb'), { recursive: true });
    mkdirSync(join(work, 'cache'));
    writeFileSync(join(config, 'kb', 'refunds.md'), '# Refunds\n\nRefunds are paid back to the original card within 14 days.\n');
    writeFileSync(join(config, 'voice-rag.config.yaml'), `server: { host: 127.0.0.1 }
engines: { local: { kind: offline } }
sites:
  docs:
    origins: ["${ORIGIN}"]
    engine: local
    retrieval: { kind: local, sources: [./kb/*.md], cache_dir: ${join(work, 'cache')} }
`);
    chmodSync(work, 0o755);
    if (user.uid !== undefined) await run('chown', ['-R', `${user.uid}:${user.gid}`, join(work, 'cache')]);
  });

  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGKILL');
      await exited;
    }
    rmSync(work, { recursive: true, force: true });
  });

  it('holds no devDependency', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const installed = new Set(readdirSync(join(app, 'node_modules')).flatMap((name) =>
      name.startsWith('@') ? readdirSync(join(app, 'node_modules', name)).map((sub) => `${name}/${sub}`) : [name]));
    expect(Object.keys(pkg.devDependencies).filter((name) => installed.has(name) && !name.startsWith('@types/'))).toEqual([]);
  });

  it('loads every bare import of the compiled gateway from that tree', async () => {
    const specifiers = [...bareImports(app)];
    expect(specifiers.length).toBeGreaterThan(10);
    writeFileSync(join(app, 'load-imports.mjs'), `for (const s of ${JSON.stringify(specifiers)}) await import(s);\nconsole.log('loaded');\n`);
    const loaded = await run(process.execPath, ['load-imports.mjs'], { cwd: app, ...user });
    expect(loaded.stdout.trim()).toBe('loaded');
    rmSync(join(app, 'load-imports.mjs'));
  });

  it('serves from that tree: health, readiness, the widget script, a spoken answer, and the HEALTHCHECK', async () => {
    port = await freePort();
    const [command, ...args] = [...execArray(/^ENTRYPOINT (\[.*\])$/m), 'serve', '--config', join(config, 'voice-rag.config.yaml'), '--port', String(port)];
    expect(command).toBe('node');
    server = spawn(process.execPath, args, { cwd: app, ...user, env: { ...process.env, NODE_ENV: 'production', PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
    exited = new Promise((resolve) => server!.once('exit', resolve));
    server.stdout!.on('data', (chunk) => void (log += chunk));
    server.stderr!.on('data', (chunk) => void (log += chunk));
    const base = `http://127.0.0.1:${port}`;
    for (const deadline = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 200))) {
      if (server.exitCode !== null || Date.now() > deadline) throw new Error(`serve did not come up:\n${log}`);
      if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) break;
    }
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const script = await fetch(`${base}/voice-rag.js`);
    expect(script.status).toBe(200);
    expect(await script.text()).toContain('voice-rag');

    const client = await WidgetClient.connect(port, { site: 'docs', origin: ORIGIN });
    await client.next('ready', 20_000);
    client.send({ type: 'text', text: 'How long do refunds take?' });
    expect((await client.next('assistant_transcript_done', 30_000)).text).toMatch(/14 days/);
    await client.next('response_done', 30_000);
    expect(client.audio.length, 'the answer was spoken').toBeGreaterThan(0);
    client.close();

    const [probe, ...probeArgs] = execArray(/^HEALTHCHECK .*?CMD (\[.*\])$/m);
    expect(probe).toBe('node');
    const healthcheck = () => run(process.execPath, probeArgs, { env: { ...process.env, PORT: String(port) } }).then(() => 0, (error: { code?: number }) => error.code ?? -1);
    expect(await healthcheck()).toBe(0);
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await healthcheck()).toBe(1);
  });
});
