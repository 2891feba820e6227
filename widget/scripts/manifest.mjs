#!/usr/bin/env node
// Generates custom-elements.json from the header JSDoc and the reactive properties (`static properties` and their fields) of widget/voice-rag.ts
// (the analyzer package is not installed). `--check` exits 1 when the committed file is stale.
import { readFileSync, writeFileSync } from 'node:fs';

const SOURCE = 'widget/voice-rag.ts';
const root = new URL('../../', import.meta.url);
const EVENT_CLASSES = {
  'voice-rag-state': 'VoiceRagStateEvent',
  'voice-rag-transcript': 'VoiceRagTranscriptEvent',
  'voice-rag-citations': 'VoiceRagCitationsEvent',
  'voice-rag-error': 'VoiceRagErrorEvent',
};

/** Builds the manifest object from the element's source text. */
export function generateManifest(source = readFileSync(new URL(SOURCE, root), 'utf8')) {
  const header = source.match(/\/\*\*\s*\n\s*\* @summary[\s\S]*?\*\//)?.[0] ?? '';
  const tags = [...header.matchAll(/^\s*\* @(\w+) (.+)$/gm)].map(([, tag, rest]) => {
    const [name, ...description] = rest.split(' - ');
    return { tag, name: name.trim(), description: description.join(' - ').trim() };
  });
  const of = (tag) => tags.filter((t) => t.tag === tag);
  // The reactive properties are declared in `static properties` (no decorators); each has a class field with its type and default.
  const declared = source.match(/static override properties = \{([\s\S]*?)\n  \};/)?.[1] ?? '';
  const fieldOf = (name) => source.match(new RegExp(`^  (?:override\\s+)?${name}(?::\\s*([^=;]+?))?\\s*(?:=\\s*([^;]+))?;`, 'm')) ?? [];
  const fields = [...declared.matchAll(/^\s+(\w+): \{([^}]*)\},$/gm)].filter(([, , options]) => !options.includes('state: true')).map(
    ([, name, options]) => [options, name, fieldOf(name)[1], fieldOf(name)[2]],
  ).map(
    ([options, name, type, initial]) => ({
      name,
      attribute: options.includes('attribute: false') ? undefined : (options.match(/attribute: '([\w-]+)'/)?.[1] ?? name.toLowerCase()),
      reflects: options.includes('reflect: true'),
      type: (type ?? (options.includes('Boolean') ? 'boolean' : 'string')).trim(),
      default: initial?.trim(),
    }),
  );
  const fieldFor = (attribute) => fields.find((f) => f.attribute === attribute);
  const describe = (name) => tags.find((t) => (t.tag === 'attr' || t.tag === 'prop') && (t.name === name || fieldFor(t.name)?.name === name))?.description;
  const declaration = {
    kind: 'class',
    name: 'VoiceRag',
    tagName: 'voice-rag',
    customElement: true,
    summary: of('summary')[0] ? `${of('summary')[0].name}${of('summary')[0].description ? ` - ${of('summary')[0].description}` : ''}` : '',
    attributes: of('attr').map((t) => ({
      name: t.name,
      description: t.description,
      fieldName: fieldFor(t.name)?.name,
      type: { text: fieldFor(t.name)?.type ?? 'string' },
    })),
    members: [
      ...fields.map((f) => ({
        kind: 'field',
        name: f.name,
        type: { text: f.type },
        ...(f.default !== undefined ? { default: f.default } : {}),
        ...(f.attribute ? { attribute: f.attribute } : {}),
        ...(f.reflects ? { reflects: true } : {}),
        description: describe(f.name) ?? '',
      })),
      { kind: 'field', name: 'state', readonly: true, type: { text: 'WidgetState' }, description: 'The current state of the session.' },
      { kind: 'field', name: 'session', readonly: true, type: { text: 'SessionController' }, description: describe('session') ?? '' },
      ...of('method').map((t) => ({ kind: 'method', name: t.name, description: t.description })),
    ],
    events: of('event').map((t) => ({ name: t.name, description: t.description, type: { text: EVENT_CLASSES[t.name] ?? 'Event' } })),
    cssParts: of('csspart').map((t) => ({ name: t.name, description: t.description })),
    cssProperties: of('cssproperty').map((t) => ({ name: t.name, description: t.description })),
  };
  return {
    schemaVersion: '2.1.0',
    readme: 'docs/WIDGET.md',
    modules: [
      {
        kind: 'javascript-module',
        path: SOURCE,
        declarations: [declaration],
        exports: [
          { kind: 'js', name: 'VoiceRag', declaration: { name: 'VoiceRag', module: SOURCE } },
          { kind: 'custom-element-definition', name: 'voice-rag', declaration: { name: 'VoiceRag', module: SOURCE } },
        ],
      },
    ],
  };
}

/** The manifest as the file holds it. */
export function manifestText() {
  return `${JSON.stringify(generateManifest(), null, 2)}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const target = new URL('custom-elements.json', root);
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {}
    if (current !== manifestText()) {
      console.error('custom-elements.json is stale: run node widget/scripts/manifest.mjs');
      process.exit(1);
    }
  } else {
    writeFileSync(target, manifestText());
    console.log('wrote custom-elements.json');
  }
}
