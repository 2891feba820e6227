import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { betaDialect, gaDialect, type Dialect } from '../../gateway/realtime/dialect.js';
import { voiceLiveDialect } from '../../gateway/realtime/voice-live-dialect.js';
import { testConfig } from '../support/gateway-harness.js';
import { loadTranscript, ScriptedUpstream, serverEvents } from '../support/scripted-upstream.js';
import { WebSocket } from 'ws';
import { ALLOWANCES, type Allowance } from './allowances.js';
import { generateSchemas, SCHEMA_FILE } from './generate.js';
import { generateVoiceLiveSchemas, VOICE_LIVE_SCHEMA_FILE } from './generate-voice-live.js';
import { eventChecker, type Dialect as DialectName, type Direction } from './validator.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/realtime/', import.meta.url));
const dialectOf = (file: string): DialectName => (file.endsWith('-beta') ? 'beta' : file.endsWith('-voice-live') ? 'voice-live' : 'ga');
const DIALECTS = { ga: gaDialect, beta: betaDialect, 'voice-live': voiceLiveDialect } as const;

/** Every Realtime event of every transcript fixture, with its dialect and direction. */
const fixtureEvents = readdirSync(FIXTURES)
  .filter((file) => file.endsWith('.jsonl'))
  .map((file) => file.replace(/\.jsonl$/, ''))
  .flatMap((name) =>
    loadTranscript(name)
      .filter((line) => !String(line.event.type).startsWith('transport.'))
      .map((line) => ({
        name,
        dialect: dialectOf(name),
        direction: (line.dir === 'client->server' ? 'client' : 'server') as Direction,
        event: line.event,
      })),
  );

// The errors transcripts show the service refusing a malformed event: those two client events are
// wrong on purpose, and the check must say what is wrong with each.
const DELIBERATELY_WRONG = {
  'errors-beta client session.update': '/session must NOT have additional properties (disable_audio)',
  'errors-ga client session.update': "/session must have required property 'type'",
  'errors-voice-live client session.update': '/session must NOT have additional properties (disable_audio)',
};

/** Site variations the builders must turn into conforming events. */
function sampleSites() {
  const base = testConfig().sites.docs!;
  return [
    base,
    { ...base, transcription: undefined },
    { ...base, language: 'de', voice: 'marin', max_output_tokens: 300 },
    { ...base, turn_detection: { type: 'manual' as const } },
    { ...base, turn_detection: { type: 'semantic_vad' as const, eagerness: 'low' as const } },
  ];
}

/** The `session.updated` the scripted upstream echoes for each built session, on the transcripts' own session. */
function echoedSessions(name: DialectName) {
  const created = serverEvents(loadTranscript(`session-start-${name}`), 'session.created')[0]!;
  return sampleSites().map((site) => {
    const update = DIALECTS[name].buildSessionUpdate(site, testConfig().engines.aoai!) as { session: Record<string, unknown> };
    return { type: 'session.updated', event_id: 'event_1', session: { ...created.session, ...update.session } };
  });
}

function builtEvents(dialect: Dialect) {
  const engine = testConfig().engines.aoai!;
  return [
    ...sampleSites().map((site) => dialect.buildSessionUpdate(site, engine)),
    dialect.buildCancel('resp_1'),
    dialect.buildCancel(undefined),
  ];
}

describe('conformance to the official Realtime types (openai, @azure/ai-voicelive)', () => {
  it('reads schemas generated from the installed openai types (regenerate with tests/conformance/generate.ts)', () => {
    const committed = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
    expect(JSON.parse(JSON.stringify(generateSchemas()))).toEqual(committed);
  }, 120_000);

  it('reads Voice Live schemas generated from the installed @azure/ai-voicelive types, in the wire spelling', () => {
    const committed = JSON.parse(readFileSync(VOICE_LIVE_SCHEMA_FILE, 'utf8'));
    expect(JSON.parse(JSON.stringify(generateVoiceLiveSchemas()))).toEqual(committed);
    const truncate = committed.VoiceLiveClientEvent.definitions.ClientEventConversationItemTruncate;
    expect(Object.keys(truncate.properties).sort()).toEqual(['audio_end_ms', 'content_index', 'event_id', 'item_id', 'type']);
  }, 120_000);

  it('finds every transcript event conforming, except the two malformed ones the error transcripts send on purpose', () => {
    const failures = Object.fromEntries(fixtureEvents.flatMap(({ name, dialect, direction, event }) => {
      const violation = eventChecker(dialect, direction).check(event);
      return violation ? [[`${name} ${direction} ${violation.type}`, violation.problems] as const] : [];
    }));
    expect(fixtureEvents.length).toBeGreaterThan(250);
    expect(Object.keys(failures).sort()).toEqual(Object.keys(DELIBERATELY_WRONG));
    for (const [key, problem] of Object.entries(DELIBERATELY_WRONG)) expect(failures[key]).toContain(problem);
  });

  it.each(Object.entries(DIALECTS))('builds %s client events that conform, for every kind of site, and echoes of them', (name, dialect) => {
    const checker = eventChecker(name as DialectName, 'client');
    for (const event of builtEvents(dialect)) expect(checker.check({ event_id: 'evt_1', ...event })).toBeUndefined();
    for (const echo of echoedSessions(name as DialectName)) expect(eventChecker(name as DialectName, 'server').check(echo)).toBeUndefined();
  });

  it('fails an unknown field, a missing required field, a wrong type and an unknown event type', () => {
    const checker = eventChecker('ga', 'client');
    const update = gaDialect.buildSessionUpdate(testConfig().sites.docs!, testConfig().engines.aoai!) as Record<string, any>;
    const unknownField = structuredClone(update);
    unknownField.session.audio.output.volume = 0.5;
    expect(checker.check(unknownField)?.problems).toContain('/session/audio/output must NOT have additional properties (volume)');
    const missing = structuredClone(update);
    delete missing.session.type;
    expect(checker.check(missing)?.problems).toContain("/session must have required property 'type'");
    expect(checker.check({ type: 'conversation.item.truncate', item_id: 'i', content_index: 0, audio_end_ms: '12' })?.problems).toContain(
      '/audio_end_ms must be number',
    );
    expect(checker.check({ type: 'response.audio.delta' })?.problems).toEqual(['"response.audio.delta" is not a ga client event of the official types']);
    // The beta session has no `type`; the GA session has no `modalities`.
    expect(eventChecker('beta', 'client').check({ type: 'session.update', session: { type: 'realtime' } })).toBeDefined();
  });

  it('makes the scripted upstream fail a test whose gateway sends a field the types lack', async () => {
    const upstream = await ScriptedUpstream.start({ dialect: 'ga' });
    const socket = new WebSocket(upstream.url);
    const connection = await upstream.nextConnection();
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'response.cancel', response_id: 'resp_1', reason: 'visitor left' }));
    await connection.waitFor('response.cancel');
    socket.close();
    await expect(upstream.close()).rejects.toThrow('client response.cancel: / must NOT have additional properties (reason)');
  });

  it.each(ALLOWANCES.map((allowance) => [`${allowance.dialect} ${allowance.direction} ${allowance.definition}.${allowance.property}`, allowance] as const))(
    'needs the documented difference %s for some recorded or built event',
    (_, allowance: Allowance) => {
      const dialects = allowance.dialect === 'both' ? (['ga', 'beta'] as const) : [allowance.dialect];
      const used = dialects.some((dialect) => {
        const events = allowance.direction === 'server'
          ? [...fixtureEvents.filter((e) => e.dialect === dialect && e.direction === 'server').map((e) => e.event), ...echoedSessions(dialect)]
          : builtEvents(DIALECTS[dialect]).map((event) => ({ event_id: 'evt_1', ...event }));
        const strict = eventChecker(dialect, allowance.direction, allowance);
        return events.some((event) => strict.check(event) !== undefined && eventChecker(dialect, allowance.direction).check(event) === undefined);
      });
      expect(used).toBe(true);
    },
  );
});

describe('Azure dialect', () => {
  it('builds the preview shape for a *-preview api_version and the GA shape for v1, each refused by the other dialect', async () => {
    const { buildUpstreamTarget } = await import('../../gateway/realtime/upstream-url.js');
    const { dialectFor } = await import('../../gateway/realtime/dialect.js');
    for (const [apiVersion, own, other] of [['2024-10-01-preview', 'beta', 'ga'], ['v1', 'ga', 'beta']] as const) {
      const config = testConfig({ dialect: own, engine: { api_version: apiVersion } });
      const target = buildUpstreamTarget(config.engines.aoai!);
      const update = { event_id: 'evt_1', ...dialectFor(target.dialect).buildSessionUpdate(config.sites.docs!, config.engines.aoai!) };
      expect(target.dialect).toBe(own);
      expect(eventChecker(own, 'client').check(update)).toBeUndefined();
      expect(eventChecker(other, 'client').check(update)).toBeDefined();
    }
  });
});
