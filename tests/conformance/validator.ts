/**
 * Checks Realtime events against the official `openai` types, through the JSON Schemas
 * generated from them (generate.ts). Each event is checked against the one union member its
 * `type` names, so a failure reads "session.update: /session/audio must NOT have additional
 * properties (foo)" rather than forty union branches. The only leniencies are the documented
 * ones in allowances.ts, each with its source.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { applyAllowances, type Allowance } from './allowances.js';
import { SCHEMA_FILE, type GeneratedSchemas, type RootType } from './generate.js';
import { VOICE_LIVE_SCHEMA_FILE, type VoiceLiveRootType } from './generate-voice-live.js';

export type Dialect = 'ga' | 'beta' | 'voice-live';
export type Direction = 'client' | 'server';

export interface Violation {
  type: string;
  problems: string[];
}

export interface EventChecker {
  /** Undefined when the event conforms. */
  check(event: unknown): Violation | undefined;
  /** Every event type of the official union. */
  readonly types: readonly string[];
  /** Compiles every type's validator now, so no check stalls a live exchange while Ajv compiles. */
  warm(): void;
}

const ROOT: Record<Dialect, Record<Direction, RootType | VoiceLiveRootType>> = {
  ga: { client: 'GaClientEvent', server: 'GaServerEvent' },
  beta: { client: 'BetaClientEvent', server: 'BetaServerEvent' },
  'voice-live': { client: 'VoiceLiveClientEvent', server: 'VoiceLiveServerEvent' },
};

type Schema = Record<string, any>;

function refName(ref: string): string {
  return decodeURIComponent(ref.replace('#/definitions/', ''));
}

/** The union members of a root type, keyed by the `type` constant each declares. */
function membersByType(root: Schema): Map<string, string> {
  const definitions = root.definitions as Record<string, Schema>;
  const members = new Map<string, string>();
  const visit = (name: string) => {
    const node = definitions[name]!;
    if (node.$ref) return visit(refName(node.$ref));
    if (node.anyOf) return node.anyOf.forEach((branch: Schema) => visit(refName(branch.$ref)));
    const constant = node.properties?.type?.const;
    // @azure/ai-voicelive's unions end in their open base (`ClientEvent`, `type: string`): not an event of its own.
    if (constant === undefined && /^(Client|Server)EventType$/.test(refName(node.properties?.type?.$ref ?? ''))) return;
    if (typeof constant !== 'string') throw new Error(`union member ${name} has no constant type`);
    members.set(constant, name);
  };
  visit(refName(root.$ref));
  return members;
}

function describe(error: ErrorObject): string {
  const where = error.instancePath || '/';
  const extra = error.keyword === 'additionalProperties' ? ` (${String(error.params.additionalProperty)})` : '';
  return `${where} ${error.message ?? error.keyword}${extra}`;
}

let generated: (GeneratedSchemas & Record<VoiceLiveRootType, Schema>) | undefined;
const checkers = new Map<string, EventChecker>();

/**
 * The checker of one dialect and direction (compiled once per process). `without` leaves one
 * allowance out, to show the difference it covers is real.
 */
export function eventChecker(dialect: Dialect, direction: Direction, without?: Allowance): EventChecker {
  const key = `${dialect}/${direction}/${without ? `${without.definition}.${without.property}` : ''}`;
  const cached = checkers.get(key);
  if (cached) return cached;
  const schemas = (generated ??= { ...JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')), ...JSON.parse(readFileSync(VOICE_LIVE_SCHEMA_FILE, 'utf8')) });
  const root = applyAllowances(structuredClone(schemas[ROOT[dialect][direction]]), dialect, direction, without);
  const ajv = new Ajv({ allErrors: true, strict: false });
  const members = membersByType(root);
  const validators = new Map<string, ValidateFunction>();
  ajv.addSchema({ definitions: root.definitions }, 'official');
  const validatorOf = (member: string): ValidateFunction => {
    let validate = validators.get(member);
    if (!validate) {
      validate = ajv.compile({ $ref: `official#/definitions/${encodeURIComponent(member)}` });
      validators.set(member, validate);
    }
    return validate;
  };
  const checker: EventChecker = {
    types: [...members.keys()],
    warm() {
      for (const member of members.values()) validatorOf(member);
    },
    check(event) {
      const type = typeof event === 'object' && event !== null ? (event as Schema).type : undefined;
      if (typeof type !== 'string') return { type: String(type), problems: ['not an object with a string type'] };
      const member = members.get(type);
      if (!member) return { type, problems: [`"${type}" is not a ${dialect} ${direction} event of the official types`] };
      const validate = validatorOf(member);
      if (validate(event)) return undefined;
      return { type, problems: (validate.errors ?? []).map(describe) };
    },
  };
  checkers.set(key, checker);
  return checker;
}
