import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parse, type HTMLElement } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slugify } from '../../gateway/retrieval/slug.js';

const run = promisify(execFile);
const buildScript = join(import.meta.dirname, '../../demo/build.mjs');

const fixture: Record<string, string> = {
  'index.md': '---\ntitle: Acme docs\nsection: Overview\norder: 1\n---\n\nAcme is a thing. See [install](install.md#with-docker) and [faq](faq.md).\n\n## What it is\n\nText.\n',
  'install.md': '---\ntitle: Install\nsection: Getting started\norder: 2\n---\n\n## With Docker\n\nRun it.\n\n## Notes\n\nA.\n\n### Notes\n\nB.\n\n## Ports & TLS (v2.0)\n\nC.\n',
  'quick.md': '---\ntitle: Quick start\nsection: Getting started\norder: 3\n---\n\n# Quick start in five minutes\n\nGo.\n',
  'faq.md': '---\ntitle: FAQ\nsection: Help\norder: 40\n---\n\n## FAQ\n\nQuestions.\n\n## Why?\n\nBecause.\n',
  'billing.md': '---\ntitle: Billing\nsection: Account\norder: 30\n---\n\n## Plans\n\nThree.\n\n```toml\nonline = true\nstyle = "<b onclick=x>"\n```\n',
  'ja/index.md': '---\ntitle: Acme ドキュメント\nsection: 概要\norder: 1\n---\n\n## 同期のしくみ\n\n説明。\n',
  'ja/sync.md': '---\ntitle: 同期\nsection: 使い方\norder: 5\n---\n\n## オフラインで使う\n\n本文。\n',
};

let root: string;
let out: string;
let stdout: string;

const page = (path: string): HTMLElement => parse(readFileSync(join(out, path), 'utf8'));

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'demo-build-'));
  for (const [path, text] of Object.entries(fixture)) {
    mkdirSync(dirname(join(root, 'site', path)), { recursive: true });
    writeFileSync(join(root, 'site', path), text);
  }
  out = join(root, 'out');
  ({ stdout } = await run(process.execPath, [buildScript, '--site', join(root, 'site'), '--out', out]));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('demo/build.mjs', () => {
  it('writes every Markdown page to the same path as .html, plus limited.html and csp.html', () => {
    for (const path of Object.keys(fixture)) expect(existsSync(join(out, path.replace(/\.md$/, '.html')))).toBe(true);
    expect(existsSync(join(out, 'limited.html'))).toBe(true);
    expect(existsSync(join(out, 'csp.html'))).toBe(true);
    expect(existsSync(join(out, 'assets/site.css'))).toBe(true);
  });

  it('prints a one-line summary with the number of pages written', () => {
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(stdout).toMatch(/9 pages written/);
  });

  it('gives h1–h3 the ids of the gateway slug rule, numbering duplicates like GitHub', () => {
    const doc = page('install.html');
    const ids = doc.querySelectorAll('h2, h3').map((h) => h.getAttribute('id'));
    expect(ids).toEqual([slugify('With Docker'), 'notes', 'notes-1', slugify('Ports & TLS (v2.0)')]);
    expect(ids[3]).toBe('ports--tls-v20');
    expect(page('ja/sync.html').querySelector('h2')?.getAttribute('id')).toBe(slugify('オフラインで使う'));
    expect(page('quick.html').querySelectorAll('h1')).toHaveLength(1);
    expect(page('quick.html').querySelector('h1')?.getAttribute('id')).toBe('quick-start-in-five-minutes');
  });

  it('adds the front matter title as an h1 without an id, so a section of the same name keeps its anchor', () => {
    const doc = page('faq.html');
    expect(doc.querySelector('h1')?.text).toBe('FAQ');
    expect(doc.querySelector('h1')?.getAttribute('id')).toBeUndefined();
    expect(doc.querySelectorAll('[id="faq"]').map((el) => el.tagName)).toEqual(['H2']);
  });

  it('rewrites links to .md pages into .html, keeping the anchor', () => {
    const hrefs = page('index.html').querySelectorAll('.prose a:not(.anchor)').map((a) => a.getAttribute('href'));
    expect(hrefs).toEqual(['install.html#with-docker', 'faq.html']);
  });

  it('groups the sidebar by section, ordered by order, per language', () => {
    const doc = page('install.html');
    const groups = doc.querySelectorAll('.sidebar .nav-group').map((g) => ({
      name: g.querySelector('.nav-title')?.text,
      pages: g.querySelectorAll('a').map((a) => a.text),
    }));
    expect(groups).toEqual([
      { name: 'Overview', pages: ['Acme docs'] },
      { name: 'Getting started', pages: ['Install', 'Quick start'] },
      { name: 'Account', pages: ['Billing'] },
      { name: 'Help', pages: ['FAQ'] },
    ]);
    expect(doc.querySelector('.sidebar a[aria-current="page"]')?.text).toBe('Install');
    const ja = page('ja/sync.html').querySelectorAll('.sidebar a').map((a) => a.getAttribute('href'));
    expect(ja).toEqual(['index.html', 'sync.html']);
  });

  it('embeds the widget inline on the home page and floating everywhere else', () => {
    const home = page('index.html').querySelectorAll('voice-rag');
    expect(home.map((w) => [w.getAttribute('site'), w.getAttribute('mode')])).toEqual([['demo', 'inline']]);
    expect(page('index.html').querySelector('.hero voice-rag')).not.toBeNull();
    const other = page('faq.html').querySelectorAll('voice-rag');
    expect(other.map((w) => [w.getAttribute('site'), w.getAttribute('mode')])).toEqual([['demo', 'floating']]);
    expect(page('limited.html').querySelector('voice-rag')?.getAttribute('site')).toBe('demo-limited');
    expect(page('limited.html').querySelector('voice-rag')?.getAttribute('mode')).toBe('inline');
    expect(page('csp.html').querySelector('voice-rag')?.getAttribute('site')).toBe('demo');
    expect(page('csp.html').querySelector('voice-rag')?.getAttribute('mode')).toBe('inline');
  });

  it('marks Japanese pages with lang="ja" on the document and on the widget', () => {
    const doc = page('ja/sync.html');
    expect(doc.querySelector('html')?.getAttribute('lang')).toBe('ja');
    expect(doc.querySelector('voice-rag')?.getAttribute('lang')).toBe('ja');
    expect(page('faq.html').querySelector('html')?.getAttribute('lang')).toBe('en');
  });

  it('has no inline script or style, only the external stylesheet and the widget module', () => {
    for (const path of [...Object.keys(fixture).map((p) => p.replace(/\.md$/, '.html')), 'limited.html', 'csp.html']) {
      const html = readFileSync(join(out, path), 'utf8');
      const doc = parse(html);
      expect(doc.querySelectorAll('script').map((s) => [s.getAttribute('type'), s.getAttribute('src')])).toEqual([
        ['module', '/voice-rag.js'],
      ]);
      expect(doc.querySelectorAll('style')).toHaveLength(0);
      expect(html).not.toMatch(/<[a-z][^>]*\s(?:style|on[a-z]+)\s*=/i);
      const css = doc.querySelector('link[rel="stylesheet"]')?.getAttribute('href') ?? '';
      expect(existsSync(join(out, dirname(path), css))).toBe(true);
    }
  });

  it('refuses content with an inline script, naming the file', async () => {
    const bad = join(root, 'bad');
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, 'index.md'), '---\ntitle: Bad\n---\n\n<script>alert(1)</script>\n');
    await expect(run(process.execPath, [buildScript, '--site', bad, '--out', join(root, 'bad-out')])).rejects.toThrow(
      /index\.md: contains an inline <script>/,
    );
  });
});
