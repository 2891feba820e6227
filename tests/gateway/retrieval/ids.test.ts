import { describe, expect, it } from 'vitest';
import { isSafeId, MAX_RESOLVE_IDS, safeIds } from '../../../gateway/retrieval/ids.js';

describe('passage ids', () => {
  it('accepts the characters of Azure document keys only', () => {
    for (const id of ['a', 'doc-1_x', 'aGVsbG8=', 'A'.repeat(128)]) expect(isSafeId(id), id).toBe(true);
    for (const id of ['', "x') or true or ('", 'a,b', 'a b', 'a/b', 'é', 'A'.repeat(129), 42, null]) expect(isSafeId(id), String(id)).toBe(false);
  });

  it('keeps valid, distinct ids in order, capped', () => {
    expect(safeIds(['b', 'bad id', 'a', 'b'])).toEqual(['b', 'a']);
    expect(safeIds(Array.from({ length: 50 }, (_, i) => `id-${i}`))).toHaveLength(MAX_RESOLVE_IDS);
  });
});
