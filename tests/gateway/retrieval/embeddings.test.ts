import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineSchema } from '../../../gateway/config/schema.js';
import { EmbeddingsError } from '../../../gateway/retrieval/embeddings/client.js';
import { embedderFromConfig, openaiEmbeddingsUrl } from '../../../gateway/retrieval/embeddings/from-config.js';
import { startFakeEmbeddings, type FakeEmbeddings } from './fake-embeddings.js';

const embeddings = { engine: 'e', deployment: 'text-embedding-3-small', batch_size: 64, timeout_ms: 1000 };

describe('embeddings client from an engine', () => {
  let fake: FakeEmbeddings;
  beforeAll(async () => (fake = await startFakeEmbeddings((text) => (text === 'unknown' ? undefined : [text.length, 1]))));
  afterAll(() => fake.close());

  it('derives the OpenAI embeddings URL from the realtime base_url', () => {
    expect(openaiEmbeddingsUrl('wss://api.openai.com/v1/realtime')).toBe('https://api.openai.com/v1/embeddings');
    expect(openaiEmbeddingsUrl('ws://127.0.0.1:9/v1/realtime?x=1')).toBe('http://127.0.0.1:9/v1/embeddings');
  });

  it('calls OpenAI with a bearer key and returns Float32Array vectors in input order', async () => {
    const engines = { e: engineSchema.parse({ kind: 'openai', api_key: 'sk-test', base_url: `${fake.url.replace('http', 'ws')}/v1/realtime` }) };
    const vectors = await embedderFromConfig(embeddings, engines).embed(['ab', 'abcd']);
    expect(vectors).toEqual([Float32Array.of(2, 1), Float32Array.of(4, 1)]);
    expect(fake.requests.at(-1)).toMatchObject({ path: '/v1/embeddings', headers: { authorization: 'Bearer sk-test' }, body: { model: 'text-embedding-3-small', input: ['ab', 'abcd'] } });
  });

  it('calls Azure OpenAI with an Entra ID token when the engine has no key', async () => {
    const engines = { e: engineSchema.parse({ kind: 'azure-openai', endpoint: fake.url, deployment: 'rt' }) };
    const scopes: string[] = [];
    const credential = { getToken: async (scope: string | string[]) => (scopes.push(String(scope)), { token: 'entra-token', expiresOnTimestamp: Date.now() + 60_000 }) };
    await embedderFromConfig(embeddings, engines, { credential }).embed(['x']);
    expect(fake.requests.at(-1)).toMatchObject({ path: '/openai/v1/embeddings', headers: { authorization: 'Bearer entra-token' } });
    expect(scopes).toEqual(['https://cognitiveservices.azure.com/.default']);
  });

  it('reports the service status of a refused request, so the batch loop can decide to retry', async () => {
    const engines = { e: engineSchema.parse({ kind: 'azure-openai', endpoint: fake.url, deployment: 'rt', api_key: 'k' }) };
    const error = await embedderFromConfig(embeddings, engines).embed(['unknown']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmbeddingsError);
    expect(error).toMatchObject({ status: 400, message: expect.stringMatching(/no vector in the table/) });
  });
});
