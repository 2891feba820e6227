/**
 * Debian's nginx as the topology's TLS proxy, run unprivileged from a temp folder, serving the
 * site file of deploy/nginx/ with only its TEST-REPLACED lines swapped for loopback values.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT } from '../../e2e/support/gateway.js';
import { prerequisite } from '../../support/prereqs.mjs';

const NGINX_BINARY = prerequisite('nginx').find() ?? 'nginx';
/** The documented site file, relative to the repository root. */
export const NGINX_SITE = 'deploy/nginx/voice-rag.conf';

export interface SiteValues {
  port: number;
  cert: string;
  key: string;
  /** host:port of every gateway node, in upstream order. */
  nodes: readonly [string, string];
}

/** Replaces `pattern` in the one line that matches it, or throws: the doc's file must keep its shape. */
function replaceOnce(text: string, pattern: RegExp, replacement: string): string {
  const hits = text.match(new RegExp(pattern.source, 'gm'))?.length ?? 0;
  if (hits !== 1) throw new Error(`${NGINX_SITE}: expected one line matching ${pattern}, found ${hits}`);
  return text.replace(new RegExp(pattern.source, 'm'), replacement);
}

/** The deploy/ site file with its marked lines pointed at this machine's loopback stack. */
export function renderSite(values: SiteValues): string {
  let site = readFileSync(join(REPO_ROOT, NGINX_SITE), 'utf8');
  site = replaceOnce(site, /server 10\.0\.0\.11:8787 /, `server ${values.nodes[0]} `);
  site = replaceOnce(site, /server 10\.0\.0\.12:8787 /, `server ${values.nodes[1]} `);
  site = replaceOnce(site, /listen 443 ssl;/, `listen 127.0.0.1:${values.port} ssl;`);
  site = replaceOnce(site, /server_name voice\.example\.com;/, 'server_name localhost;');
  site = replaceOnce(site, /ssl_certificate {5}\S+;/, `ssl_certificate ${values.cert};`);
  site = replaceOnce(site, /ssl_certificate_key \S+;/, `ssl_certificate_key ${values.key};`);
  return site;
}

/** A self-signed certificate for localhost (one day), made with openssl. */
export function makeCertificate(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'localhost.crt');
  const key = join(dir, 'localhost.key');
  const made = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', key, '-out', cert,
  ], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`openssl could not make a certificate: ${made.stderr}`);
  return { cert, key };
}

/**
 * The main file around the site: everything in DIR, no root needed. Test only: `X-Test-Visitor`
 * stands in for the public address of distinct visitors, who all come from 127.0.0.1 here.
 */
function mainConfig(dir: string): string {
  const temp = (name: string) => `${name}_temp_path ${join(dir, 'tmp', name)};`;
  return `worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 512; }
http {
  log_format topology '$remote_addr "$request" $status upstream=$upstream_addr upstream_status=$upstream_status';
  access_log ${join(dir, 'access.log')} topology;
  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n  ')}
  set_real_ip_from 127.0.0.0/8;
  real_ip_header X-Test-Visitor;
  include ${join(dir, 'voice-rag.conf')};
}
`;
}

/** A running nginx. */
export interface Nginx {
  readonly origin: string;
  /** The access log so far (one line per finished request). */
  accessLog(): string;
  errorLog(): string;
  stop(): Promise<void>;
}

function waitForPort(port: number, child: ChildProcess, dir: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`nginx exited: ${readFileSync(join(dir, 'error.log'), 'utf8')}`));
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve()));
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nginx did not listen on ${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** Writes the configuration into `dir` and starts nginx in the foreground. */
export async function startNginx(dir: string, values: SiteValues): Promise<Nginx> {
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  writeFileSync(join(dir, 'voice-rag.conf'), renderSite(values));
  writeFileSync(join(dir, 'nginx.conf'), mainConfig(dir));
  writeFileSync(join(dir, 'error.log'), '');
  const child = spawn(NGINX_BINARY, ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForPort(values.port, child, dir);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  return {
    origin: `https://localhost:${values.port}`,
    accessLog: () => read('access.log'),
    errorLog: () => read('error.log'),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
