/**
 * The queueing-service side (what `diyalog-interaction-in` serves), free of Node-RED:
 * reading a CreateInteraction body, the answer envelopes, the Auth-Token check
 * (docs/vendors/diyalog.md 2.1, 3.1, 3.2, 5.1). Built for the hot path: the schema is compiled
 * once, fixed answers are pre-serialised, the token digest is computed once.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ErrorObject } from 'ajv';
import { jsonDeeperThan } from '../http/answer';
import { compile, fieldOf } from '../validate';
import { UNSAFE_KEYS, flattenAttachedData, listAttachedData, type AttachedData, type AttachedDataEntry } from './attached-data';
import { inboundCreateSchema } from './schemas';

/** Largest CreateInteraction body accepted (bytes). */
export const MAX_INBOUND_BODY = 100 * 1024;
/**
 * Deepest nesting of objects/arrays in a body (the body itself is level 1). A msg is cloned
 * recursively when a node's output is wired to two nodes: 3,000 levels crashed Node-RED.
 */
export const MAX_INBOUND_DEPTH = 32;
/** Most object keys plus array elements in one body, counted over every level. */
export const MAX_INBOUND_KEYS = 1000;

export interface InboundCreatePayload {
  identityNumber?: string;
  customerId: string;
  attachedData: AttachedData;
  /** `attachedData` unflattened: every key/value pair as received, repeated keys kept. */
  attachedDataList: AttachedDataEntry[];
  [field: string]: unknown;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const validateCreate = compile<Record<string, unknown>>(inboundCreateSchema);

function describe(err: ErrorObject | undefined): string {
  if (!err) return 'request body breaks the CreateInteraction contract';
  const field = fieldOf(err);
  if (err.keyword === 'required') return `${field} is required`;
  if (field === 'customerId') return 'customerId must be a non-empty string';
  if (field === 'attachedData') return 'attachedData must be an array of objects or an object';
  if (field === 'identityNumber') return 'identityNumber must be a string';
  if (field === '(input)') return 'request body must be a JSON object';
  return `${field} ${err.message ?? 'is invalid'}`;
}

/**
 * Reads a CreateInteraction body whatever the Content-Type says (Diyalog does not state one).
 * `contentType` only makes the error message more helpful.
 */
export function parseCreateInteraction(raw: string, contentType?: string): Parsed<InboundCreatePayload> {
  // Bounded before parsing: JSON.parse would build any depth, the flow's clones would not.
  if (jsonDeeperThan(raw, MAX_INBOUND_DEPTH)) return { ok: false, message: DEPTH_MESSAGE };
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    const ct = contentType && !/json|text\/plain/i.test(contentType) ? ` (Content-Type ${contentType.split(';')[0]}; a JSON body is expected)` : '';
    return { ok: false, message: raw.trim() === '' ? 'request body is empty' : `request body is not valid JSON${ct}` };
  }
  return normaliseCreateInteraction(body);
}

/** Checks and normalises an already parsed body (e.g. parsed by an httpNodeMiddleware). */
export function normaliseCreateInteraction(body: unknown): Parsed<InboundCreatePayload> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, message: 'request body must be a JSON object' };
  const shape = checkShape(body);
  if (shape) return { ok: false, message: shape };
  if (!validateCreate(body)) return { ok: false, message: describe(validateCreate.errors?.[0]) };
  const flat = flattenAttachedData(body.attachedData);
  if (!flat.ok) return { ok: false, message: flat.message };
  const out = {} as InboundCreatePayload;
  // Keys copied one by one, never one that could reach a prototype later (e.g. a msg clone).
  for (const k of Object.keys(body)) if (!UNSAFE_KEYS.has(k)) out[k] = body[k];
  const idn = body.identityNumber;
  if (idn === undefined || idn === null) delete out.identityNumber;
  else out.identityNumber = String(idn);
  out.customerId = String(body.customerId);
  out.attachedData = flat.value;
  out.attachedDataList = listAttachedData(body.attachedData);
  return { ok: true, value: out };
}

const DEPTH_MESSAGE = `request body is nested deeper than ${MAX_INBOUND_DEPTH} levels`;

/**
 * Depth and width of a parsed body, walked without recursion (an already parsed body may be
 * of any depth); a message naming the bound that is passed, else undefined.
 */
export function checkShape(body: unknown, maxDepth = MAX_INBOUND_DEPTH, maxKeys = MAX_INBOUND_KEYS): string | undefined {
  const stack: Array<[unknown, number]> = [[body, 1]];
  let keys = 0;
  while (stack.length) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    if (depth > maxDepth) return DEPTH_MESSAGE;
    const children = Array.isArray(v) ? v : Object.values(v);
    keys += children.length;
    if (keys > maxKeys) return `request body has more than ${maxKeys} keys and array elements`;
    for (const c of children) if (c !== null && typeof c === 'object') stack.push([c, depth + 1]);
  }
  return undefined;
}

/** The interaction id of `DELETE <path>/<id>`: the last segment, percent-decoded. */
export function interactionIdFromSegment(segment: string): Parsed<string> {
  let id: string;
  try {
    id = decodeURIComponent(segment);
  } catch {
    return { ok: false, message: 'interaction id is not valid percent-encoding' };
  }
  if (id.trim() === '') return { ok: false, message: 'interaction id is empty' };
  return { ok: true, value: id };
}

/** `{"success":…,"errorMessage":…,"result":…}` as text. */
export function envelope(success: boolean, errorMessage: string | null, result: unknown): string {
  return JSON.stringify({ success, errorMessage, result });
}

export function createdEnvelope(interactionId: string): string {
  return envelope(true, null, { interactionId });
}

export const DELETED_ENVELOPE = envelope(true, null, null);

export function failureEnvelope(errorMessage: string): string {
  return envelope(false, errorMessage, null);
}

export const RESPONSE_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Constant-time Auth-Token check: both sides are hashed to equal-length digests first, so
 * neither the content nor the length of the expected token leaks through timing.
 */
export class TokenCheck {
  private readonly expected: Buffer | null;

  constructor(token: string | undefined) {
    this.expected = token ? createHash('sha256').update(token, 'utf8').digest() : null;
  }

  get required(): boolean {
    return this.expected !== null;
  }

  matches(given: string | string[] | undefined): boolean {
    if (!this.expected) return true;
    if (typeof given !== 'string') return false;
    return timingSafeEqual(createHash('sha256').update(given, 'utf8').digest(), this.expected);
  }
}
