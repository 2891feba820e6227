import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runDoctor, sessionDifferences } from '../../gateway/cli/doctor.js';
import { main } from '../../gateway/cli/main.js';
import { createWsSocketFactory } from '../../gateway/node/ws-upstream.js';
import { startFakeSearch, type FakeSearchService } from '../gateway/retrieval/fake-azure-search.js';
import { testConfig } from '../support/gateway-harness.js';
import { loadTranscript, ScriptedUpstream, type ScriptDialect, type ScriptedUpstreamOptions } from '../support/scripted-upstream.js';

let upstream: ScriptedUpstream | undefined;
let search: FakeSearchService | undefined;
afterEach(async () => {
  await upstream?.close();
  await search?.close();
  upstream = search = undefined;
});

const DOCS = [{ id: 'p1', content: 'Eye exams are covered.', title: 'Vision' }];

/** Answers the doctor's text turn with the first response of the GA text-turn transcript. */
async function answerTextTurn(service: ScriptedUpstream, dialect: ScriptDialect): Promise<void> {
  const connection = await service.nextConnection();
  const lines = loadTranscript(`text-turn-${dialect}`);
  await connection.play(lines.slice(0, lines.findIndex((l) => l.event.type === 'response.done') + 1));
}

async function doctor(site: Record<string, unknown>, scripted: ScriptedUpstreamOptions = {}, docs: Array<Record<string, unknown>> = DOCS, engine: Record<string, unknown> = {}) {
  const dialect = scripted.dialect ?? 'ga';
  upstream = await ScriptedUpstream.start({ dialect, ...scripted });
  search = await startFakeSearch('kb', docs);
  // The index definition the service answers: one field per key the documents carry.
  search.definition = { name: 'kb', fields: [...new Set(docs.flatMap((doc) => Object.keys(doc)))].map((name) => ({ name, type: 'Edm.String', key: name === 'id' })) };
  const config = testConfig({ dialect, engine, site: { retrieval: { kind: 'azure-search', endpoint: search.endpoint, index: 'kb', api_key: 'k' }, ...site } });
  const lines: string[] = [];
  const code = runDoctor({ config, print: (line) => lines.push(line.trimEnd()), socketFactory: createWsSocketFactory(), upstreamUrls: { aoai: upstream.url }, answerTimeoutMs: 5000 });
  await answerTextTurn(upstream, dialect);
  return { code: await code, lines };
}

describe('voice-rag doctor', () => {
  it('passes a good deployment: dialect, kept session.update, a priced text turn, the index and its fields', async () => {
    const { code, lines } = await doctor({ speed: 1.1, noise_reduction: 'near_field' });
    expect(lines[0]).toMatch(/^voice-rag doctor: opens one connection to each of 1 engine\(s\)/);
    expect(lines.slice(1)).toEqual([
      'ok   engine aoai: gpt-realtime answers in the ga dialect, the key is accepted (model gpt-realtime-2025-08-28)',
      'ok   engine aoai: session.update accepted as sent',
      expect.stringMatching(/^ok {3}engine aoai: a text turn was answered: \d+ tokens in, \d+ out, \$0\.\d{6} \(list price of gpt-realtime-2025-08-28\)$/),
      expect.stringMatching(/^info engine aoai: quota left: /),
      'ok   site docs: search index kb exists with the mapped fields id, content, title',
    ]);
    expect(code).toBe(0);
    expect(upstream!.connections).toHaveLength(1);
  });

  it('names a refused session field and a missing index field, and exits 1', async () => {
    const { code, lines } = await doctor({ speed: 1.1 }, { refuseSessionFields: ['audio.output.speed'] }, [{ id: 'p1', content: 'Eye exams.' }]);
    expect(lines).toContain(
      "FAIL engine aoai: session.update refused: session.audio.output.speed: Unknown parameter: 'session.audio.output.speed'.: remove that setting from the site or use a dialect that has it",
    );
    expect(lines).toContain('FAIL site docs: search index kb lacks "title" (retrieval.fields.title): fix retrieval.fields or the index');
    expect(code).toBe(1);
  });

  it('checks an Azure Voice Live engine the same way, and names a Voice Live extra the service refused', async () => {
    const extras = { voice_live: { input_audio_echo_cancellation: 'server_echo_cancellation', turn_detection: { type: 'azure_semantic_vad', remove_filler_words: true } } };
    const pricing = { text_in: 5, cached_text_in: 0.5, text_out: 20, audio_in: 40, cached_audio_in: 2.5, audio_out: 80 };
    const good = await doctor(extras, { dialect: 'voice-live' }, DOCS, { pricing });
    expect(good.lines.slice(1, 3)).toEqual([
      'ok   engine aoai: gpt-realtime answers in the voice-live dialect, the key is accepted (model gpt-realtime)',
      'ok   engine aoai: session.update accepted as sent',
    ]);
    expect(good.lines[3]).toMatch(/^ok {3}engine aoai: a text turn was answered: \d+ tokens in, \d+ out, \$0\.\d{6} /);
    expect(good.code).toBe(0);
    await upstream!.close();
    await search!.close();
    const refused = await doctor(extras, { dialect: 'voice-live', refuseSessionFields: ['input_audio_echo_cancellation'] });
    expect(refused.lines).toContain(
      "FAIL engine aoai: session.update refused: session.input_audio_echo_cancellation: Unknown parameter: 'session.input_audio_echo_cancellation'.: remove that setting from the site or use a dialect that has it",
    );
    expect(refused.code).toBe(1);
  });

  it('names a field the service silently dropped from session.updated', async () => {
    const { code, lines } = await doctor({ noise_reduction: 'far_field' }, { dropSessionFields: ['audio.input.noise_reduction'] });
    expect(lines).toContain('FAIL engine aoai: session.update not kept as sent: audio.input.noise_reduction (dropped): the service ignores these settings');
    expect(code).toBe(1);
  });

  it('compares nested settings field by field', () => {
    expect(sessionDifferences({ a: { b: 1, c: [1, 2] }, d: 'x' }, { a: { b: 2, c: [1] }, d: 'x', e: 5 })).toEqual([
      'a.b (sent 1, kept 2)',
      'a.c[1] (dropped)',
    ]);
  });

  it('runs from the command line against the endpoint in the config file, and names an unknown index', async () => {
    upstream = await ScriptedUpstream.start({ dialect: 'ga' });
    search = await startFakeSearch('other', DOCS);
    const dir = mkdtempSync(join(tmpdir(), 'doctor-'));
    const file = join(dir, 'voice-rag.config.yaml');
    writeFileSync(file, [
      'engines:',
      `  aoai: { kind: azure-openai, endpoint: "${upstream.url.replace('ws:', 'http:').replace(/\/$/, '')}", deployment: gpt-realtime, api_key: k }`,
      'sites:',
      '  docs:',
      '    origins: ["https://docs.example.com"]',
      '    engine: aoai',
      '    limits: { daily_budget_usd: 1 }',
      `    retrieval: { kind: azure-search, endpoint: "${search.endpoint}", index: kb, api_key: k }`,
    ].join('\n'));
    const out: string[] = [];
    const running = main(['doctor', '--config', file], { stdout: (t) => out.push(t), stderr: (t) => out.push(t), env: {} });
    await answerTextTurn(upstream, 'ga');
    expect(await running).toBe(1);
    expect(upstream.handshakes[0]!.url).toBe('/openai/v1/realtime?model=gpt-realtime');
    expect(out.join('')).toContain('ok   engine aoai: session.update accepted as sent');
    expect(out.join('')).toContain('FAIL site docs: search index kb: HTTP 404: check retrieval.index');
  });
});
