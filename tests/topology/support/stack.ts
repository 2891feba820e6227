/**
 * The production topology on loopback: one real Redis, a scripted Realtime upstream, two
 * `voice-rag serve` nodes sharing that Redis, and nginx terminating TLS in front of them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, missingBuild, REPO_ROOT, startGateway, type GatewayProcess } from '../../e2e/support/gateway.js';
import { missingPrerequisites } from '../../support/prereqs.mjs';
import { startRedis, type TestRedis } from '../../support/redis.js';
import { ScriptedUpstream } from '../../support/scripted-upstream.js';
import { WidgetClient, type WidgetConnectOptions } from '../../support/widget-client.js';
import { sleep } from './sessions.js';
import { CADDY_BINARY, startCaddy, type Caddy } from './caddy.js';
import { makeCertificate, startNginx, type Nginx } from './nginx.js';

export type NodeName = 'a' | 'b';

/** What the topology needs on this machine, each with how to get it; empty when all is there. */
export function missingForTopology(): string[] {
  const tools = missingPrerequisites(['nginx', 'redis-server', 'chromium', 'openssl']).map((entry) => `${entry.name} (${entry.install})`);
  return [...missingBuild(), ...tools];
}

/** Engine `metered` has a connection quota: 60 a minute in 2 s windows, so 2 per window. */
export const QUOTA = { perMinute: 60, windowSeconds: 2, capacity: 2 } as const;
/** Engine `lined`: one connection every 2 s, so a second visitor waits in the global line. */
export const LINE_QUOTA = { perMinute: 30, windowSeconds: 2 } as const;
/** `server.drain_seconds` of both nodes. */
export const DRAIN_SECONDS = 6;

function configYaml(values: { origin: string; redisUrl: string; upstreamUrl: string; dir: string }): string {
  // Every engine is the scripted upstream; the model in its URL tells the upstream which it is.
  const engine = (model: string, quota?: { perMinute: number; windowSeconds: number }) =>
    `{ kind: openai, api_key: not-a-real-key, model: ${model}, base_url: "${values.upstreamUrl}"${
      quota ? `, quota: { connections_per_minute: ${quota.perMinute}, window_seconds: ${quota.windowSeconds} }` : ''
    } }`;
  const site = (engine: string, limits: string) =>
    `{ origins: ["${values.origin}"], engine: ${engine}, limits: ${limits}, retrieval: { kind: local, sources: ["${REPO_ROOT}/demo/site/*.md"], cache_dir: "${values.dir}/cache" } }`;
  return `server:
  host: 127.0.0.1
  trust_proxy: true
  drain_seconds: ${DRAIN_SECONDS}
  log_level: info
store:
  kind: redis
  url: ${values.redisUrl}
  on_failure: closed
engines:
  metered: ${engine('metered', QUOTA)}
  lined: ${engine('lined', LINE_QUOTA)}
  free: ${engine('free')}
sites:
  demo: ${site('free', '{ idle_seconds: 60 }')}
  metered: ${site('metered', '{ queue_seconds: 15 }')}
  visitors: ${site('free', '{ per_visitor_per_minute: 1 }')}
  solo: ${site('free', '{ max_concurrent: 1 }')}
  lined: ${site('lined', '{ queue_seconds: 20 }')}
`;
}

/** The running topology. */
export interface Topology {
  readonly dir: string;
  readonly redis: TestRedis;
  readonly upstream: ScriptedUpstream;
  readonly nginx: Nginx;
  /** Caddy on deploy/caddy/Caddyfile, when Debian's caddy is installed. */
  readonly caddy: Caddy | undefined;
  /** `https://localhost:PORT`, the public origin. */
  readonly origin: string;
  /** The self-signed certificate (PEM), to trust it. */
  readonly ca: string;
  node(name: NodeName): GatewayProcess;
  /** Starts a node again on its port (after it stopped or was killed). */
  restart(name: NodeName): Promise<GatewayProcess>;
  /** A visitor's widget socket through nginx (wss); `visitor` is the address nginx passes on. */
  visit(site: string, options?: WidgetConnectOptions & { visitor?: string }): Promise<WidgetClient>;
  /** GET over https through nginx, trusting the test's certificate. */
  get(path: string): Promise<{ status: number; body: string }>;
  /** A widget socket through Caddy (wss), trusting Caddy's local CA. */
  viaCaddy(site: string): Promise<WidgetClient>;
  /** A widget socket straight to one node, bypassing nginx. */
  direct(name: NodeName, site: string): Promise<WidgetClient>;
  /** The node that logged `session ready` for this session id (waits a little for its log). */
  nodeOf(sessionId: string): Promise<NodeName>;
  close(): Promise<void>;
}

/** Stops what started so far when a later piece fails to start, and rethrows. */
async function startAll<T>(steps: (undo: (stop: () => Promise<unknown>) => void) => Promise<T>): Promise<T> {
  const undo: Array<() => Promise<unknown>> = [];
  try {
    return await steps((stop) => undo.unshift(stop));
  } catch (error) {
    for (const stop of undo) await stop().catch(() => undefined);
    throw error;
  }
}

export function startTopology(): Promise<Topology> {
  return startAll(async (onFailure) => {
    const dir = mkdtempSync(join(tmpdir(), 'voice-rag-topology-'));
    onFailure(async () => rmSync(dir, { recursive: true, force: true }));
    const redis = await startRedis();
    onFailure(() => redis.dispose());
    const upstream = await ScriptedUpstream.start();
    onFailure(() => upstream.close());
    const [portA, portB, proxyPort] = [await freePort(), await freePort(), await freePort()];
    const origin = `https://localhost:${proxyPort}`;
    const config = join(dir, 'voice-rag.config.yaml');
    writeFileSync(config, configYaml({ origin, redisUrl: redis.url, upstreamUrl: upstream.url, dir }));
    const ports: Record<NodeName, number> = { a: portA, b: portB };
    const launch = async (name: NodeName) => {
      const node = await startGateway({ config, port: ports[name] });
      onFailure(() => node.stop(2000));
      return node;
    };
    const [a, b] = await Promise.all([launch('a'), launch('b')]);
    const nodes: Record<NodeName, GatewayProcess> = { a, b };
    const { cert, key } = makeCertificate(dir);
    const nodeList = [`127.0.0.1:${portA}`, `127.0.0.1:${portB}`] as const;
    const nginx = await startNginx(join(dir, 'nginx'), { port: proxyPort, cert, key, nodes: nodeList });
    onFailure(() => nginx.stop());
    const caddy = CADDY_BINARY ? await startCaddy(join(dir, 'caddy'), await freePort(), nodeList) : undefined;
    const ca = readFileSync(cert, 'utf8');
    const base = origin.replace('https:', 'wss:');

    return {
      dir,
      redis,
      upstream,
      nginx,
      caddy,
      origin,
      ca,
      node: (name) => nodes[name],
      async restart(name) {
        nodes[name] = await launch(name);
        return nodes[name];
      },
      visit(site, { visitor, headers, ...options } = {}) {
        return WidgetClient.connect(proxyPort, {
          site, origin, base, ca, ...options,
          headers: { ...(visitor ? { 'x-test-visitor': visitor } : {}), ...headers },
        });
      },
      get: (path) =>
        new Promise((resolve, reject) => {
          httpsGet(`${origin}${path}`, { ca }, (response) => {
            let body = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => (body += chunk));
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
          }).on('error', reject);
        }),
      viaCaddy(site) {
        if (!caddy) throw new Error('caddy is not installed');
        return WidgetClient.connect(caddy.port, { site, origin, base: `wss://localhost:${caddy.port}`, ca: caddy.ca });
      },
      direct: (name, site) => WidgetClient.connect(ports[name], { site, origin }),
      async nodeOf(sessionId) {
        const logged = (name: NodeName) => nodes[name].logs.some((l) => l.json?.session_id === sessionId && l.json?.msg === 'session ready');
        for (const deadline = Date.now() + 3000; Date.now() < deadline; await sleep(20)) {
          for (const name of ['a', 'b'] as const) if (logged(name)) return name;
        }
        throw new Error(`no node logged session ${sessionId} as ready`);
      },
      async close() {
        await nginx.stop().catch(() => undefined);
        await caddy?.stop().catch(() => undefined);
        await Promise.all([nodes.a.stop(2000), nodes.b.stop(2000)]);
        await upstream.close();
        await redis.dispose();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
}
