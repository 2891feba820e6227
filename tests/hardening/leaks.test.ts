/**
 * 1 000 sessions opened and closed through every fault (clean turns, bad frames, drops, upstream
 * errors, connect timeouts, refused handshakes, refused tokens, searches past their timeout,
 * visitors leaving mid-search and mid-connect) leave nothing behind: active handles by type, sockets on the
 * gateway's server, listeners on long-lived emitters, live sessions, leases and upstream sockets
 * all return to where they were.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../gateway/config/schema.js';
import { CLOSE_CODE } from '../../gateway/protocol.js';
import { SEARCH_UNAVAILABLE } from '../../gateway/retrieval/format.js';
import { createUnlimitedAdmission } from '../../gateway/server/unlimited-admission.js';
import { TEST_ORIGIN, startHarness, type Harness } from '../support/gateway-harness.js';
import { ScriptedUpstream, type ScriptedConnection } from '../support/scripted-upstream.js';
import type { WidgetClient } from '../support/widget-client.js';
import { trapCrashes, type CrashTrap } from './support/crash-trap.js';
import { settledGrowth, snapshot, type SnapshotSources } from './support/leaks.js';
import { eventually, within } from '../support/wait.js';
import { pcmBase64 } from './support/turns.js';

const SESSIONS = Number(process.env.LEAK_SESSIONS ?? 1000);
const CONCURRENCY = 25;

const retrieval = { kind: 'azure-search', endpoint: 'https://search.example.net', index: 'kb', api_key: 'k', timeout_ms: 50 };
const engine = { kind: 'azure-openai', endpoint: 'https://example.openai.azure.com', deployment: 'gpt-realtime', api_key: 'test-key', connect_timeout_ms: 5000 };
const config = configSchema.parse({
  // `hanging` never answers either, but its timeout is long: a visitor who leaves mid-connect
  // leaves first however loaded the machine is.
  engines: { aoai: engine, silent: { ...engine, connect_timeout_ms: 150 }, hanging: engine, refusing: engine },
  sites: {
    docs: { origins: [TEST_ORIGIN], engine: 'aoai', retrieval },
    slow: { origins: [TEST_ORIGIN], engine: 'silent', retrieval },
    waiting: { origins: [TEST_ORIGIN], engine: 'hanging', retrieval },
    refused: { origins: [TEST_ORIGIN], engine: 'refusing', retrieval },
    members: { origins: [TEST_ORIGIN], engine: 'aoai', retrieval, auth: { kind: 'jwt', secret: 'members-secret-0123456789abcdef01234' } },
  },
});

let gw: Harness;
let silent: ScriptedUpstream;
let refusing: ScriptedUpstream;
let trap: CrashTrap;
const admission = createUnlimitedAdmission();
let serial = 0;

beforeAll(async () => {
  trap = trapCrashes();
  silent = await ScriptedUpstream.start();
  silent.silent = true;
  refusing = await ScriptedUpstream.start();
  gw = await startHarness({ config, admission, logLevel: 'info', upstreamUrls: { silent: silent.url, hanging: silent.url, refusing: refusing.url } });
  gw.retriever.hang = true;
});
afterAll(async () => {
  trap.dispose();
  await gw.close();
  await silent.close();
  await refusing.close();
});

/** Finds the upstream connection of a session by a unique text the widget sent. */
async function connectionOf(marker: string): Promise<ScriptedConnection> {
  let found: ScriptedConnection | undefined;
  await eventually(() => {
    found = gw.upstream.connections.find((c) => c.received.some((e) => e.type === 'conversation.item.create' && e.item?.content?.[0]?.text === marker));
    return found !== undefined;
  }, 3000, `connection of ${marker}`);
  return found!;
}

/** A ready session with a known upstream connection (its first turn is requested, not answered). */
async function talking(): Promise<{ widget: WidgetClient; upstream: ScriptedConnection; marker: string }> {
  const widget = await gw.ready();
  const marker = `marker ${++serial}`;
  widget.send({ type: 'text', text: marker });
  const upstream = await connectionOf(marker);
  await upstream.waitFor('conversation.item.create');
  await upstream.waitFor('response.create');
  return { widget, upstream, marker };
}

type Scenario = () => Promise<number>;

const closeCode = async (widget: WidgetClient) => (await within(5000, widget.closed, 'session end')).code;

/** Each scenario returns the close code it saw; EXPECTED says which one it must be. */
const SCENARIOS: Record<string, [Scenario, number]> = {
  'a clean turn': [
    async () => {
      const { widget, upstream, marker } = await talking();
      const id = `resp_${marker.replace(' ', '_')}`;
      upstream.send({ type: 'response.created', event_id: 'e1', response: { id, status: 'in_progress', output: [] } });
      upstream.send({ type: 'response.output_audio.delta', event_id: 'e2', response_id: id, item_id: `item_${id}`, output_index: 0, content_index: 0, delta: pcmBase64(4800) });
      upstream.send({ type: 'response.done', event_id: 'e3', response: { id, status: 'completed', output: [] } });
      await widget.next('response_done');
      widget.close();
      return closeCode(widget);
    },
    1000,
  ],
  'a bad frame': [
    async () => {
      const widget = await gw.ready();
      widget.sendRaw('{');
      return closeCode(widget);
    },
    CLOSE_CODE.bad_message,
  ],
  'an upstream drop': [
    async () => {
      const { widget, upstream } = await talking();
      upstream.drop();
      return closeCode(widget);
    },
    CLOSE_CODE.upstream_error,
  ],
  'an upstream error': [
    async () => {
      const { widget, upstream } = await talking();
      upstream.send({ type: 'error', event_id: 'e', error: { type: 'server_error', code: 'server_error', message: 'boom', event_id: null } });
      return closeCode(widget);
    },
    CLOSE_CODE.upstream_error,
  ],
  'a connect timeout': [async () => closeCode(await gw.connect({ site: 'slow' })), CLOSE_CODE.upstream_unavailable],
  'a refused handshake': [
    async () => {
      refusing.refuseNext({ status: 429, headers: { 'retry-after-ms': '100' }, body: '{}' });
      return closeCode(await gw.connect({ site: 'refused' }));
    },
    CLOSE_CODE.upstream_unavailable,
  ],
  'a refused token': [async () => closeCode(await gw.connect({ site: 'members', token: 'not.a.token' })), CLOSE_CODE.unauthorized],
  'a search past its timeout': [
    async () => {
      const { widget, upstream, marker } = await talking();
      const id = `resp_s_${marker.replace(' ', '_')}`;
      upstream.send({ type: 'response.created', event_id: 'e1', response: { id, status: 'in_progress', output: [] } });
      upstream.send({ type: 'response.function_call_arguments.done', event_id: 'e2', response_id: id, item_id: 'fc', output_index: 0, call_id: `call_${id}`, name: 'search', arguments: '{"query":"vision"}' });
      upstream.send({ type: 'response.done', event_id: 'e3', response: { id, status: 'completed', output: [] } });
      const output = await upstream.waitFor('conversation.item.create', 3000);
      if (output.item?.output !== SEARCH_UNAVAILABLE) throw new Error(`unexpected tool output ${JSON.stringify(output)}`);
      widget.close();
      return closeCode(widget);
    },
    1000,
  ],
  'a visitor leaving during a search': [
    async () => {
      const { widget, upstream, marker } = await talking();
      const id = `resp_l_${marker.replace(' ', '_')}`;
      upstream.send({ type: 'response.created', event_id: 'e1', response: { id, status: 'in_progress', output: [] } });
      upstream.send({ type: 'response.function_call_arguments.done', event_id: 'e2', response_id: id, item_id: 'fc', output_index: 0, call_id: `call_${id}`, name: 'search', arguments: '{"query":"vision"}' });
      await widget.next('searching');
      widget.close();
      return closeCode(widget);
    },
    1000,
  ],
  'a visitor leaving mid-connect': [
    async () => {
      const widget = await gw.connect({ site: 'waiting' });
      widget.close();
      return closeCode(widget);
    },
    1000,
  ],
};

const names = Object.keys(SCENARIOS);

/** Runs `count` sessions, CONCURRENCY at a time, cycling through the scenarios; returns mismatches. */
async function run(count: number): Promise<string[]> {
  const problems: string[] = [];
  for (let start = 0; start < count; start += CONCURRENCY) {
    const batch = Array.from({ length: Math.min(CONCURRENCY, count - start) }, async (_, i) => {
      const name = names[(start + i) % names.length]!;
      const [scenario, expected] = SCENARIOS[name]!;
      try {
        const code = await scenario();
        if (code !== expected) problems.push(`${name}: closed with ${code}, expected ${expected}`);
      } catch (error) {
        problems.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    await Promise.all(batch);
  }
  return problems;
}

function sources(): SnapshotSources {
  const openUpstream = (u: ScriptedUpstream) => u.connections.filter((c) => c.open).length;
  return {
    server: gw.server,
    emitters: { server: gw.server, wss: gw.gateway.wss },
    extra: () => ({
      sessions: gw.gateway.sessions,
      browserSockets: gw.gateway.wss.clients.size,
      leases: admission.leases.active,
      upstreamSockets: openUpstream(gw.upstream) + openUpstream(silent) + openUpstream(refusing),
      openWidgets: gw.widgets.filter((w) => w.open).length,
    }),
  };
}

describe('1 000 sessions through faults', () => {
  it(`leave no socket, timer, listener, session, lease or upstream socket behind (${SESSIONS} sessions)`, async () => {
    // Warm-up: lazy initialisation (module caches, key imports) is not a leak.
    expect(await run(names.length * 2)).toEqual([]);
    await eventually(() => gw.gateway.sessions === 0 && admission.leases.active === 0, 5000, 'warm-up settled');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = await snapshot(sources());
    expect(before.extra).toMatchObject({ sessions: 0, leases: 0, upstreamSockets: 0 });

    const problems = await run(SESSIONS);
    expect(problems).toEqual([]);

    const grown = await settledGrowth(before, sources(), 8000);
    expect(grown).toEqual([]);
    expect(trap.escaped).toEqual([]);
    expect(gw.logs.matching('session failed')).toEqual([]);
    // Everyone was answered by the gateway, none by a crash or a timeout of ours.
    expect(gw.upstream.connections.length + silent.connections.length).toBeGreaterThan(SESSIONS / 2);
  }, 90_000);
});
