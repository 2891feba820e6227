// Issue 20, item 4: the deployment files hold together without a container engine. compose.yaml
// mounts files that exist, its gateway config passes `voice-rag check` with compose's
// environment, and the Caddyfile adapts (when Debian's caddy is installed) to both nodes.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GATEWAY_ENTRY, REPO_ROOT } from '../e2e/support/gateway.js';
import { CADDY_BINARY } from './support/caddy.js';

const run = promisify(execFile);
interface Service {
  environment?: Record<string, string>;
  volumes?: string[];
}
const compose = parse(readFileSync(join(REPO_ROOT, 'compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
/** `${NAME:-default}` as compose would read it with nothing set in the shell. */
const composeValue = (value: string) => value.replace(/\$\{[A-Z_]+(?::-([^}]*))?\}/g, (_, fallback: string | undefined) => fallback ?? '');
const environment = (service: string) => Object.fromEntries(Object.entries(compose.services[service]!.environment ?? {}).map(([k, v]) => [k, composeValue(String(v))]));
const mounted = (service: string, target: string) => {
  const volume = compose.services[service]!.volumes!.find((v) => v.split(':')[1] === target);
  if (!volume) throw new Error(`compose.yaml: ${service} mounts nothing at ${target}`);
  return join(REPO_ROOT, volume.split(':')[0]!);
};

describe('deployment files', () => {
  it('compose.yaml runs Redis, two gateway nodes and a proxy, mounting files that exist', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['gateway-a', 'gateway-b', 'proxy', 'redis']);
    for (const service of ['gateway-a', 'gateway-b', 'proxy']) {
      for (const volume of compose.services[service]!.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('.')) expect(existsSync(join(REPO_ROOT, source)), `${service}: ${source}`).toBe(true);
      }
    }
  });

  it.skipIf(!existsSync(join(REPO_ROOT, GATEWAY_ENTRY)))("the gateways' mounted config passes voice-rag check with compose's environment", async () => {
    const config = mounted('gateway-a', '/config/voice-rag.config.yaml');
    const checked = await run(process.execPath, [GATEWAY_ENTRY, 'check', '--config', config], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, ...environment('gateway-a') },
    });
    expect(checked.stdout).toMatch(/valid \(0 warnings\)/);
  });

  it.skipIf(!CADDY_BINARY)('the Caddyfile adapts to one route over both gateway nodes, health-checked on /readyz', async () => {
    const caddyfile = mounted('proxy', '/etc/caddy/Caddyfile');
    const adapted = await run(CADDY_BINARY!, ['adapt', '--config', caddyfile, '--adapter', 'caddyfile'], { env: { ...process.env, ...environment('proxy') } });
    const json = JSON.parse(adapted.stdout) as { apps: { http: { servers: Record<string, { routes: unknown[] }> } } };
    const text = JSON.stringify(json.apps.http.servers);
    expect(text).toContain('"host":["localhost"]');
    expect(text).toContain('"upstreams":[{"dial":"gateway-a:8787"},{"dial":"gateway-b:8787"}]');
    expect(text).toContain('"uri":"/readyz"');
    // /metrics answers 404 before the proxy route is reached.
    const metrics = text.indexOf('{"handle":[{"handler":"static_response","status_code":404}],"match":[{"path":["/metrics"]}]}');
    expect(metrics).toBeGreaterThan(-1);
    expect(metrics).toBeLessThan(text.indexOf('"handler":"reverse_proxy"'));
  });
});
