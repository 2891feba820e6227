// Browser tests of <voice-rag> (@web/test-runner + Playwright driving Debian's Chromium).
// Starts a protocol-speaking test server, feeds the fake microphone a WAV, serves the worklets
// bundled from source, and prints (and, with WTR_COUNTS_FILE, writes) the pass/fail counts.
import { statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { defaultReporter } from '@web/test-runner';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { build } from 'esbuild';
import { micWavPath } from './tests/browser/support/fixtures.mjs';
import { findChromium } from './tests/support/prereqs.mjs';
import { startTestServer } from './tests/browser/support/test-server.mjs';

/** Prints "browser: N passed, N failed, N skipped" at exit and writes the counts to WTR_COUNTS_FILE. */
function countsReporter() {
  const count = (suite, acc) => {
    for (const t of suite?.tests ?? []) t.skipped ? acc.skipped++ : t.passed ? acc.passed++ : acc.failed++;
    for (const s of suite?.suites ?? []) count(s, acc);
    return acc;
  };
  return {
    onTestRunFinished({ sessions }) {
      const acc = { passed: 0, failed: 0, skipped: 0 };
      for (const s of sessions) {
        count(s.testResults, acc);
        // A file that failed to load has no tests but must count as a failure.
        if (!s.passed && !s.testResults?.tests?.length && !s.testResults?.suites?.length) acc.failed++;
      }
      if (process.env.WTR_COUNTS_FILE) writeFileSync(process.env.WTR_COUNTS_FILE, JSON.stringify(acc));
      process.on('exit', () => console.log(`browser: ${acc.passed} passed, ${acc.failed} failed, ${acc.skipped} skipped`));
    },
  };
}

/** The CSP test loads the built widget; build it when it is missing or older than the sources. */
function ensureBuild() {
  const mtime = (p) => { try { return statSync(p).mtimeMs; } catch { return 0; } };
  const built = Math.min(mtime('dist/widget/voice-rag.js'), mtime('dist/widget/voice-rag-capture.js'));
  const newest = spawnSync('find', ['widget', '-name', '*.ts', '-newermt', `@${Math.floor(built / 1000)}`], { encoding: 'utf8' });
  if (built === 0 || newest.stdout.trim()) spawnSync('npx', ['vite', 'build'], { stdio: 'inherit' });
}

const WORKLET_SOURCES = {
  'voice-rag-capture.js': 'widget/audio/capture.worklet.ts',
  'voice-rag-playback.js': 'widget/audio/playback.worklet.ts',
};

/** Serves `…/voice-rag-capture.js` and `…/voice-rag-playback.js` next to the source modules, bundled fresh. */
function workletsFromSource() {
  return {
    name: 'voice-rag-worklets',
    async serve(context) {
      const name = context.path.split('/').pop();
      const entry = WORKLET_SOURCES[name];
      if (!entry || context.path.startsWith('/dist/')) return undefined;
      const out = await build({ entryPoints: [entry], bundle: true, format: 'esm', target: 'es2022', write: false });
      return { body: out.outputFiles[0].text, type: 'js' };
    },
  };
}

/** Starts the test server with the dev server and answers the tests' `vr-*` commands. */
function testServerPlugin() {
  let server;
  return {
    name: 'voice-rag-test-server',
    async serverStart() {
      server = await startTestServer();
    },
    async serverStop() {
      await server?.close();
    },
    async executeCommand({ command, payload }) {
      if (!command.startsWith('vr-')) return undefined;
      return server.command(command, payload);
    },
  };
}

ensureBuild();
const wav = micWavPath();

export default {
  files: 'tests/browser/**/*.test.ts',
  nodeResolve: { exportConditions: ['production'] }, // the default picks Lit's dev build
  concurrency: 1,
  testFramework: { config: { timeout: 15000 } },
  testsFinishTimeout: 180000,
  testRunnerHtml: (testFramework) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>voice-rag tests</title>
    <script src="/node_modules/axe-core/axe.min.js"></script></head>
    <body><script type="module" src="${testFramework}"></script></body></html>`,
  plugins: [
    workletsFromSource(),
    testServerPlugin(),
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }),
  ],
  reporters: [defaultReporter(), countsReporter()],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: {
        executablePath: findChromium() ?? '/usr/bin/chromium',
        headless: true,
        // No --user-data-dir: playwright's launch() makes a fresh profile and rejects that flag.
        args: [
          '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
          '--disable-background-networking', '--disable-component-update', '--disable-sync',
          '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
          `--use-file-for-fake-audio-capture=${wav}%noloop`,
          '--autoplay-policy=no-user-gesture-required',
        ],
      },
    }),
  ],
};
