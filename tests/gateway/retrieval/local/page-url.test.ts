import { describe, expect, it } from 'vitest';
import { docSlug, normalizePath, pageUrl, relativeTo, staticBase } from '../../../../gateway/retrieval/local/page-url.js';
import { SAFE_ID_PATTERN } from '../../../../gateway/retrieval/ids.js';

describe('page URLs', () => {
  it('joins url_base and the path under the root, with the extension replaced', () => {
    expect(pageUrl('guide/sync.md', '/demo/', '.html')).toBe('/demo/guide/sync.html');
    expect(pageUrl('guide/sync.md', '/demo', '.html')).toBe('/demo/guide/sync.html');
    expect(pageUrl('manual.pdf', 'https://docs.example.com/', '')).toBe('https://docs.example.com/manual');
    expect(pageUrl('notes.txt', 'https://docs.example.com/kb/', '/')).toBe('https://docs.example.com/kb/notes/');
  });

  it('maps index files to their folder URL', () => {
    expect(pageUrl('index.md', '/demo/', '.html')).toBe('/demo/');
    expect(pageUrl('ja/index.md', '/demo/', '.html')).toBe('/demo/ja/');
  });

  it('percent-encodes non-ASCII paths', () => {
    expect(pageUrl('ja/料金.md', '/demo/', '.html')).toBe('/demo/ja/%E6%96%99%E9%87%91.html');
  });

  it('gives no URL without a url_base', () => {
    expect(pageUrl('sync.md', undefined, '.html')).toBeUndefined();
  });

  it('finds the static base of a glob and paths relative to it', () => {
    expect(staticBase('./demo/site/**/*.md')).toBe('demo/site');
    expect(staticBase('docs/*.{md,html}')).toBe('docs');
    expect(staticBase('**/*.md')).toBe('');
    expect(staticBase('../kb/faq.md')).toBe('../kb');
    expect(relativeTo('demo/site/ja/sync.md', 'demo/site')).toBe('ja/sync.md');
    expect(relativeTo('other/x.md', 'demo/site')).toBe('other/x.md');
    expect(normalizePath('./a/../b//c/./d')).toBe('b/c/d');
  });
});

describe('docSlug', () => {
  it('makes short, safe, unique slugs from paths and URLs', () => {
    const taken = new Set<string>();
    const slugs = [
      docSlug('ja/sync.md', taken),
      docSlug('ja-sync.md', taken),
      docSlug('https://shop.example.com/help/returns?x=1', taken),
      docSlug('ja/料金.md', taken),
      docSlug(`${'very-long-folder-name/'.repeat(10)}page.md`, taken),
    ];
    expect(slugs[0]).toBe('ja-sync');
    expect(slugs[2]).toBe('help-returns');
    expect(new Set(slugs).size).toBe(slugs.length);
    for (const slug of slugs) {
      expect(`${slug}-12`).toMatch(SAFE_ID_PATTERN);
      expect(slug.length).toBeLessThanOrEqual(60);
    }
  });

  it('gives the same slug for the same key every time', () => {
    expect(docSlug('ja/料金.md', new Set())).toBe(docSlug('ja/料金.md', new Set()));
  });
});
