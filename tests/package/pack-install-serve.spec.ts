// The published package on its own: `npm pack`, install the tarball into an empty folder (no
// devDependencies), then `voice-rag init`, `check` and `serve` there, and a typed question
// answered with a citation over the widget protocol; `import 'voice-rag'` bundles the element.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../e2e/support/gateway.js';
import { WidgetClient } from '../support/widget-client.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const ORIGIN = 'https://docs.example.com';
const work = mkdtempSync(join(tmpdir(), 'voice-rag-package-'));
const app = join(work, 'site');
let tarball: string;
let port: number;
let server: ChildProcess | undefined;
let serverLog = '';

/** `npx voice-rag …` in the site folder, as a user types it. */
const voiceRag = (...args: string[]) => run('npx', ['--no-install', 'voice-rag', ...args], { cwd: app, env: { ...process.env, NO_COLOR: '1' } });

async function waitForOk(path: '/healthz' | '/readyz', deadline: number): Promise<Response> {
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      if (response.ok) return response;
    } catch {
      // not listening yet
    }
    if (server?.exitCode !== null) throw new Error(`voice-rag serve exited (${server?.exitCode}):\n${serverLog}`);
    if (Date.now() > deadline) throw new Error(`no ${path} within the time limit:\n${serverLog}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  // The build stage made dist/; prepack would only build it again.
  const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: REPO });
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; size: number; files: Array<{ path: string }> }>;
  tarball = join(work, info!.filename);
  console.info(`package: ${info!.filename} ${info!.size} bytes, ${info!.files.length} files; node ${process.version}`);
  mkdirSync(join(app, 'content'), { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'my-site', private: true, type: 'module' }));
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: app });
  writeFileSync(join(app, 'content', 'refunds.md'), '# Refunds\n\nRefunds for a cancelled order are paid back to the original card within 14 days.\n');
  writeFileSync(join(app, 'content', 'shipping.md'), '# Shipping\n\nParcels leave the warehouse every weekday and arrive in two to four days.\n');
});

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server!.once('exit', resolve));
    process.kill(-server.pid!, 'SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (server.exitCode === null) process.kill(-server.pid!, 'SIGKILL');
  }
  rmSync(work, { recursive: true, force: true });
});

describe('the packed voice-rag, installed into an empty folder', () => {
  it('holds what a user needs and nothing more', async () => {
    const listing = await run('tar', ['-tzf', tarball]);
    const files = listing.stdout.trim().split('\n');
    expect(files).toContain('package/bin/voice-rag.js');
    expect(files).toContain('package/dist/gateway/cli.js');
    expect(files).toContain('package/dist/widget/voice-rag.js');
    expect(files.filter((file) => /\/(tests|bench|demo)\/|\.map$|\.ts$/.test(file) && !file.endsWith('.d.ts'))).toEqual([]);
    // Every gateway module has its source: none left over in dist/ from a file since removed.
    const orphans = files
      .filter((file) => /^package\/dist\/gateway\/.*\.js$/.test(file))
      .filter((file) => !existsSync(join(REPO, file.replace(/^package\/dist\//, '').replace(/\.js$/, '.ts'))));
    expect(orphans).toEqual([]);
    const installed = JSON.parse(readFileSync(join(app, 'node_modules', 'voice-rag', 'package.json'), 'utf8')) as { name: string };
    expect(installed.name).toBe('voice-rag');
    // No devDependency came along.
    expect(() => readFileSync(join(app, 'node_modules', 'vitest', 'package.json'))).toThrow();
  });

  it('init writes a config that check passes', async () => {
    const init = await voiceRag('init', '--site', 'docs', '--origin', ORIGIN, '--docs', './content', '--config', 'site.yaml');
    expect(init.stdout).toContain('<voice-rag site="docs"></voice-rag>');
    expect(init.stdout).toContain('npx voice-rag serve --config site.yaml');
    const check = await voiceRag('check', '--config', 'site.yaml');
    expect(check.stdout).toContain('site.yaml: valid');
  });

  it('serves the gateway: /healthz, /voice-rag.js, and a typed question answered with a citation', async () => {
    // A free port can be taken by a suite running beside this one before serve binds it: try another.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      serverLog = '';
      server = spawn('npx', ['--no-install', 'voice-rag', 'serve', '--config', 'site.yaml', '--port', String(port)], {
        cwd: app,
        detached: true, // its own process group, so the cleanup reaches the gateway behind npx
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, LOG_LEVEL: 'warn' },
      });
      server.stdout!.on('data', (chunk) => void (serverLog += chunk));
      server.stderr!.on('data', (chunk) => void (serverLog += chunk));
      try {
        await waitForOk('/healthz', Date.now() + 45_000);
        break;
      } catch (error) {
        if (attempt === 3 || !serverLog.includes('EADDRINUSE')) throw error;
      }
    }

    // The index builds while the gateway already listens; a question before /readyz can outlast
    // the search's 3 s timeout on a loaded machine. A load balancer waits for /readyz too.
    await waitForOk('/readyz', Date.now() + 45_000);
    const script = await fetch(`http://127.0.0.1:${port}/voice-rag.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(await script.text()).toContain('voice-rag');

    const client = await WidgetClient.connect(port, { site: 'docs', origin: ORIGIN });
    try {
      await client.next('ready', 20_000);
      client.send({ type: 'text', text: 'How long do refunds take?' });
      const done = await client.next('assistant_transcript_done', 30_000);
      expect(done.text).toMatch(/14 days/);
      const citations = await client.next('citations', 10_000);
      expect(citations.sources.length).toBeGreaterThan(0);
      expect(citations.sources[0]!.title).toBe('Refunds');
      expect(citations.sources[0]!.url).toMatch(new RegExp(`^${ORIGIN}/refunds\\.html(#|$)`));
    } finally {
      client.close();
    }
  });

  it("import 'voice-rag' resolves to the widget module, which a bundler packs with the element", async () => {
    const resolved = await run(process.execPath, ['--input-type=module', '-e', "console.log(import.meta.resolve('voice-rag'))"], { cwd: app });
    expect(resolved.stdout.trim()).toMatch(/node_modules\/voice-rag\/dist\/widget\/voice-rag\.js$/);
    writeFileSync(join(app, 'entry.js'), "import 'voice-rag';\n");
    const bundle = await build({ entryPoints: [join(app, 'entry.js')], absWorkingDir: app, bundle: true, format: 'esm', write: false, logLevel: 'silent' });
    const text = bundle.outputFiles[0]!.text;
    expect(text).toMatch(/customElements\.define\([`"']voice-rag[`"']/);
  });
});
