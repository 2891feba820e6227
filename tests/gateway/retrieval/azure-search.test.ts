import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAzureSearchRetriever } from '../../../gateway/retrieval/azure-search.js';
import { MAX_QUERY_CHARS } from '../../../gateway/retrieval/ids.js';
import { azureSearchSchema } from '../../../gateway/config/schema.js';
import type { AzureSearchConfig } from '../../../gateway/config/schema.js';
import corpus from '../../fixtures/retrieval/corpus.json' with { type: 'json' };
import { startFakeSearch } from './fake-azure-search.js';
import type { FakeSearchService } from './fake-azure-search.js';
import { retrieverCases } from './retriever.cases.js';

const noRetry = { retryOptions: { maxRetries: 0 } };

function configFor(service: FakeSearchService, extra: Record<string, unknown> = {}): AzureSearchConfig {
  return azureSearchSchema.parse({
    kind: 'azure-search',
    endpoint: service.endpoint,
    index: 'kb',
    api_key: 'test-key',
    fields: { id: 'id', content: 'content', title: 'title', url: 'url' },
    ...extra,
  });
}

retrieverCases('azure-search', async () => {
  const service = await startFakeSearch('kb', corpus);
  const retriever = await createAzureSearchRetriever(configFor(service), { clientOptions: noRetry });
  return { retriever, close: () => service.close() };
});

describe('azure-search retriever', () => {
  let service: FakeSearchService;
  const docs = corpus.map((doc) => ({
    chunk_id: doc.id,
    chunk: doc.content,
    doc_title: doc.title,
    page: doc.url,
    secret_notes: 'internal only',
  }));
  const mapped = { id: 'chunk_id', content: 'chunk', title: 'doc_title', url: 'page' };

  beforeAll(async () => {
    service = await startFakeSearch('docs-index', docs, 'chunk_id');
  });
  afterAll(async () => {
    await service.close();
  });

  const make = (extra: Record<string, unknown> = {}) =>
    createAzureSearchRetriever(configFor(service, { index: 'docs-index', fields: mapped, ...extra }), { clientOptions: noRetry });
  const lastBody = () => service.requests.at(-1)!.body;

  it('sends a simple keyword query with only the mapped fields, top and the api-key header', async () => {
    const retriever = await make({ top: 3 });
    await retriever.search('return policy');
    const request = service.requests.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.path).toMatch(/^\/indexes\('docs-index'\)\/docs\/search\.post\.search\?api-version=/);
    expect(request.headers['api-key']).toBe('test-key');
    expect(request.body).toEqual({ queryType: 'simple', search: 'return policy', select: 'chunk_id,chunk,doc_title,page', top: 3 });
  });

  it('sends at most MAX_QUERY_CHARS of a query', async () => {
    const retriever = await make();
    await retriever.search(`shipping ${'x'.repeat(5000)}`);
    expect(String(lastBody().search)).toHaveLength(MAX_QUERY_CHARS);
  });

  it('sends a semantic query with the configured semantic configuration', async () => {
    const retriever = await make({ semantic_configuration: 'default' });
    await retriever.search('how long is the warranty', { top: 4 });
    expect(lastBody()).toMatchObject({ queryType: 'semantic', semanticConfiguration: 'default', search: 'how long is the warranty', top: 4 });
    expect(lastBody().vectorQueries).toBeUndefined();
  });

  it('sends a hybrid query with a text vector query on the vector field', async () => {
    const retriever = await make({ semantic_configuration: 'default', vector_field: 'text_vector' });
    await retriever.search('opening hours');
    expect(lastBody()).toMatchObject({
      queryType: 'semantic',
      search: 'opening hours',
      vectorQueries: [{ kind: 'text', text: 'opening hours', fields: 'text_vector', k: 50 }],
    });
  });

  it('adds the site filter to searches', async () => {
    const retriever = await make({ filter: "lang eq 'en'" });
    // The fake refuses filters it does not know, so only the request body is checked here.
    await retriever.search('shipping').catch(() => undefined);
    expect(lastBody().filter).toBe("lang eq 'en'");
  });

  it('maps the index fields to passages and leaves other fields out', async () => {
    const retriever = await make();
    const [first] = await retriever.search('express shipping');
    expect(first).toEqual({
      id: 'shipping-0',
      title: 'Shipping and delivery',
      url: 'https://shop.example.com/help/shipping',
      content: expect.stringContaining('Express shipping'),
      score: expect.any(Number),
    });
  });

  it('resolves ids with one search.in filter and never puts an invalid id into it', async () => {
    const retriever = await make();
    const before = service.requests.length;
    const resolved = await retriever.resolve(['warranty-0', "x') or true or ('", 'hours-0', 'warranty-0']);
    expect(resolved.map((p) => p.id)).toEqual(['warranty-0', 'hours-0']);
    expect(service.requests.length).toBe(before + 1);
    expect(lastBody()).toMatchObject({ search: '*', filter: "search.in(chunk_id, 'warranty-0,hours-0', ',')", top: 2 });
    expect(JSON.stringify(lastBody())).not.toContain('or true');
  });

  it('sends no request when every id is invalid', async () => {
    const retriever = await make();
    const before = service.requests.length;
    expect(await retriever.resolve(["' or 1 eq 1 or '", 'a,b'])).toEqual([]);
    expect(service.requests.length).toBe(before);
  });

  it('combines the site filter with the id lookup', async () => {
    const retriever = await make({ filter: "lang eq 'en'" });
    await retriever.resolve(['hours-0']);
    expect(lastBody().filter).toBe("(lang eq 'en') and search.in(chunk_id, 'hours-0', ',')");
  });

  it('rejects within timeout_ms when the service is slow', async () => {
    const retriever = await make({ timeout_ms: 150 });
    service.delayMs = 2000;
    try {
      const started = Date.now();
      await expect(retriever.search('shipping')).rejects.toThrow(/timed out/);
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      service.delayMs = 0;
    }
  });

  it("rejects promptly when the caller's signal aborts mid-request", async () => {
    const retriever = await make({ timeout_ms: 5000 });
    service.delayMs = 2000;
    try {
      const controller = new AbortController();
      const started = Date.now();
      const pending = retriever.search('shipping', { signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      await expect(pending).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      service.delayMs = 0;
    }
  });

  it('rejects when the service answers 503', async () => {
    const retriever = await make();
    service.failStatus = 503;
    try {
      await expect(retriever.search('shipping')).rejects.toMatchObject({ statusCode: 503 });
    } finally {
      service.failStatus = undefined;
    }
  });

  it('retries a 503 once by default, then gives up', async () => {
    const retriever = await createAzureSearchRetriever(configFor(service, { index: 'docs-index', fields: mapped }));
    service.failStatus = 503;
    const before = service.requests.length;
    try {
      await expect(retriever.search('shipping')).rejects.toMatchObject({ statusCode: 503 });
      expect(service.requests.length - before).toBe(2);
    } finally {
      service.failStatus = undefined;
    }
  });

  it('refuses a token credential over plain http (the client only sends bearer tokens over TLS)', async () => {
    const credential = { getToken: async () => ({ token: 'entra-token', expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const config = { ...configFor(service, { index: 'docs-index', fields: mapped }), api_key: undefined };
    const retriever = await createAzureSearchRetriever(config, { credential, clientOptions: noRetry });
    await expect(retriever.search('shipping')).rejects.toThrow(/non-TLS/);
  });
});

describe('azure-search retriever with Microsoft Entra ID', () => {
  let dir: string;
  let tlsService: FakeSearchService | undefined;
  let cert = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'voice-rag-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
        '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
    } catch {
      return;
    }
    cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    tlsService = await startFakeSearch('kb', corpus, 'id', { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert });
  });
  afterAll(async () => {
    await tlsService?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the injected credential\'s bearer token for the search scope and no api-key', async (context) => {
    // Reason for the skip: the self-signed certificate needs the openssl binary.
    if (!tlsService) return context.skip();
    const scopes: string[] = [];
    const credential = {
      getToken: async (scope: string | string[]) => {
        scopes.push(...[scope].flat());
        return { token: 'entra-token', expiresOnTimestamp: Date.now() + 3_600_000 };
      },
    };
    const config = { ...configFor(tlsService), api_key: undefined };
    const retriever = await createAzureSearchRetriever(config, { credential, clientOptions: { ...noRetry, tlsOptions: { ca: cert } } });
    const passages = await retriever.search('warranty');
    expect(passages[0].id).toBe('warranty-0');
    const request = tlsService.requests.at(-1)!;
    expect(request.headers.authorization).toBe('Bearer entra-token');
    expect(request.headers['api-key']).toBeUndefined();
    expect(scopes).toEqual(['https://search.azure.com/.default']);
  });
});
