#!/usr/bin/env node
// Renders the demo knowledge base (demo/site/**/*.md) into a static documentation site in
// dist/demo/, which the gateway serves at /demo/. Plain Node ESM (no tsx) so `npm run build`
// needs nothing else. The pages carry no inline script or style, so they work under a strict CSP.
//
//   node demo/build.mjs [--site DIR] [--out DIR]
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Marked } from 'marked';
import { parse as parseYaml } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
const templates = join(here, 'templates');
const site = JSON.parse(readFileSync(join(templates, 'site.json'), 'utf8'));
const layout = readFileSync(join(templates, 'layout.html'), 'utf8');
const heroTemplate = readFileSync(join(templates, 'hero.html'), 'utf8');
const LANGS = Object.keys(site.strings);

/** Copy of gateway/retrieval/slug.ts: citations' `#anchor`s must land on these heading ids. */
export function slugify(heading) {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

const escapeHtml = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

const fill = (template, values) => template.replace(/\{\{(\w+)\}\}/g, (_, key) => values[key] ?? '');

function listMarkdown(dir, prefix = '') {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listMarkdown(join(dir, entry.name), rel));
    else if (entry.name.endsWith('.md')) out.push(rel);
  }
  return out.sort();
}

function readPage(siteDir, file) {
  const text = readFileSync(join(siteDir, file), 'utf8').replace(/^\uFEFF/, '');
  const match = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  const meta = (match && parseYaml(match[1])) || {};
  const top = file.split('/')[0];
  return {
    file,
    out: file.replace(/\.md$/, '.html'),
    lang: file.includes('/') && LANGS.includes(top) && top !== 'en' ? top : 'en',
    title: typeof meta.title === 'string' ? meta.title : '',
    section: typeof meta.section === 'string' ? meta.section : '',
    order: Number.isFinite(meta.order) ? meta.order : Number.POSITIVE_INFINITY,
    body: match ? text.slice(match[0].length) : text,
  };
}

/** Markdown → HTML with GitHub-style heading ids (duplicates get -1, -2) and .md links made .html. */
function renderMarkdown(markdown) {
  const seen = new Map();
  const headings = [];
  const marked = new Marked({ gfm: true });
  marked.use({
    renderer: {
      heading({ tokens, depth, text }) {
        const inner = this.parser.parseInline(tokens);
        if (depth > 3) return `<h${depth}>${inner}</h${depth}>\n`;
        const base = slugify(text);
        const count = seen.get(base) ?? 0;
        seen.set(base, count + 1);
        const id = count === 0 ? base : `${base}-${count}`;
        const plain = inner.replace(/<[^>]*>/g, '');
        headings.push({ depth, id, html: inner, plain });
        return `<h${depth} id="${escapeHtml(id)}"><a class="anchor" href="#${escapeHtml(encodeURIComponent(id))}" aria-hidden="true" tabindex="-1">#</a>${inner}</h${depth}>\n`;
      },
      link(token) {
        token.href = rewriteHref(token.href);
        return false;
      },
    },
  });
  const tokens = marked.lexer(markdown);
  const first = tokens.find((t) => t.type !== 'space');
  const firstParagraph = tokens.find((t) => t.type === 'paragraph');
  return {
    html: marked.parser(tokens),
    headings,
    startsWithH1: first?.type === 'heading' && first.depth === 1,
    description: firstParagraph ? plainText(firstParagraph.text) : '',
  };
}

function rewriteHref(href) {
  if (!href || /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('/') || href.startsWith('#')) return href;
  return href.replace(/^([^#?]*)\.md(?=$|[#?])/, '$1.html');
}

function plainText(markdown) {
  const text = markdown.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*_]/g, '').replace(/\s+/g, ' ').trim();
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

const byOrder = (a, b) => a.order - b.order || a.title.localeCompare(b.title) || a.file.localeCompare(b.file);

/** Pages of one language, grouped by section (sections ordered by their lowest page order). */
function buildNav(pages, lang) {
  const strings = site.strings[lang];
  const groups = new Map();
  for (const page of pages.filter((p) => p.lang === lang).sort(byOrder)) {
    const name = page.section || strings.defaultSection;
    if (!groups.has(name)) groups.set(name, []);
    groups.get(name).push(page);
  }
  return [...groups.entries()].map(([name, list]) => ({ name, pages: list }));
}

const relativeHref = (from, to) => {
  const rel = posix.relative(posix.dirname(from), to);
  return rel === '' ? posix.basename(to) : rel;
};

function renderNav(nav, current) {
  const parts = [];
  for (const group of nav) {
    parts.push(`    <div class="nav-group">\n      <p class="nav-title">${escapeHtml(group.name)}</p>\n      <ul>`);
    for (const page of group.pages) {
      const active = page.out === current.out ? ' aria-current="page"' : '';
      parts.push(`        <li><a href="${escapeHtml(relativeHref(current.out, page.out))}"${active}>${escapeHtml(page.title)}</a></li>`);
    }
    parts.push('      </ul>\n    </div>');
  }
  return parts.join('\n');
}

function renderToc(headings, lang) {
  const items = headings.filter((h) => h.depth === 2 || h.depth === 3);
  if (items.length < 2) return '';
  const links = items
    .map((h) => `      <li class="toc-${h.depth}"><a href="#${escapeHtml(encodeURIComponent(h.id))}">${escapeHtml(h.plain)}</a></li>`)
    .join('\n');
  return `    <p class="toc-title">${escapeHtml(site.strings[lang].tocLabel)}</p>\n    <ul>\n${links}\n    </ul>`;
}

function renderPager(nav, current) {
  const flat = nav.flatMap((g) => g.pages);
  const index = flat.findIndex((p) => p.out === current.out);
  if (index < 0) return '';
  const strings = site.strings[current.lang];
  const link = (page, rel, label) =>
    page
      ? `<a class="pager-${rel}" rel="${rel}" href="${escapeHtml(relativeHref(current.out, page.out))}"><span class="pager-label">${escapeHtml(label)}</span><span class="pager-title">${escapeHtml(page.title)}</span></a>`
      : '<span></span>';
  return `    <nav class="pager" aria-label="${escapeHtml(strings.previous)} / ${escapeHtml(strings.next)}">\n      ${link(flat[index - 1], 'prev', strings.previous)}\n      ${link(flat[index + 1], 'next', strings.next)}\n    </nav>`;
}

function renderLanguageLinks(current, homes) {
  if (LANGS.filter((lang) => homes[lang]).length < 2) return '';
  return LANGS.filter((lang) => homes[lang])
    .map((lang) => {
      const attrs = lang === current.lang ? ' aria-current="true"' : '';
      const href = escapeHtml(relativeHref(current.out, homes[lang].out));
      return `<a href="${href}" lang="${lang}" hreflang="${lang}"${attrs}>${escapeHtml(site.languageNames[lang] ?? lang)}</a>`;
    })
    .join('\n      ');
}

function renderHero(page, hero, siteId) {
  return fill(heroTemplate, {
    eyebrow: escapeHtml(hero.eyebrow ?? ''),
    heroTitle: escapeHtml(hero.title ?? page.title),
    lede: escapeHtml(hero.lede ?? ''),
    points: (hero.points ?? []).map((p) => `<li>${escapeHtml(p)}</li>`).join('\n          '),
    site: siteId,
    langAttr: page.lang === 'en' ? '' : ` lang="${page.lang}"`,
    note: escapeHtml(hero.note ?? ''),
  });
}

/** One page: layout + article, with the widget inline in a hero or floating in the corner. */
function renderPage(page, ctx) {
  const strings = site.strings[page.lang];
  const md = renderMarkdown(page.body);
  const home = page.hero !== undefined;
  const showTitle = !home && !md.startsWithH1;
  // No id on this title: the body's own headings own the anchors (a "## Sync" must stay #sync).
  const article = `${showTitle ? `      <h1>${escapeHtml(page.title)}</h1>\n` : ''}${md.html}`;
  const nav = ctx.navs[page.lang];
  const floating = home
    ? ''
    : `<voice-rag site="demo" mode="floating"${page.lang === 'en' ? '' : ` lang="${page.lang}"`}></voice-rag>`;
  const html = fill(layout, {
    ...Object.fromEntries(Object.entries(strings).map(([k, v]) => [k, typeof v === 'string' ? escapeHtml(v) : ''])),
    lang: page.lang,
    title: escapeHtml(page.title),
    siteName: escapeHtml(site.siteName),
    description: escapeHtml(page.description ?? md.description),
    root: escapeHtml(relativeHref(page.out, 'x').replace(/x$/, '')),
    homeHref: escapeHtml(relativeHref(page.out, ctx.homes[page.lang]?.out ?? 'index.html')),
    bodyClass: home ? 'page page-home' : 'page',
    languageLinks: renderLanguageLinks(page, ctx.homes),
    nav: renderNav(nav, page),
    hero: home ? renderHero(page, page.hero, page.heroSite ?? 'demo') : '',
    article,
    pager: home ? '' : renderPager(nav, page),
    toc: renderToc(md.headings, page.lang),
    floating,
  });
  assertCspSafe(html, page.file);
  return html;
}

// A strict CSP (script-src/style-src without 'unsafe-inline') would block these; fail the build.
function assertCspSafe(html, file) {
  const problems = [
    [/<script(?![^>]*\bsrc=)[^>]*>/i, 'an inline <script>'],
    [/<style[\s>]/i, 'a <style> element'],
    // Inside tags only: text (code samples included) has its < escaped, so it cannot match.
    [/<[a-z][^>]*\sstyle\s*=/i, 'a style attribute'],
    [/<[a-z][^>]*\son[a-z]+\s*=/i, 'an inline event handler'],
    [/<[a-z][^>]*\shref\s*=\s*["']?\s*javascript:/i, 'a javascript: URL'],
  ];
  for (const [pattern, what] of problems) {
    if (pattern.test(html)) throw new Error(`${file}: contains ${what}, which a strict Content-Security-Policy blocks`);
  }
}

/** Builds the site; returns the list of pages written (paths relative to outDir). */
export function buildDemo({ siteDir = join(here, 'site'), outDir = resolve(here, '..', 'dist', 'demo') } = {}) {
  if (!existsSync(siteDir)) throw new Error(`no demo content at ${siteDir}`);
  const pages = listMarkdown(siteDir).map((file) => readPage(siteDir, file));
  for (const page of pages) if (!page.title) page.title = titleFromBody(page);
  const navs = Object.fromEntries(LANGS.map((lang) => [lang, buildNav(pages, lang)]));
  const homes = Object.fromEntries(
    LANGS.map((lang) => {
      const prefix = lang === 'en' ? '' : `${lang}/`;
      const own = pages.find((p) => p.out === `${prefix}index.html`) ?? navs[lang][0]?.pages[0];
      return [lang, own];
    }),
  );
  const root = pages.find((p) => p.out === 'index.html');
  if (root) root.hero = { ...site.strings.en.hero, title: root.title };
  const base = root ?? blankPage('index.md');
  const { limited, csp, hero } = site.strings.en;
  const extra = [
    { ...base, file: 'limited.md', out: 'limited.html', title: limited.title, body: '', hero: limited, heroSite: 'demo-limited', description: limited.lede },
    { ...base, file: 'csp.md', out: 'csp.html', title: csp.title, hero: { ...hero, ...csp } },
  ];
  rmSync(outDir, { recursive: true, force: true });
  const written = [];
  for (const page of [...pages, ...extra]) {
    const target = join(outDir, ...page.out.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, renderPage(page, { navs, homes }));
    written.push(page.out);
  }
  cpSync(join(here, 'assets'), join(outDir, 'assets'), { recursive: true });
  return written;
}

function blankPage(file) {
  return { file, out: file.replace(/\.md$/, '.html'), lang: 'en', title: site.siteName, section: '', order: 0, body: '' };
}

function titleFromBody(page) {
  const h1 = /^#\s+(.+?)\s*#*\s*$/m.exec(page.body);
  return h1 ? h1[1] : posix.basename(page.file, '.md');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { site: { type: 'string' }, out: { type: 'string' } } });
  const outDir = values.out ? resolve(values.out) : undefined;
  const started = performance.now();
  let written;
  try {
    written = buildDemo({ siteDir: values.site ? resolve(values.site) : undefined, outDir });
  } catch (error) {
    console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  const target = outDir ?? resolve(here, '..', 'dist', 'demo');
  const rel = relative(process.cwd(), target);
  const shown = rel.startsWith('..') ? target : rel.split(sep).join('/') || '.';
  const langs = LANGS.map((lang) => `${written.filter((p) => (lang === 'en' ? !p.includes('/') || !LANGS.includes(p.split('/')[0]) : p.startsWith(`${lang}/`))).length} ${lang}`);
  console.log(`demo: ${written.length} pages written to ${shown}/ (${langs.join(', ')}) in ${Math.round(performance.now() - started)} ms`);
}
