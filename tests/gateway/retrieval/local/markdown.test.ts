import { describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../../../gateway/retrieval/local/markdown.js';
import { slugify } from '../../../../gateway/retrieval/slug.js';

describe('parseMarkdown', () => {
  it('takes title and url from the front matter and splits at ## and ### headings', () => {
    const doc = parseMarkdown(
      ['---', 'title: Sync', 'url: https://docs.example.com/sync', 'order: 3', '---', '', 'Intro text.', '', '## Working offline', '', 'Offline text.', '', '### Details', '', 'More.'].join('\n'),
      'fallback',
    );
    expect(doc.title).toBe('Sync');
    expect(doc.url).toBe('https://docs.example.com/sync');
    expect(doc.sections).toEqual([
      { text: 'Intro text.' },
      { heading: 'Working offline', anchor: 'working-offline', text: 'Offline text.' },
      { heading: 'Details', anchor: 'details', text: 'More.' },
    ]);
  });

  it('makes anchors the way the demo renderer makes heading ids, duplicates numbered', () => {
    const doc = parseMarkdown('## Error `E1042`: clock skew\n\na\n\n## Notes\n\nb\n\n## Notes\n\nc\n\n## 日本のお客様へ\n\nd', 'x');
    expect(doc.sections.map((s) => s.anchor)).toEqual([slugify('Error `E1042`: clock skew'), 'notes', 'notes-1', '日本のお客様へ']);
    expect(doc.sections[0].heading).toBe('Error E1042: clock skew');
  });

  it('keeps #### headings, lists, tables and code as text of their section', () => {
    const doc = parseMarkdown('## Setup\n\n#### Step one\n\n- first item\n- second item\n\n| Key | Default |\n| --- | --- |\n| port | 7420 |\n\n```sh\nlumen sync --once\n```', 'x');
    expect(doc.sections).toHaveLength(1);
    const text = doc.sections[0].text;
    expect(text).toContain('Step one');
    expect(text).toContain('- first item');
    expect(text).toContain('port | 7420');
    expect(text).toContain('lumen sync --once');
    expect(text).not.toContain('---');
  });

  it('turns links and emphasis into plain text', () => {
    const doc = parseMarkdown('See [the guide](guide.md) and **bold** `code` ![logo](x.png).', 'x');
    expect(doc.sections[0].text).toBe('See the guide and bold code .');
  });

  it('uses the first # heading, then the fallback, when there is no front matter title', () => {
    expect(parseMarkdown('# Getting started\n\nText', 'file').title).toBe('Getting started');
    expect(parseMarkdown('Just text', 'file').title).toBe('file');
  });

  it('survives broken front matter', () => {
    const doc = parseMarkdown('---\ntitle: [unclosed\n---\n\nBody', 'file');
    expect(doc.title).toBe('file');
    expect(doc.sections[0].text).toBe('Body');
  });
});
