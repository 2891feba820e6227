import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  CLOSE_CODE,
  ERROR_CODES,
  LIMITS,
  checkAudioFrame,
  parseClientMessage,
  type ClientMessage,
  type ErrorCode,
} from '../../gateway/protocol.js';

// docs/PROTOCOL.md is the contract; gateway/protocol.ts must say exactly what it says.
const docs = readFileSync(new URL('../../docs/PROTOCOL.md', import.meta.url), 'utf8');
const source = readFileSync(new URL('../../gateway/protocol.ts', import.meta.url), 'utf8');

/** The text of the doc section under the `## heading`, up to the next `## `. */
function section(heading: string): string {
  const start = docs.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs/PROTOCOL.md has no "## ${heading}" section`);
  const end = docs.indexOf('\n## ', start + 1);
  return docs.slice(start, end < 0 ? undefined : end);
}

/** The first-column names of a section's table: rows that start with "| `name` |". */
function tableNames(text: string): string[] {
  return [...text.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]!);
}

/** The `type: '…'` literals of the interfaces between two section comments of protocol.ts. */
function sourceTypes(from: string, to: string): string[] {
  const start = source.indexOf(from);
  const end = source.indexOf(to, start);
  expect(start, `protocol.ts lacks "${from}"`).toBeGreaterThan(-1);
  return [...source.slice(start, end).matchAll(/^\s+type: '([a-z_]+)';$/gm)].map((m) => m[1]!);
}

describe('widget protocol module against docs/PROTOCOL.md', () => {
  it('lists exactly the error codes and close codes of the doc', () => {
    const rows = [...section('Error codes and close codes').matchAll(/^\| `([a-z_]+)` \| (\d{4}) \|/gm)].map((m) => [m[1], Number(m[2])]);
    expect(rows.length).toBeGreaterThan(0);
    expect(Object.fromEntries(rows)).toEqual(CLOSE_CODE);
    expect(ERROR_CODES).toHaveLength(rows.length);
  });

  it('has exactly the browser → gateway message types of the doc', () => {
    const documented = tableNames(section('Browser → gateway'));
    expect(documented.length).toBeGreaterThan(0);
    expect(sourceTypes('browser → gateway', 'gateway → browser').sort()).toEqual([...documented].sort());
  });

  it('has exactly the gateway → browser message types of the doc', () => {
    const documented = tableNames(section('Gateway → browser'));
    expect(documented.length).toBeGreaterThan(0);
    expect(sourceTypes('gateway → browser', 'parsing browser frames').sort()).toEqual([...documented].sort());
  });
});

describe('widget protocol module', () => {
  it('parses the three browser messages and ignores unknown fields', () => {
    expect(parseClientMessage('{"type":"text","text":"hello","extra":1}')).toEqual({ ok: true, message: { type: 'text', text: 'hello' } });
    expect(parseClientMessage('{"type":"interrupt","played_ms":1200}')).toEqual({ ok: true, message: { type: 'interrupt', played_ms: 1200 } });
    expect(parseClientMessage('{"type":"commit"}')).toEqual({ ok: true, message: { type: 'commit' } });
  });

  it.each([
    ['malformed JSON', '{"type":'],
    ['a JSON array', '[1,2]'],
    ['a missing type', '{"text":"hi"}'],
    ['an unknown type', '{"type":"session.update","session":{"instructions":"x"}}'],
    ['an empty text', '{"type":"text","text":""}'],
    ['a blank text', '{"type":"text","text":"   "}'],
    ['a text over 2000 characters', JSON.stringify({ type: 'text', text: 'a'.repeat(2001) })],
    ['a negative played_ms', '{"type":"interrupt","played_ms":-1}'],
    ['a fractional played_ms', '{"type":"interrupt","played_ms":1.5}'],
    ['a string played_ms', '{"type":"interrupt","played_ms":"10"}'],
    ['an over-long frame', JSON.stringify({ type: 'text', text: 'x', pad: 'y'.repeat(LIMITS.maxTextFrameBytes) })],
  ])('rejects %s as bad_message without throwing', (_label, frame) => {
    const result = parseClientMessage(frame);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.code).toBe('bad_message');
  });

  it('counts text length in characters, not UTF-16 units', () => {
    expect(parseClientMessage(JSON.stringify({ type: 'text', text: '😀'.repeat(2000) })).ok).toBe(true);
  });

  it('accepts audio frames of 10 to 500 ms of whole samples only', () => {
    expect(checkAudioFrame(960)).toBeUndefined();
    expect(checkAudioFrame(480)).toBeUndefined();
    expect(checkAudioFrame(24_000)).toBeUndefined();
    expect(checkAudioFrame(478)).toMatch(/10 ms/);
    expect(checkAudioFrame(24_002)).toMatch(/500 ms/);
    expect(checkAudioFrame(961)).toMatch(/whole/);
  });

  it('keeps the message unions narrow', () => {
    expectTypeOf<ClientMessage['type']>().toEqualTypeOf<'text' | 'interrupt' | 'commit' | 'feedback' | 'page_tool_result'>();
    expectTypeOf<ErrorCode>().toEqualTypeOf<
      | 'bad_message' | 'unauthorized' | 'over_budget' | 'session_expired' | 'rate_limited'
      | 'upstream_error' | 'upstream_unavailable' | 'server_shutdown' | 'internal'
    >();
  });
});
