/**
 * Debian's Caddy as the topology's second proxy: deploy/caddy/Caddyfile as it is, with a global
 * block in front (no admin port, no trust-store install, no :80 redirects) and the site bound to
 * loopback. Its own local CA signs the certificate; the test trusts that root.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../e2e/support/gateway.js';
import { prerequisite } from '../../support/prereqs.mjs';
import { sleep } from './sessions.js';

/** Debian's caddy, or undefined when it is not installed. */
export const CADDY_BINARY: string | undefined = prerequisite('caddy').find();
export const CADDY_SITE = 'deploy/caddy/Caddyfile';

/** A running Caddy. */
export interface Caddy {
  readonly port: number;
  /** Caddy's local root certificate (PEM). */
  readonly ca: string;
  readonly log: () => string;
  stop(): Promise<void>;
}

function render(): string {
  const site = readFileSync(join(REPO_ROOT, CADDY_SITE), 'utf8');
  const opening = /^\{\$VOICE_RAG_DOMAIN[^\n]*\{$/m;
  if (!opening.test(site)) throw new Error(`${CADDY_SITE}: no site block for {$VOICE_RAG_DOMAIN…}`);
  const global = '{\n\tadmin off\n\tskip_install_trust\n\tauto_https disable_redirects\n}\n\n';
  return global + site.replace(opening, (line) => `${line}\n\tbind 127.0.0.1`);
}

/** Starts Caddy on 127.0.0.1:`port` in front of `nodes` (host:port each). */
export async function startCaddy(dir: string, port: number, nodes: readonly string[]): Promise<Caddy> {
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'Caddyfile');
  writeFileSync(config, render());
  let log = '';
  if (!CADDY_BINARY) throw new Error('caddy is not installed');
  const child = spawn(CADDY_BINARY, ['run', '--config', config, '--adapter', 'caddyfile'], {
    env: { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config'), VOICE_RAG_DOMAIN: `localhost:${port}`, VOICE_RAG_NODES: nodes.join(' ') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => void (log += chunk));
  child.stderr!.on('data', (chunk) => void (log += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const root = join(dir, 'data', 'caddy', 'pki', 'authorities', 'local', 'root.crt');
  for (const deadline = Date.now() + 15_000; !(existsSync(root) && log.includes('certificate obtained')); await sleep(100)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`caddy did not start:\n${log}`);
    }
  }
  return {
    port,
    ca: readFileSync(root, 'utf8'),
    log: () => log,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
