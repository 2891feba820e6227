/**
 * Generates JSON Schemas of the official event unions from the `openai` package's .d.ts files
 * (ts-json-schema-generator, strict: an object accepts only the fields its type declares).
 * `npx tsx tests/conformance/generate.ts` rewrites the committed copy the tests read.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';
import { generateVoiceLiveSchemas, VOICE_LIVE_SCHEMA_FILE } from './generate-voice-live.js';

export const ROOT_TYPES = ['GaClientEvent', 'GaServerEvent', 'BetaClientEvent', 'BetaServerEvent'] as const;
export type RootType = (typeof ROOT_TYPES)[number];

export const SCHEMA_FILE = fileURLToPath(new URL('./openai-realtime.schema.json', import.meta.url));
const TYPES_FILE = fileURLToPath(new URL('./official-types.ts', import.meta.url));

/** One schema per root type, each with its own definitions. */
export type GeneratedSchemas = Record<RootType, { definitions: Record<string, unknown> } & Record<string, unknown>>;

/** The generator of JSON Schemas from official-types.ts: strict, one definition per named type. */
export function officialTypesGenerator() {
  return createGenerator({
    path: TYPES_FILE,
    skipTypeCheck: true,
    expose: 'export',
    topRef: true,
    jsDoc: 'none',
    additionalProperties: false,
    sortProps: true,
  });
}

export function generateSchemas(): GeneratedSchemas {
  const generator = officialTypesGenerator();
  const entries = ROOT_TYPES.map((type) => [type, generator.createSchema(type)] as const);
  return Object.fromEntries(entries) as unknown as GeneratedSchemas;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_FILE, `${JSON.stringify(generateSchemas(), null, 1)}\n`);
  writeFileSync(VOICE_LIVE_SCHEMA_FILE, `${JSON.stringify(generateVoiceLiveSchemas(), null, 1)}\n`);
  console.log(`wrote ${SCHEMA_FILE} and ${VOICE_LIVE_SCHEMA_FILE}`);
}
