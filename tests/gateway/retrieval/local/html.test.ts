import { describe, expect, it } from 'vitest';
import { parseHtml } from '../../../../gateway/retrieval/local/html.js';

const page = `<!doctype html><html><head><title>Returns — Shop</title><style>.x{color:red}</style></head>
<body><header><nav><a href="/">Home</a> Menu items</nav></header>
<main><h1>Returns</h1><p>You can return items within <b>30 days</b>.</p>
<h2 id="refund-timing">When refunds arrive</h2><p>Refunds take 5&nbsp;days.</p><script>track()</script>
<aside>Related links</aside><h2>Worn items</h2><ul><li>Helmets</li><li>Gloves</li></ul>
<table><tr><th>Item</th><th>Days</th></tr><tr><td>Bike</td><td>30</td></tr></table></main>
<footer>© Shop</footer></body></html>`;

describe('parseHtml', () => {
  it('reads only the main content, without navigation, scripts, asides and footers', () => {
    const doc = parseHtml(page, 'fallback');
    const all = doc.sections.map((s) => s.text).join('\n');
    expect(all).toContain('You can return items within 30 days.');
    for (const noise of ['Menu items', 'track()', 'Related links', '© Shop', 'color:red']) expect(all).not.toContain(noise);
  });

  it('takes the title from <title> and splits at h1–h3, keeping heading ids as anchors', () => {
    const doc = parseHtml(page, 'fallback');
    expect(doc.title).toBe('Returns — Shop');
    expect(doc.sections.map((s) => [s.heading, s.anchor])).toEqual([
      ['Returns', 'returns'],
      ['When refunds arrive', 'refund-timing'],
      ['Worn items', 'worn-items'],
    ]);
    expect(doc.sections[1].text).toBe('Refunds take 5 days.');
    expect(doc.sections[2].text).toContain('Helmets');
    expect(doc.sections[2].text).toContain('Bike | 30');
  });

  it('falls back to the article, then the body, and to the first h1 for the title', () => {
    const doc = parseHtml('<body><article><h1>Guide</h1><p>Text</p></article><footer>f</footer></body>', 'fallback');
    expect(doc.title).toBe('Guide');
    expect(doc.sections).toEqual([{ heading: 'Guide', anchor: 'guide', text: 'Text' }]);
  });
});
