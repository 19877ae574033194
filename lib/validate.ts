/**
 * One ajv instance for the package; each schema is compiled once, on first use, and kept.
 * A failed check becomes INVALID_INPUT naming the field, before anything is sent.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { invalidInput } from './errors';

export const ajv = new Ajv({ allErrors: false, coerceTypes: false, useDefaults: false, strict: false });

const cache = new WeakMap<object, ValidateFunction>();

export function compile<T>(schema: object): ValidateFunction<T> {
  let fn = cache.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    cache.set(schema, fn);
  }
  return fn as ValidateFunction<T>;
}

/** The input field an ajv error is about, in dotted form (`additionalParams.CaseID`). */
export function fieldOf(err: ErrorObject): string {
  const path = err.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (err.keyword === 'required') path.push(String((err.params as { missingProperty: string }).missingProperty));
  if (err.keyword === 'additionalProperties') path.push(String((err.params as { additionalProperty: string }).additionalProperty));
  return path.join('.') || '(input)';
}

function problemOf(err: ErrorObject): string {
  switch (err.keyword) {
    case 'required':
      return 'is required';
    case 'type':
      return `must be ${(err.params as { type: string }).type}`;
    case 'enum':
      return `must be one of ${((err.params as { allowedValues: unknown[] }).allowedValues ?? []).join(', ')}`;
    case 'minLength':
      return 'must not be empty';
    case 'additionalProperties':
      return 'is not allowed';
    default:
      return err.message ?? 'is invalid';
  }
}

/** Checks `value` against `schema`; throws INVALID_INPUT naming the first failing field. */
export function check<T>(vendor: string, operation: string, schema: object, value: unknown): T {
  const fn = compile<T>(schema);
  if (!fn(value)) {
    const err = fn.errors?.[0];
    if (!err) throw invalidInput(vendor, operation, '(input)', 'is invalid');
    throw invalidInput(vendor, operation, fieldOf(err), problemOf(err));
  }
  return value as T;
}
