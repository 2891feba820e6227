/**
 * Generates the JSON Schemas of Azure Voice Live's event unions from `@azure/ai-voicelive`'s
 * .d.ts files, the same way generate.ts does for `openai`, then puts them in the wire's
 * spelling: the SDK's models are camelCase and its serialisers rename each property
 * (`audioEndInMs` → `audio_end_ms`), send a `Date` as Unix seconds and bytes as base64. The
 * renaming is read from those serialisers (models.js), not written by hand.
 * `npx tsx tests/conformance/generate.ts` rewrites the committed copy with the openai one.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { officialTypesGenerator } from './generate.js';

export const VOICE_LIVE_ROOT_TYPES = ['VoiceLiveClientEvent', 'VoiceLiveServerEvent'] as const;
export type VoiceLiveRootType = (typeof VOICE_LIVE_ROOT_TYPES)[number];
export const VOICE_LIVE_SCHEMA_FILE = fileURLToPath(new URL('./voice-live.schema.json', import.meta.url));

type Schema = Record<string, any>;

/** camelCase model property → wire name, from every `wire: item["camel"]` / `camel: item["wire"]` of the SDK's (de)serialisers. */
export function wireNames(): Map<string, string> {
  const entry = createRequire(import.meta.url).resolve('@azure/ai-voicelive');
  const source = readFileSync(join(dirname(entry), 'models', 'models.js'), 'utf8');
  const names = new Map<string, string>();
  for (const [, left, right] of source.matchAll(/(\w+): [^,\n]*?item\["(\w+)"\]/g)) {
    if (left === right) continue;
    const [camel, wire] = /[A-Z]/.test(left!) ? [left!, right!] : [right!, left!];
    const known = names.get(camel);
    if (known !== undefined && known !== wire) throw new Error(`${camel} is serialised both as ${known} and ${wire}`);
    names.set(camel, wire);
  }
  if (names.get('audioEndInMs') !== 'audio_end_ms') throw new Error('could not read the SDK serialisers');
  return names;
}

/**
 * The wire form of a value the SDK converts, or undefined: a `Date` (generated as a date-time
 * string) goes out as Unix seconds, a `Uint8Array` (generated as its object shape) as base64.
 */
function converted(schema: Schema): Schema | undefined {
  if (schema.type === 'string' && schema.format === 'date-time') return { type: 'number' };
  if (schema.properties?.BYTES_PER_ELEMENT) return { type: 'string' };
  return undefined;
}

function toWire(node: unknown, names: Map<string, string>): void {
  if (Array.isArray(node)) return node.forEach((item) => toWire(item, names));
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Schema;
  for (const [key, value] of Object.entries(schema)) {
    const replacement = typeof value === 'object' && value !== null ? converted(value) : undefined;
    if (replacement) schema[key] = replacement;
  }
  if (schema.properties) {
    schema.properties = Object.fromEntries(Object.entries(schema.properties as Schema).map(([key, value]) => [names.get(key) ?? key, value]));
    if (Array.isArray(schema.required)) schema.required = schema.required.map((key: string) => names.get(key) ?? key);
  }
  for (const value of Object.values(schema)) toWire(value, names);
}

export function generateVoiceLiveSchemas(): Record<VoiceLiveRootType, Schema> {
  const generator = officialTypesGenerator();
  const names = wireNames();
  const entries = VOICE_LIVE_ROOT_TYPES.map((type) => {
    const schema = generator.createSchema(type) as Schema;
    toWire(schema.definitions, names);
    return [type, schema] as const;
  });
  return Object.fromEntries(entries) as Record<VoiceLiveRootType, Schema>;
}
