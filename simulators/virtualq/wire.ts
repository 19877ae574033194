/**
 * virtualQ simulator wire helpers (docs/vendors/virtualq.md): JSON:API documents in and out,
 * JSON:API errors, the key format of a response, phone numbers and typed attribute readers.
 */
import { header, type SimRequest } from '../common';

export const MEDIA_TYPE = 'application/vnd.api+json; charset=utf-8';

const PHONE_SEPARATORS = /[\s\-.()/]/g;
const E164 = /^\+[1-9][0-9]{6,14}$/;

export type Attrs = Record<string, unknown>;
/** Response attribute keys: dashed (default) or underscored (`X-Keys-Format: underscore`). */
export type KeyFormat = 'dash' | 'underscore';

/** An error the API answers as a JSON:API error document. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
    readonly pointer?: string,
  ) {
    super(detail);
  }
}

export const notFound = (detail: string): ApiError => new ApiError(404, 'not-found', 'Not found', detail);
export const invalid = (attr: string, detail: string): ApiError =>
  new ApiError(422, 'unprocessable-entity', 'Unprocessable entity', detail, `/data/attributes/${attr}`);

export function keyFormat(req: SimRequest): KeyFormat {
  return header(req, 'x-keys-format').trim().toLowerCase() === 'underscore' ? 'underscore' : 'dash';
}

export function resource(id: number, type: string, attrs: Attrs, fmt: KeyFormat): unknown {
  const attributes: Attrs = {};
  for (const [k, v] of Object.entries(attrs)) attributes[fmt === 'dash' ? k.replace(/_/g, '-') : k] = v;
  return { id: String(id), type, attributes };
}

export function errorBody(e: ApiError): unknown {
  const err: Record<string, unknown> = { status: String(e.status), code: e.code, title: e.title, detail: e.detail };
  if (e.pointer) err.source = { pointer: e.pointer };
  return { errors: [err] };
}

/** Parses and checks a JSON:API request document; returns its attributes. */
export function readAttributes(req: SimRequest, type: string): Attrs {
  const ct = header(req, 'content-type').split(';')[0].trim().toLowerCase();
  if (ct !== 'application/vnd.api+json' && ct !== 'application/json') {
    throw new ApiError(415, 'unsupported-media-type', 'Unsupported media type', `Content-Type must be application/vnd.api+json, got "${ct}"`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(req.body);
  } catch {
    throw new ApiError(400, 'bad-request', 'Bad request', 'The request body is not valid JSON');
  }
  const data = isObject(doc) ? doc.data : undefined;
  if (!isObject(data)) throw new ApiError(400, 'bad-request', 'Bad request', 'The request document must contain a data object', undefined);
  if (data.type !== type) throw new ApiError(409, 'conflict', 'Conflict', `Resource type must be "${type}"`);
  const attrs = data.attributes ?? {};
  if (!isObject(attrs)) throw new ApiError(400, 'bad-request', 'Bad request', 'data.attributes must be an object');
  // Unset values are left out by clients; a null is treated as left out.
  const out: Attrs = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== null) out[k] = v;
  return out;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function normalisePhone(p: string): string {
  return p.replace(PHONE_SEPARATORS, '');
}

/** Query phones: an unencoded `+` arrives as a space (virtualQ's .NET SDK does not encode). */
export function queryPhone(p: string): string {
  return normalisePhone(p.startsWith(' ') ? `+${p.slice(1)}` : p);
}

export function bodyPhone(a: Attrs): string {
  const raw = requiredString(a, 'phone');
  const phone = normalisePhone(raw);
  if (!E164.test(phone)) throw invalid('phone', 'Phone is not a valid international number (E.164)');
  return phone;
}

export function requiredString(a: Attrs, k: string): string {
  const v = a[k];
  if (v === undefined || v === '') throw invalid(k, `${k} can't be blank`);
  if (typeof v !== 'string') throw invalid(k, `${k} must be a string`);
  return v;
}

export function optionalString(a: Attrs, k: string): string | undefined {
  return a[k] === undefined ? undefined : requiredString(a, k);
}

export function requiredInt(a: Attrs, k: string): number {
  const v = a[k];
  if (v === undefined || v === '') throw invalid(k, `${k} can't be blank`);
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw invalid(k, `${k} must be an integer`);
  return n;
}

export function optionalInt(a: Attrs, k: string): number | undefined {
  return a[k] === undefined ? undefined : requiredInt(a, k);
}

export function optionalId(a: Attrs, k: string): string | undefined {
  const v = a[k];
  if (v === undefined) return undefined;
  if (typeof v === 'number') return String(v);
  return requiredString(a, k);
}

export function optionalBool(a: Attrs, k: string): boolean | undefined {
  const v = a[k];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw invalid(k, `${k} must be true or false`);
  return v;
}

export function optionalStringArray(a: Attrs, k: string): string[] | undefined {
  const v = a[k];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw invalid(k, `${k} must be an array of strings`);
  return v as string[];
}

export function optionalObject(a: Attrs, k: string): Record<string, unknown> | undefined {
  const v = a[k];
  if (v === undefined) return undefined;
  if (!isObject(v)) throw invalid(k, `${k} must be an object`);
  return v;
}
