/**
 * A local stand-in for the Azure AI Search REST API, speaking just the calls the real clients
 * make: `SearchClient.search` (`POST /indexes('NAME')/docs/search.post.search`, with `top` and
 * `skip`), `SearchClient` document batches (`POST …/docs/search.index`: upload, mergeOrUpload,
 * delete) and `SearchIndexClient` get and create-or-update (`GET`/`PUT /indexes('NAME')`). It
 * records every request and can be told to be slow or to fail.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, RequestListener, Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export type FakeDoc = Record<string, unknown>;

/** One request the fake received. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** A running fake search service. */
export interface FakeSearchService {
  endpoint: string;
  requests: RecordedRequest[];
  /** Milliseconds to wait before answering (0: at once). */
  delayMs: number;
  /** When set, every search answers with this status and an OData error body. */
  failStatus: number | undefined;
  /** The index definition last PUT (undefined: the index does not exist yet, unless docs were given). */
  definition: Record<string, unknown> | undefined;
  /** The documents, changed by document batches. */
  docs: FakeDoc[];
  close(): Promise<void>;
}

/** Starts the fake on a free port, serving `docs` from index `index`, keyed by `keyField`; https when `tls` is given. */
export async function startFakeSearch(
  index: string,
  docs: FakeDoc[],
  keyField = 'id',
  tls?: { key: string; cert: string },
): Promise<FakeSearchService> {
  const service: FakeSearchService = {
    endpoint: '',
    requests: [],
    delayMs: 0,
    failStatus: undefined,
    definition: docs.length > 0 ? { name: index } : undefined,
    docs,
    close: async () => {},
  };
  const handler: RequestListener = (req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      service.requests.push({ method: req.method ?? '', path: url.pathname + url.search, headers: req.headers, body });
      const reply = (status: number, payload: unknown) => {
        if (res.destroyed) return;
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(payload));
      };
      const answer = () => {
        if (url.pathname === `/indexes('${index}')`) {
          if (req.method === 'PUT') {
            const created = !service.definition;
            service.definition = body;
            return reply(created ? 201 : 200, body);
          }
          return service.definition ? reply(200, service.definition) : reply(404, { error: { code: 'ResourceNotFound', message: `No index with the name '${index}' was found` } });
        }
        if (url.pathname === `/indexes('${index}')/docs/search.index` && req.method === 'POST') {
          if (!service.definition) return reply(404, { error: { code: 'ResourceNotFound', message: 'no such index' } });
          return reply(200, { value: applyBatch(service.docs, body, keyField) });
        }
        if (url.pathname !== `/indexes('${index}')/docs/search.post.search`) {
          return reply(404, { error: { code: 'NotFound', message: `no route ${url.pathname}` } });
        }
        if (service.failStatus) {
          return reply(service.failStatus, { error: { code: 'ServiceUnavailable', message: 'fake outage' } });
        }
        try {
          reply(200, { value: searchDocs(service.docs, body, keyField, service.definition) });
        } catch (error) {
          reply(400, { error: { code: 'InvalidRequestParameter', message: String(error) } });
        }
      };
      if (service.delayMs > 0) setTimeout(answer, service.delayMs);
      else answer();
    });
  };
  const server: Server = tls ? createTlsServer(tls, handler) : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  service.endpoint = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  service.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return service;
}

/** Term-count scoring over every string field, the `search.in` filter, `select` and `top`. */
function searchDocs(docs: FakeDoc[], body: Record<string, unknown>, keyField: string, definition?: Record<string, unknown>): FakeDoc[] {
  const boost = tagBoost(body, definition);
  const text = String(body.search ?? '*');
  const filter = typeof body.filter === 'string' ? body.filter : undefined;
  let allowed: Set<string> | undefined;
  if (filter) {
    const match = /search\.in\((\w+), '([^']*)', ','\)\s*$/.exec(filter);
    if (!match || match[1] !== keyField) throw new Error(`unsupported filter ${filter}`);
    allowed = new Set(match[2].split(','));
  }
  const terms = text === '*' ? [] : text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const scored = docs
    .filter((doc) => !allowed || allowed.has(String(doc[keyField])))
    .map((doc) => {
      const haystack = Object.values(doc).filter((v) => typeof v === 'string').join(' ').toLowerCase();
      const words = haystack.match(/[\p{L}\p{N}]+/gu) ?? [];
      const score = text === '*' ? 1 : terms.reduce((sum, term) => sum + words.filter((w) => w.startsWith(term)).length, 0);
      return { doc, score: score * boost(doc) };
    })
    .filter((entry) => entry.score > 0)
    .sort((a, b) => b.score - a.score);
  const select = typeof body.select === 'string' && body.select !== '*' ? body.select.split(',') : undefined;
  const top = typeof body.top === 'number' ? body.top : 50;
  const skip = typeof body.skip === 'number' ? body.skip : 0;
  return scored.slice(skip, skip + top).map(({ doc, score }) => {
    const picked = select ? Object.fromEntries(select.filter((k) => k in doc).map((k) => [k, doc[k]])) : doc;
    return { '@search.score': score, ...picked };
  });
}

/**
 * `scoringProfile` with tag functions, as the service applies them: a document whose field holds
 * one of the `scoringParameters` tags (`name-v1,'v,2'`) gets the function's boost. An unknown
 * profile is a 400, as on the service.
 */
function tagBoost(body: Record<string, unknown>, definition?: Record<string, unknown>): (doc: FakeDoc) => number {
  if (typeof body.scoringProfile !== 'string') return () => 1;
  const profiles = (definition?.scoringProfiles ?? []) as { name: string; functions?: Record<string, unknown>[] }[];
  const profile = profiles.find((p) => p.name === body.scoringProfile);
  if (!profile) throw new Error(`unknown scoring profile ${body.scoringProfile}`);
  const parameters = Array.isArray(body.scoringParameters) ? (body.scoringParameters as string[]) : [];
  const tagsOf = (name: string) => {
    const raw = parameters.find((p) => p.startsWith(`${name}-`))?.slice(name.length + 1) ?? '';
    return new Set([...raw.matchAll(/'((?:[^']|'')*)'|([^,]+)/g)].map((m) => (m[1] !== undefined ? m[1].replaceAll("''", "'") : m[2]!)));
  };
  const tags = (profile.functions ?? []).filter((f) => f.type === 'tag').map((f) => ({
    field: String(f.fieldName),
    boost: Number(f.boost),
    values: tagsOf(String((f.tag as { tagsParameter: string }).tagsParameter)),
  }));
  return (doc) =>
    tags.reduce((factor, tag) => {
      const value = doc[tag.field];
      const held = Array.isArray(value) ? value : [value];
      return held.some((v) => tag.values.has(String(v))) ? factor * tag.boost : factor;
    }, 1);
}

/** Applies an index batch (`upload`, `merge`, `mergeOrUpload`, `delete`) in place; one result per action. */
function applyBatch(docs: FakeDoc[], body: Record<string, unknown>, keyField: string) {
  const actions = Array.isArray(body.value) ? (body.value as FakeDoc[]) : [];
  return actions.map((action) => {
    const { '@search.action': kind, ...fields } = action;
    const key = String(fields[keyField]);
    const at = docs.findIndex((doc) => String(doc[keyField]) === key);
    if (kind === 'delete') {
      if (at >= 0) docs.splice(at, 1);
    } else if (kind === 'upload' || kind === 'mergeOrUpload' || (kind === 'merge' && at >= 0)) {
      const merged = kind === 'upload' || at < 0 ? fields : { ...docs[at], ...fields };
      if (at >= 0) docs[at] = merged;
      else docs.push(merged);
    } else {
      return { key, status: false, errorMessage: `Document not found or unknown action ${String(kind)}`, statusCode: 404 };
    }
    return { key, status: true, errorMessage: null, statusCode: kind === 'delete' ? 200 : at >= 0 ? 200 : 201 };
  });
}
