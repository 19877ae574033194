/**
 * Diyalog's `attachedData` comes in two documented shapes (docs/vendors/diyalog.md 3.1, 6): the
 * documented array of one-key objects and, since 2025-04-29, a flat object. Receivers flatten;
 * senders use the array form unless told otherwise.
 */

export type AttachedData = Record<string, unknown>;
/** One key/value pair of `attachedData` as received (the unflattened form). */
export interface AttachedDataEntry {
  key: string;
  value: unknown;
}
export type AttachedDataShape = 'array' | 'object';

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Keys that must never be copied into a fresh object (prototype pollution). */
export const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function assign(into: AttachedData, from: Record<string, unknown>): void {
  for (const k of Object.keys(from)) {
    if (UNSAFE_KEYS.has(k)) continue;
    into[k] = from[k];
  }
}

/**
 * Array → keys of every element merged in order (a later duplicate wins); object → copied;
 * missing or null → {}. Returns a message naming the problem for anything else.
 */
export function flattenAttachedData(v: unknown): { ok: true; value: AttachedData } | { ok: false; message: string } {
  const out: AttachedData = {};
  if (v === undefined || v === null) return { ok: true, value: out };
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const el: unknown = v[i];
      if (!isPlainObject(el)) return { ok: false, message: `attachedData[${i}] must be an object` };
      assign(out, el);
    }
    return { ok: true, value: out };
  }
  if (isPlainObject(v)) {
    assign(out, v);
    return { ok: true, value: out };
  }
  return { ok: false, message: 'attachedData must be an array of objects or an object' };
}

/**
 * Every key/value pair in the order received, repeated keys kept (what flattening loses):
 * array → one entry per key of each element; object → one per key; missing or null → [].
 * Call it on a value `flattenAttachedData` accepted. Keys that could reach a prototype are left
 * out, as in the flat object.
 */
export function listAttachedData(v: unknown): AttachedDataEntry[] {
  const out: AttachedDataEntry[] = [];
  const add = (from: Record<string, unknown>): void => {
    for (const k of Object.keys(from)) if (!UNSAFE_KEYS.has(k)) out.push({ key: k, value: from[k] });
  };
  if (Array.isArray(v)) {
    for (const el of v) if (isPlainObject(el)) add(el);
  } else if (isPlainObject(v)) add(v);
  return out;
}

/**
 * The wire form a client sends. `array`: an object `{a,b}` becomes `[{a},{b}]`, an array is
 * sent as given; `object`: both become one flat object. Non-object array elements are refused
 * (returns the index at fault).
 */
export function encodeAttachedData(v: AttachedData | unknown[], shape: AttachedDataShape): { ok: true; value: unknown } | { ok: false; index: number } {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!isPlainObject(v[i])) return { ok: false, index: i };
    if (shape === 'array') return { ok: true, value: v };
    const flat = flattenAttachedData(v);
    return flat.ok ? { ok: true, value: flat.value } : { ok: false, index: -1 };
  }
  if (shape === 'object') return { ok: true, value: { ...v } };
  return { ok: true, value: Object.keys(v).map((k) => ({ [k]: v[k] })) };
}
