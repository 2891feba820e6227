import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../gateway/protocol.js';
import { en, ja, stringsFor } from '../../widget/ui/strings.js';
// @ts-expect-error plain .mjs script without declarations
import { generateManifest, manifestText } from '../../widget/scripts/manifest.mjs';

interface Manifest {
  modules: { declarations: { attributes: { name: string; fieldName?: string }[]; events: { name: string }[];
    cssParts: { name: string }[]; cssProperties: { name: string }[]; members: { kind: string; name: string }[] }[] }[];
}
const manifest = generateManifest() as Manifest;
const element = manifest.modules[0]!.declarations[0]!;
const docs = readFileSync('docs/WIDGET.md', 'utf8');

describe('custom-elements.json', () => {
  it('matches what the element header generates', () => {
    expect(readFileSync('custom-elements.json', 'utf8')).toBe(manifestText());
  });

  it('maps every documented attribute to a property', () => {
    expect(element.attributes.length).toBeGreaterThanOrEqual(13);
    for (const attribute of element.attributes) expect(attribute.fieldName, attribute.name).toBeTruthy();
  });

  it('lists the events, parts and methods the brief requires', () => {
    expect(element.events.map((e) => e.name)).toEqual(['voice-rag-state', 'voice-rag-transcript', 'voice-rag-citations', 'voice-rag-error', 'voice-rag-tool']);
    expect(element.cssParts.map((p) => p.name)).toEqual(expect.arrayContaining(['mic-button', 'waveform', 'transcript', 'citations', 'text-input', 'status']));
    expect(element.members.filter((m) => m.kind === 'method').map((m) => m.name)).toEqual(['start', 'stop', 'sendText']);
  });
});

describe('docs/WIDGET.md', () => {
  it('documents every attribute, event, part, custom property and method', () => {
    const names = [
      ...element.attributes.map((a) => a.name), ...element.events.map((e) => e.name), ...element.cssParts.map((p) => p.name),
      ...element.cssProperties.map((p) => p.name), 'start()', 'stop()', 'sendText(', 'tokenProvider',
    ];
    for (const name of names) expect(docs, name).toContain(`\`${name}`);
  });
});

describe('widget strings', () => {
  it('have a message for every protocol error code in every language, and no extra code', () => {
    for (const table of [en, ja]) expect(Object.keys(table.errors).sort()).toEqual([...ERROR_CODES].sort());
  });

  it('have the same keys in English and Japanese', () => {
    expect(Object.keys(ja).sort()).toEqual(Object.keys(en).sort());
    expect(Object.keys(ja.state).sort()).toEqual(Object.keys(en.state).sort());
  });

  it('pick the table by primary language subtag and fall back to English', () => {
    expect(stringsFor('ja-JP')).toBe(ja);
    expect(stringsFor('JA')).toBe(ja);
    expect(stringsFor('fr')).toBe(en);
    expect(stringsFor(undefined)).toBe(en);
    expect(ja.retryIn(5)).toContain('5');
  });
});
