/** Compiles a tool's JSON Schema `parameters` (ajv), for config checks and for argument validation. */
import { Ajv, type ValidateFunction } from 'ajv';

// Formats are not validated (no ajv-formats): a schema's `format` is a hint to the model only.
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: false, logger: false });

/** Compiles `parameters`; throws with ajv's message when it is not a valid schema. */
export function compileParameters(parameters: Record<string, unknown>): ValidateFunction {
  return ajv.compile(parameters);
}

/** The first validation problem, short enough for the model to read. */
export function firstProblem(validate: ValidateFunction): string {
  const error = validate.errors?.[0];
  if (!error) return 'invalid arguments';
  const where = error.instancePath ? `${error.instancePath.slice(1).replaceAll('/', '.')} ` : '';
  return `${where}${error.message ?? 'is invalid'}`.slice(0, 200);
}
