/**
 * Infrastructure faults: Redis dies and returns under the limits, and the configuration file
 * is replaced by an invalid one while the gateway runs. Visitors get documented codes within a
 * bounded time, sessions in flight go on, and service comes back by itself.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../gateway/clock.js';
import { createConfigHolder } from '../../gateway/config/holder.js';
import { loadConfig } from '../../gateway/node/config-file.js';
import { createAdmission } from '../../gateway/limits/admission.js';
import { createStore } from '../../gateway/limits/stores/create.js';
import type { Store } from '../../gateway/limits/stores/store.js';
import { watchConfig } from '../../gateway/node/config-watcher.js';
import { CLOSE_CODE } from '../../gateway/protocol.js';
import { TEST_ORIGIN, testConfig, startHarness, type Harness } from '../support/gateway-harness.js';
import { redisSkipReason, startRedis, type TestRedis } from '../support/redis.js';
import type { ScriptedConnection } from '../support/scripted-upstream.js';
import { upgradeStatus, type WidgetClient } from '../support/widget-client.js';
import { typedTurn } from './support/turns.js';
import { eventually, within } from '../support/wait.js';

let gw: Harness | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

/** A whole typed turn goes through: the session is alive end to end. */
const stillTalking = (widget: WidgetClient, upstream: ScriptedConnection, text: string) => typedTurn(widget, upstream, text);

describe.skipIf(redisSkipReason !== undefined)(`Redis dies and returns${redisSkipReason ? ` (skipped: ${redisSkipReason})` : ''}`, () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.dispose();
  });

  for (const onFailure of ['closed', 'open'] as const) {
    it(`with on_failure: ${onFailure}, keeps sessions in flight, ${onFailure === 'closed' ? 'refuses new ones with upstream_unavailable' : 'admits new ones on local limits'} during the outage, and recovers by itself`, async () => {
      await redis.start();
      const config = testConfig({ site: { limits: { max_concurrent: 50, queue_seconds: 1 } } });
      const logger = { info: () => {}, warn: () => {} };
      const store: Store = await createStore({ kind: 'redis', url: redis.url, on_failure: onFailure, key_prefix: `hardening-${onFailure}-${Date.now()}:` }, { logger, clock: systemClock });
      const admission = createAdmission({ config: () => config, store, clock: systemClock, logger });
      gw = await startHarness({ config, admission });
      const inFlight = await gw.ready();
      const inFlightUpstream = await gw.upstream.nextConnection();

      await redis.stop();
      const started = Date.now();
      const during = await gw.connect();
      if (onFailure === 'closed') {
        const closed = await within(5000, during.closed, 'refusal during the outage');
        expect(closed.code).toBe(CLOSE_CODE.upstream_unavailable);
        expect(during.all('error')[0]).toMatchObject({ code: 'upstream_unavailable', fatal: true });
        expect(during.all('error')[0]!.retry_after_ms).toBeGreaterThan(0);
      } else {
        await within(5000, during.next('ready', 5000), 'ready on local limits');
        await gw.upstream.nextConnection();
      }
      expect(Date.now() - started).toBeLessThan(5000);
      // The session that was already talking does not notice.
      await stillTalking(inFlight, inFlightUpstream, 'still there during the outage?');

      await redis.start();
      // Visitors retry; within a few seconds they are admitted on the shared store again.
      let recovered = false;
      const deadline = Date.now() + 10_000;
      while (!(recovered && store.healthy()) && Date.now() < deadline) {
        const attempt = await gw.connect();
        const outcome = await Promise.race([attempt.next('ready', 5000).then(() => 'ready'), attempt.closed.then(() => 'closed')]);
        recovered = outcome === 'ready';
        if (recovered) attempt.close();
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(recovered).toBe(true);
      expect(store.healthy()).toBe(true);
      await stillTalking(inFlight, inFlightUpstream, 'and after it?');
      for (const widget of gw.widgets) if (widget.open) widget.close();
      await gw.close();
      gw = undefined;
      await admission.close?.();
      await store.close();
    }, 40_000);
  }
});

const configYaml = (origins: string[], extra = '') => `
server:
  drain_seconds: 0
engines:
  aoai:
    kind: azure-openai
    endpoint: https://example.openai.azure.com
    deployment: gpt-realtime
    api_key: test-key
sites:
  docs:
    origins: [${origins.join(', ')}]
    engine: aoai
    retrieval: { kind: azure-search, endpoint: https://search.example.net, index: kb, api_key: k }
${extra}`;

describe('the configuration file is replaced while the gateway runs', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'voice-rag-hardening-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the last good configuration through invalid edits, logs each, and applies the next valid one', async () => {
    const path = join(dir, 'voice-rag.config.yaml');
    writeFileSync(path, configYaml([TEST_ORIGIN]));
    const holder = createConfigHolder(await loadConfig(path, {}));
    gw = await startHarness({ getConfig: () => holder.current().config });
    const watcher = watchConfig(path, holder, gw.logger, { env: {}, debounceMs: 30 });
    try {
      const inFlight = await gw.ready();
      const inFlightUpstream = await gw.upstream.nextConnection();
      const invalid = [
        ['a YAML syntax error', 'sites: [unclosed\n  docs: {'],
        ['an unknown engine', configYaml([TEST_ORIGIN]).replace('engine: aoai', 'engine: nope')],
        ['a wrong type', configYaml([TEST_ORIGIN]).replace('drain_seconds: 0', 'drain_seconds: soon')],
        ['an empty file', ''],
      ] as const;
      for (const [index, [, text]] of invalid.entries()) {
        const before = gw.logs.matching('config not reloaded').length + gw.logs.matching('config reload failed').length;
        // Editors save in place or write a new file and rename it over the old one: do both.
        if (index % 2 === 0) writeFileSync(path, text);
        else {
          writeFileSync(`${path}.tmp`, text);
          renameSync(`${path}.tmp`, path);
        }
        await eventually(() => gw!.logs.matching('config not reloaded').length + gw!.logs.matching('config reload failed').length > before, 5000, 'refusal logged');
        // New sessions still start on the last good configuration.
        const widget = await gw.ready();
        widget.close();
        await widget.closed;
      }
      expect(holder.current().config.sites.docs!.origins).toEqual([TEST_ORIGIN]);
      await stillTalking(inFlight, inFlightUpstream, 'through the bad edits?');

      writeFileSync(path, configYaml([TEST_ORIGIN, 'https://new.example.com']));
      await eventually(async () => (await upgradeStatus(gw!.port, { origin: 'https://new.example.com' })) === 101, 5000, 'new origin admitted');
      await stillTalking(inFlight, inFlightUpstream, 'after the good edit?');
      expect(inFlight.all('error')).toEqual([]);
    } finally {
      watcher.close();
    }
  });
});
