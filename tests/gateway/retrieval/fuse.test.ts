import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../gateway/logger.js';
import { fuseByRank, RRF_K, searchPhrasings } from '../../../gateway/retrieval/fuse.js';
import type { Passage, Retriever } from '../../../gateway/retrieval/types.js';
import { createToolLoop } from '../../../gateway/session/tool-loop.js';
import { FakeClock } from '../../support/fake-clock.js';

const p = (id: string, score = 1): Passage => ({ id, title: id.toUpperCase(), content: `text of ${id}`, score });

/** A retriever answering from a fixed table of query → ids; it records what it was asked. */
function tableRetriever(table: Record<string, string[] | 'fail'>) {
  const asked: Array<{ query: string; top?: number }> = [];
  const retriever: Retriever = {
    async search(query, options) {
      asked.push({ query, ...(options?.top !== undefined ? { top: options.top } : {}) });
      const ids = table[query];
      if (ids === 'fail') throw new Error(`search of "${query}" failed`);
      return (ids ?? []).slice(0, options?.top ?? 5).map((id, rank) => p(id, 10 - rank));
    },
    resolve: async () => [],
  };
  return { retriever, asked };
}

describe('reciprocal-rank fusion', () => {
  it('adds 1/(k + rank) over the lists, so agreement beats one high rank', () => {
    const fused = fuseByRank([[p('a'), p('b'), p('c')], [p('c'), p('d')]], 3);
    expect(fused.map((x) => x.id)).toEqual(['c', 'a', 'b']);
    expect(fused[0].score).toBeCloseTo(1 / (RRF_K + 3) + 1 / (RRF_K + 1), 12);
    expect(fused[1].score).toBeCloseTo(1 / (RRF_K + 1), 12);
  });

  it('searches the query alone exactly as before when there are no alternatives', async () => {
    const { retriever, asked } = tableRetriever({ refunds: ['a', 'b'] });
    const passages = await searchPhrasings(retriever, 'refunds', [], { top: 5 });
    expect(passages.map((x) => [x.id, x.score])).toEqual([['a', 10], ['b', 9]]);
    expect(asked).toEqual([{ query: 'refunds', top: 5 }]);
  });

  it('searches up to 3 alternatives deeper than top, fuses them, and skips empty or repeated ones', async () => {
    const { retriever, asked } = tableRetriever({ q: ['x', 'y'], alt1: ['y', 'z'], alt2: ['y'], alt3: ['w'], alt4: ['never'] });
    const passages = await searchPhrasings(retriever, 'q', ['alt1', ' ', 'q', 'alt2', 'alt3', 'alt4'], { top: 2 });
    expect(passages.map((x) => x.id)).toEqual(['y', 'x']);
    expect(asked.map((a) => a.query)).toEqual(['q', 'alt1', 'alt2', 'alt3']);
    expect(asked.every((a) => a.top === 4)).toBe(true);
  });

  it('leaves out a failed phrasing and fails only when all fail', async () => {
    const { retriever } = tableRetriever({ q: 'fail', alt: ['b'] });
    expect((await searchPhrasings(retriever, 'q', ['alt'], { top: 5 })).map((x) => x.id)).toEqual(['b']);
    await expect(searchPhrasings(retriever, 'q', ['q2'], { top: 5 })).resolves.toEqual([]);
    const { retriever: broken } = tableRetriever({ q: 'fail', alt: 'fail' });
    await expect(searchPhrasings(broken, 'q', ['alt'], { top: 5 })).rejects.toThrow('search of "q" failed');
  });

  it('the tool loop passes the model\'s alternatives to the search', async () => {
    const { retriever, asked } = tableRetriever({ 'ride the waves': [], 'surfing lessons': ['surf'] });
    const outputs: string[] = [];
    const tools = createToolLoop({
      retriever,
      retrieval: { timeout_ms: 3000, max_chars: 6000, top: 5 },
      sendUpstream: (event) => {
        outputs.push((event as { item: { output: string } }).item.output);
        return 'evt';
      },
      sendToBrowser: () => {},
      requestResponse: () => {},
      clock: new FakeClock(),
      logger: silentLogger,
    });
    tools.callReady('resp_1', 'call_1', 'search', JSON.stringify({ query: 'ride the waves', alternatives: ['surfing lessons', 7] }));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(asked.map((a) => a.query)).toEqual(['ride the waves', 'surfing lessons']);
    expect(outputs[0]).toContain('[surf]');
  });
});
