import { describe, expect, it } from 'vitest';
import { tokenize } from '../../../../gateway/retrieval/local/tokenize.js';

describe('tokenize', () => {
  it('stems English words so inflected forms meet', () => {
    expect(tokenize('syncing')).toEqual(tokenize('synced'));
    expect(tokenize('devices')).toEqual(tokenize('device'));
    expect(tokenize('refunds')).toEqual(tokenize('refunded'));
  });

  it('drops English stop words and single letters', () => {
    expect(tokenize('How do I get a refund for the plan?')).toEqual(['get', 'refund', 'plan']);
  });

  it('keeps dotted and underscored names whole as well as their parts', () => {
    const terms = tokenize('Edit lumen.toml and set sync.max_devices');
    expect(terms).toEqual(expect.arrayContaining(['lumen.toml', 'lumen', 'toml', 'sync.max_devices', 'max', 'devic']));
  });

  it('keeps error codes and versions searchable', () => {
    expect(tokenize('Error E2001 in 3.4.2')).toEqual(expect.arrayContaining(['e2001', '2001', '3.4.2']));
  });

  it('normalizes full-width characters (NFKC) so they match half-width ones', () => {
    expect(tokenize('ＰＤＦ Ｅ２００１')).toEqual(tokenize('PDF E2001'));
  });

  it('splits Japanese into words and drops particles', () => {
    const terms = tokenize('同期できる端末は何台までですか');
    expect(terms).toContain('同期');
    expect(terms).toContain('端末');
    for (const particle of ['は', 'まで', 'です', 'か']) expect(terms).not.toContain(particle);
  });

  it('tokenizes a Japanese query and a document sentence into shared terms', () => {
    const doc = new Set(tokenize('Free プランで同期できる端末は 3 台までです。'));
    const query = tokenize('端末は何台まで同期できますか');
    expect(query.filter((term) => doc.has(term))).toEqual(expect.arrayContaining(['端末', '同期']));
  });

  it('adds bigrams for kanji and katakana compounds so a part of a compound still matches', () => {
    const terms = tokenize('適格請求書発行事業者');
    expect(terms).toEqual(expect.arrayContaining(['請求', '発行', '事業']));
  });

  it('segments Thai, which has no spaces between words', () => {
    expect(tokenize('ภาษาไทยง่ายนิดเดียว').length).toBeGreaterThan(2);
  });

  it('stems with the Porter (1980) algorithm, matching its reference stems', () => {
    const reference: Record<string, string> = {
      caresses: 'caress', ponies: 'poni', agreed: 'agre', plastered: 'plaster', motoring: 'motor', hopping: 'hop',
      filing: 'file', happy: 'happi', relational: 'relat', conditional: 'condit', digitizer: 'digit',
      vietnamization: 'vietnam', decisiveness: 'decis', hopefulness: 'hope', formaliti: 'formal', triplicate: 'triplic',
      electrical: 'electr', allowance: 'allow', adjustment: 'adjust', adoption: 'adopt', effective: 'effect',
      controll: 'control', generalizations: 'gener', synchronization: 'synchron',
    };
    for (const [word, stem] of Object.entries(reference)) expect(tokenize(word), word).toEqual([stem]);
  });

  it('returns nothing for punctuation only', () => {
    expect(tokenize('?!… ——')).toEqual([]);
  });
});
