/**
 * virtualQ answers → the contract's shapes (docs/vendors/virtualq.md 3). The server sends dashed
 * attribute keys by default, underscored ones with `X-Keys-Format: underscore`, and other
 * clients have seen camel keys: every casing is read the same way. `properties` is user data
 * and stays verbatim at any depth.
 */

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

/** One JSON:API resource object as the server sends it. */
export interface Resource {
  id?: Json;
  type?: Json;
  attributes: JsonObject;
}

export interface Caller {
  id: number | string | null;
  lineId: number | string | null;
  lineName: string | null;
  phone: string | null;
  channel: string | null;
  source: string | null;
  ewt: number | null;
  waitTime: number | null;
  state: string | null;
  skills: Json[] | null;
  properties: Json;
  createdAt: string | null;
  updatedAt: string | null;
  connectedAt: string | null;
  notifiedAt: string | null;
  estimatedUpTimeAt: string | null;
}

/** A line or line group: `id` plus its attributes in camelCase. */
export type Normalised = { id: number | string | null } & { [k: string]: Json };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `virtualq-line-state`, `virtualq_line_state` and `virtualqLineState` → `virtualqLineState`. */
export function camelKey(key: string): string {
  let camel = camelKeys.get(key);
  if (camel === undefined) {
    camel = key.includes('-') || key.includes('_') ? key.replace(/[-_]+([a-zA-Z0-9])/g, (_m, c: string) => c.toUpperCase()) : key;
    // The API's attribute names repeat in every answer; a bound keeps odd keys from growing it.
    if (camelKeys.size < 4096) camelKeys.set(key, camel);
  }
  return camel;
}

const camelKeys = new Map<string, string>();

/** JSON:API ids are strings, the SDK reads integers: all digits → number, else the string. */
export function idValue(v: Json | undefined): number | string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return v;
  const s = String(v);
  return /^\d{1,15}$/.test(s) ? Number(s) : s;
}

/** camelCases keys recursively, except inside `properties`; `id` values become numbers when all digits. */
export function camelise(v: Json): Json {
  if (Array.isArray(v)) return v.map(camelise);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const k of Object.keys(v)) {
    const val = v[k];
    const key = camelKey(k);
    if (key === 'properties') out[key] = val;
    else if (key === 'id') out[key] = idValue(val);
    else out[key] = camelise(val);
  }
  return out;
}

/** A resource's attributes with camel keys (the first of several casings wins). */
function attrs(r: Resource): JsonObject {
  return camelise(r.attributes) as JsonObject;
}

function str(v: Json | undefined): string | null {
  if (v === undefined || v === null) return null;
  return typeof v === 'string' ? v : typeof v === 'object' ? null : String(v);
}

function num(v: Json | undefined): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  return null;
}

function first(...vs: Array<Json | undefined>): Json | undefined {
  return vs.find((v) => v !== undefined && v !== null);
}

/** The contract's caller from one waiter resource. */
export function toCaller(r: Resource): Caller {
  const a = attrs(r);
  const line = isObject(a.line) ? a.line : {};
  return {
    id: idValue(r.id),
    lineId: idValue(first(line.id, a.lineId)),
    lineName: str(first(line.name, a.lineName)),
    phone: str(a.phone),
    channel: str(a.channel),
    source: str(a.source),
    ewt: num(a.ewt),
    waitTime: num(first(a.waitTime, a.waitingTimeInSeconds)),
    state: str(a.virtualqWaiterState),
    skills: Array.isArray(a.skills) ? a.skills : null,
    properties: a.properties ?? null,
    createdAt: str(a.createdAt),
    updatedAt: str(a.updatedAt),
    connectedAt: str(a.connectedAt),
    notifiedAt: str(a.notifiedAt),
    estimatedUpTimeAt: str(a.estimatedUpTimeAt),
  };
}

/** A line or a line group: `{id, ...attributes}` in camelCase. */
export function toPlain(r: Resource): Normalised {
  return { id: idValue(r.id), ...attrs(r) };
}

/** Reads `{"data": ...}` items as resources; anything else is not a JSON:API document. */
export function asResource(v: unknown): Resource | undefined {
  if (!isObject(v)) return undefined;
  const a = v.attributes;
  if (a !== undefined && a !== null && !isObject(a)) return undefined;
  return { id: v.id, type: v.type, attributes: (a as JsonObject | undefined) ?? {} };
}
