// What the browser-test configs of every engine share: the build check, the worklets bundled from
// source, the protocol-speaking test server, the HTML page and a reporter printing the counts.
import { statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { defaultReporter } from '@web/test-runner';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { build } from 'esbuild';
import { startTestServer } from './test-server.mjs';

/** Prints "LABEL: N passed, N failed, N skipped" at exit and writes the counts to WTR_COUNTS_FILE. */
function countsReporter(label) {
  const count = (suite, acc) => {
    // A test that did not pass and has no error did not run (WTR_GREP left it out): skipped.
    for (const t of suite?.tests ?? []) t.passed ? acc.passed++ : t.skipped || !t.error ? acc.skipped++ : acc.failed++;
    for (const s of suite?.suites ?? []) count(s, acc);
    return acc;
  };
  return {
    onTestRunFinished({ sessions }) {
      const acc = { passed: 0, failed: 0, skipped: 0 };
      for (const s of sessions) {
        const failedBefore = acc.failed;
        count(s.testResults, acc);
        // A file that failed to load, or whose browser went away, counts as a failure even with no failed test.
        if (!s.passed && acc.failed === failedBefore) acc.failed++;
      }
      if (process.env.WTR_COUNTS_FILE) writeFileSync(process.env.WTR_COUNTS_FILE, JSON.stringify(acc));
      process.on('exit', () => console.log(`${label}: ${acc.passed} passed, ${acc.failed} failed, ${acc.skipped} skipped`));
    },
  };
}

/** The CSP test loads the built widget; build it when it is missing or older than the sources. */
export function ensureBuild() {
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

/**
 * The config for `browsers`; `label` starts the counts line ("browser" for Chromium, the suite
 * the lead's runner reads). Engines without the fake-microphone file flag skip what needs it.
 */
export function browserTestConfig({ label, browsers, timeout = 15000, finishTimeout = 180000, startTimeout = 30000 }) {
  ensureBuild();
  return {
    files: 'tests/browser/**/*.test.ts',
    nodeResolve: { exportConditions: ['production'] }, // the default picks Lit's dev build
    concurrency: 1,
    // WTR_GREP runs only the tests whose title matches (mocha's grep), for one test in one engine.
    testFramework: { config: { timeout, ...(process.env.WTR_GREP ? { grep: process.env.WTR_GREP } : {}) } },
    testsFinishTimeout: finishTimeout,
    browserStartTimeout: startTimeout,
    testRunnerHtml: (testFramework) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>voice-rag tests</title>
    <script src="/node_modules/axe-core/axe.min.js"></script></head>
    <body><script type="module" src="${testFramework}"></script></body></html>`,
    plugins: [
      workletsFromSource(),
      testServerPlugin(),
      esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }),
    ],
    reporters: [defaultReporter(), countsReporter(label)],
    browsers,
  };
}
