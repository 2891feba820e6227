// The demo's rendered pages and the gateway's local index agree on section anchors: every anchor a
// citation can carry for a demo document is the id of a heading on that document's page.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../gateway/retrieval/local/markdown.js';

const repo = join(import.meta.dirname, '../..');
const siteDir = join(repo, 'demo/site');
let out: string;

const markdownFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? markdownFiles(join(dir, entry.name)) : entry.name.endsWith('.md') ? [join(dir, entry.name)] : [],
  );

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'demo-anchors-'));
  await promisify(execFile)(process.execPath, [join(repo, 'demo/build.mjs'), '--out', out]);
});

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('demo anchors', () => {
  it('gives every section anchor of the local index a heading id on the rendered page', () => {
    const files = markdownFiles(siteDir);
    expect(files.length).toBeGreaterThan(0);
    const missing: string[] = [];
    let checked = 0;
    for (const file of files) {
      const rel = relative(siteDir, file).split('\\').join('/');
      const doc = parseMarkdown(readFileSync(file, 'utf8'), rel);
      const ids = new Set(
        parse(readFileSync(join(out, rel.replace(/\.md$/, '.html')), 'utf8'))
          .querySelectorAll('[id]')
          .map((el) => el.getAttribute('id')),
      );
      for (const section of doc.sections) {
        if (!section.anchor) continue;
        checked++;
        if (!ids.has(section.anchor)) missing.push(`${rel}#${section.anchor}`);
      }
    }
    expect(checked).toBeGreaterThan(files.length);
    expect(missing).toEqual([]);
  });
});
