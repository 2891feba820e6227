#!/usr/bin/env node
// Runs every suite (typecheck, build, node tests, browser tests, end-to-end) from one table of
// stages and ends with one plain "N passed, M failed, K skipped" line, which CI reads. Exit code
// is non-zero when anything failed. `node tests/run.mjs STAGE…` runs only those stages.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { glob } from 'tinyglobby';
import { delimiter } from 'node:path';
import { NODE_MAJORS, aptInstall, canAptInstall, missingPrerequisites, nodeBinDir } from './support/prereqs.mjs';

const CI = process.env.CI === 'true' || process.env.CI === '1';

/** Counts from a Vitest JSON report; a file that failed to load has no tests but fails. */
function vitestCounts(file) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  let failed = report.numFailedTests;
  for (const suite of report.testResults ?? []) if (suite.status === 'failed' && !suite.assertionResults?.length) failed++;
  return { passed: report.numPassedTests, failed, skipped: report.numPendingTests + report.numTodoTests };
}

/** Counts from the JSON file web-test-runner.config.mjs writes. */
const countsFile = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** The tests that failed once and passed on their retry, from tests/support/flaky-reporter.ts. */
function flakyTests(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
}

/**
 * A Vitest run of a project of vitest.config.ts, or of a suite with its own config file. A
 * failing test runs once more (these suites drive real processes, sockets and browsers on a
 * shared 2-core machine); one that then passes counts as passed and is named as flaky.
 */
const vitest = (name, { project = name, config } = {}) => ({
  command: ['npx', 'vitest', 'run', ...(config ? ['--config', config] : ['--project', project]), '--retry=1',
    '--reporter=default', '--reporter=json', `--outputFile.json=.vitest-${name}.json`, '--reporter=./tests/support/flaky-reporter.ts'],
  env: { VITEST_FLAKY_FILE: `.vitest-${name}-flaky.json` },
  report: `.vitest-${name}.json`,
  counts: vitestCounts,
  flaky: `.vitest-${name}-flaky.json`,
});
const PACKAGE = { config: 'tests/package/vitest.config.ts' };
// The hardening project (soak, leaks, flooding, fuzzing against a live gateway) measures pacing and
// memory: it runs alone, once, on the machine's Node. The node project runs beside the browser
// suites, and again under each other Node major.

/** The node suite, and the package test, under another Node major (its binary first on PATH). */
const withNode = (major) => ({ env: { PATH: `${nodeBinDir(major)}${delimiter}${process.env.PATH}` }, needs: [`node${major}`], optional: true });
const underNode = (major, stage) => {
  const node = withNode(major);
  return { ...stage, ...node, env: { ...stage.env, ...node.env } };
};
const nodeSuiteUnder = (major) => ({ name: `node@${major}`, ...underNode(major, vitest(`node@${major}`, { project: 'node' })), uses: ['redis-server'], after: ['e2e', 'hardening'], alone: true });
const packageUnder = (major) => ({ name: `package@${major}`, ...underNode(major, vitest(`package@${major}`, PACKAGE)), after: ['build', 'e2e'] });

/**
 * The stages. name; command; env; after (stages that must end first); needs (prerequisites
 * without which the stage is skipped); uses (prerequisites whose tests skip themselves inside the
 * stage); files (its test files, counted as skipped when the stage is); report + counts (how to
 * read its pass/fail counts; without them the exit code is one check); alone (runs with nothing
 * else, for timing-sensitive tests); optional (runs only when named, or with --all as CI does);
 * crashed (output that means the browser process died: the stage is run once more); flaky (the
 * file naming its tests that passed only when run once more). A stage past STAGE_LIMIT_MS is
 * killed and run once more.
 */
const STAGES = [
  { name: 'typecheck', command: ['npx', 'tsc', '-p', '.'] },
  { name: 'build', command: ['npm', 'run', '--silent', 'build'] },
  { name: 'node', ...vitest('node'), after: ['build'], uses: ['redis-server'] },
  { name: 'hardening', ...vitest('hardening'), after: ['build', 'node'], uses: ['redis-server'], alone: true },
  {
    name: 'browser', command: ['npx', 'web-test-runner'], env: { CI: 'true', WTR_COUNTS_FILE: '.wtr-counts.json' },
    report: '.wtr-counts.json', counts: countsFile, after: ['build'], needs: ['chromium'], files: 'tests/browser/**/*.test.ts',
  },
  // Firefox ESR and WebKit (WebKitGTK, the engine behind Safari, under Xvfb): the same browser suite.
  {
    name: 'browser-firefox', command: ['npx', 'web-test-runner', '--config', 'web-test-runner.firefox.config.mjs'],
    env: { CI: 'true', WTR_COUNTS_FILE: '.wtr-counts-firefox.json' }, report: '.wtr-counts-firefox.json', counts: countsFile,
    after: ['build', 'browser'], needs: ['firefox', 'pulseaudio'], files: 'tests/browser/**/*.test.ts',
  },
  {
    name: 'browser-webkit',
    command: ['xvfb-run', '-a', '-s', '-screen 0 1280x1024x24 -nolisten tcp', 'npx', 'web-test-runner', '--config', 'web-test-runner.webkit.config.mjs'],
    env: { CI: 'true', WTR_COUNTS_FILE: '.wtr-counts-webkit.json' }, report: '.wtr-counts-webkit.json', counts: countsFile,
    after: ['build', 'browser-firefox'], needs: ['webkit', 'xvfb'], files: 'tests/browser/**/*.test.ts',
    // WebKitGTK's web process crashes now and then on a loaded machine (seen once in ~10 CI runs).
    crashed: /WebProcess CRASHED/,
  },
  { name: 'e2e', ...vitest('e2e'), after: ['build', 'node', 'browser', 'browser-firefox', 'browser-webkit', 'hardening'], needs: ['chromium'], files: 'tests/e2e/**/*.e2e.test.ts', alone: true },
  // The WebRTC transport in Firefox ESR (a call over loopback) and WebKitGTK (no WebRTC: the socket).
  {
    name: 'e2e-engines', ...vitest('e2e-engines', { config: 'tests/e2e-engines/vitest.config.ts' }), after: ['build', 'e2e'], alone: true,
    needs: ['firefox', 'pulseaudio', 'webkit', 'xvfb'], files: 'tests/e2e-engines/**/*.engine.ts',
  },
  // nginx, Caddy, two gateway nodes, Redis, Chromium; and the Dockerfile's production tree (npm ci).
  {
    name: 'topology', ...vitest('topology', { config: 'tests/topology/vitest.config.ts' }), after: ['build'], optional: true, alone: true,
    needs: ['nginx', 'redis-server', 'chromium', 'openssl'], uses: ['caddy'], files: 'tests/topology/**/*.topology.ts',
  },
  ...NODE_MAJORS.map(nodeSuiteUnder),
  // npm pack, install into an empty folder, serve: slow (npm install), so only CI runs it. The
  // package stages run two at a time (mostly network and disk), after the timing-sensitive suites.
  { name: 'package', ...vitest('package', PACKAGE), after: ['build', 'e2e'], optional: true },
  ...NODE_MAJORS.map(packageUnder),
];

const all = process.argv.includes('--all');
const named = process.argv.slice(2).filter((arg) => arg !== '--all');
for (const name of named) if (!STAGES.some((stage) => stage.name === name)) {
  console.error(`run: unknown stage "${name}" (stages: ${STAGES.map((stage) => stage.name).join(', ')})`);
  process.exit(2);
}
const selected = STAGES.filter((stage) => (named.length ? named.includes(stage.name) : all || !stage.optional));
const jobs = Math.max(1, Number(process.env.TEST_JOBS) || Math.min(2, cpus().length));

/** Finds what the selected stages need; as root on Debian installs what is missing; else reports it. */
function checkPrerequisites() {
  const wanted = [...new Set(selected.flatMap((stage) => [...(stage.needs ?? []), ...(stage.uses ?? [])]))];
  let missing = missingPrerequisites(wanted);
  const debian = missing.filter((entry) => entry.debian);
  if (debian.length && canAptInstall()) {
    console.log(`▶ installing missing prerequisites with apt-get: ${debian.flatMap((entry) => entry.debian).join(' ')}`);
    aptInstall(debian);
  }
  for (const entry of missing.filter((entry) => entry.provide)) {
    console.log(`▶ providing ${entry.name}: ${entry.install}`);
    entry.provide();
  }
  missing = missingPrerequisites(wanted);
  for (const entry of missing) console.log(`missing prerequisite: ${entry.name}: install with \`${entry.install}\``);
  return new Set(missing.map((entry) => entry.name));
}

/**
 * No stage runs longer than this (the longest, e2e, takes about 5 minutes on 2 cores; the
 * environment's TEST_STAGE_LIMIT_S changes it). Past it the stage's whole process tree is killed
 * and the stage runs once more: a Vitest worker on Node 20 was once seen idle for good, its one
 * pending request a file read that never completed, while a test file was being imported, where
 * no test timeout applies.
 */
const STAGE_LIMIT_MS = (Number(process.env.TEST_STAGE_LIMIT_S) || 15 * 60) * 1000;
const children = new Set();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    // Each stage runs in its own process group (so a hung one can be killed whole): pass it on.
    for (const child of children) killGroup(child);
    process.exit(130);
  });
}

function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const skippedNames = [];
const flakyNames = [];
const reruns = [];
const timings = [];

/** Runs one stage with its output buffered, then prints it whole. */
function runStage(stage, retried = false) {
  if (stage.report) rmSync(stage.report, { force: true });
  if (stage.flaky) rmSync(stage.flaky, { force: true });
  const started = Date.now();
  console.log(`▶ ${stage.name}: ${stage.command.join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(stage.command[0], stage.command.slice(1), {
      env: { ...process.env, FORCE_COLOR: '0', ...stage.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    children.add(child);
    let hung = false;
    const limit = setTimeout(() => {
      hung = true;
      killGroup(child);
      // A process that left the group could still hold the output pipes open: stop reading them.
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, 10_000).unref();
    }, STAGE_LIMIT_MS);
    const chunks = [];
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.stderr.on('data', (chunk) => chunks.push(chunk));
    child.on('error', (error) => chunks.push(Buffer.from(`${error.message}\n`)));
    child.on('close', (code) => {
      clearTimeout(limit);
      children.delete(child);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const output = Buffer.concat(chunks).toString();
      process.stdout.write(`\n━━━ ${stage.name} (${seconds} s, exit ${code}) ━━━\n${output}\n`);
      timings.push(`${stage.name} ${seconds} s`);
      if (hung && !retried) {
        console.log(`▶ ${stage.name}: no end after ${STAGE_LIMIT_MS / 1000} s, killed; running the stage once more`);
        reruns.push(`${stage.name} (hung)`);
        return resolve(runStage(stage, true));
      }
      // The browser process itself died (not a test): its counts are void and the stage runs once more.
      if (code !== 0 && !retried && stage.crashed?.test(output)) {
        console.log(`▶ ${stage.name}: the browser crashed, not a test; running the stage once more`);
        reruns.push(`${stage.name} (browser crashed)`);
        return resolve(runStage(stage, true));
      }
      let counts;
      try {
        counts = stage.counts ? stage.counts(stage.report) : undefined;
      } catch {
        counts = { passed: 0, failed: 1, skipped: 0 }; // no report: the stage broke
      }
      if (counts) for (const key of Object.keys(totals)) totals[key] += counts[key];
      if (stage.flaky) for (const test of flakyTests(stage.flaky)) flakyNames.push(`${stage.name}: ${test}`);
      if (code !== 0 && (!counts || counts.failed === 0)) totals.failed++;
      resolve(code === 0);
    });
  });
}

/** Stands in for a stage whose prerequisite is missing: its files count as skipped. */
async function skipStage(stage, absent) {
  const files = stage.files ? await glob(stage.files) : [];
  totals.skipped += files.length;
  skippedNames.push(`${stage.name} (${files.length} files; no ${absent.join(', ')})`);
}

const missing = checkPrerequisites();
if (missing.size && CI) {
  console.log(`CI: a missing prerequisite is a failure (${[...missing].join(', ')})`);
  totals.failed += missing.size;
}
for (const stage of selected) {
  const inside = (stage.uses ?? []).filter((name) => missing.has(name));
  if (inside.length) skippedNames.push(`${stage.name}: the tests that need ${inside.join(', ')}`);
}

// Schedules the stages: at most `jobs` at once, each after the selected stages it waits for;
// an `alone` stage runs with nothing beside it.
const pending = [...selected];
const running = new Map();
const done = new Set();
let ok = true;
while (pending.length || running.size) {
  const ready = pending.filter((stage) => (stage.after ?? []).every((name) => done.has(name) || !selected.some((s) => s.name === name)));
  for (const stage of ready) {
    const busy = running.size;
    if (busy >= jobs || (stage.alone && busy > 0) || [...running.keys()].some((s) => s.alone)) break;
    pending.splice(pending.indexOf(stage), 1);
    const absent = (stage.needs ?? []).filter((name) => missing.has(name));
    const work = absent.length ? skipStage(stage, absent).then(() => true) : runStage(stage);
    running.set(stage, work.then((passed) => {
      ok &&= passed;
      running.delete(stage);
      done.add(stage.name);
    }));
  }
  if (running.size) await Promise.race(running.values());
  else if (pending.length) throw new Error(`stages wait for each other: ${pending.map((s) => s.name).join(', ')}`);
}

if (totals.failed > 0) ok = false;
console.log(`\ntimes: ${timings.join(', ')}`);
if (missing.size) console.log(`missing: ${[...missing].join(', ')}`);
// The closing line stays plain (CI reads it); what was skipped, and why, stands just above it.
if (skippedNames.length) console.log(`skipped: ${skippedNames.join('; ')}`);
if (reruns.length) console.log(`stages run once more: ${reruns.join(', ')}`);
if (flakyNames.length) console.log(`flaky (failed, then passed when run once more): ${flakyNames.length}\n${flakyNames.map((name) => `  ${name}`).join('\n')}`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(ok ? 0 : 1);
