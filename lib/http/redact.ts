/**
 * Removing credentials from anything that may reach a user: messages, URLs, headers, bodies.
 * Every form a secret takes on the wire is removed: raw, percent-encoded (either hex case, `+`
 * for a space), JSON-escaped, and any `Basic` / `Bearer` value. Redact first, cut short after.
 */

/** Header names whose values are credentials or session secrets (docs/contract.md 1). */
export const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'hash-key',
  'x-api-key',
  'auth-token',
  'x-dlg-authorization',
  'inin-icws-csrf-token',
  'x-csrf-token',
  // GWS names its CSRF header in this one; not a secret by itself, but part of the CSRF pair.
  'x-csrf-header',
]);

/** Secrets shorter than this are not redacted: replacing two letters everywhere would garble every text. */
export const MIN_SECRET_LENGTH = 3;

/** The text a `Basic` authorization carries for a user and password (to add to a secrets list). */
export function basicCredential(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
}

const formsCache = new Map<string, string[]>();

/** Every wire form of one secret, longest first (so that no shorter form splits a longer one). */
export function secretForms(secret: string): string[] {
  let forms = formsCache.get(secret);
  if (forms) return forms;
  const set = new Set<string>([secret]);
  let enc: string | undefined;
  try {
    enc = encodeURIComponent(secret);
  } catch {
    enc = undefined; // a lone surrogate: it cannot travel percent-encoded either
  }
  if (enc !== undefined) {
    set.add(enc);
    set.add(enc.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
    set.add(enc.replace(/%20/g, '+'));
    // encodeURIComponent leaves these; form encoders and some servers encode them.
    set.add(enc.replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()));
  }
  const json = JSON.stringify(secret).slice(1, -1);
  set.add(json);
  // Escapers that write non-ASCII as \uXXXX and `/` as `\/` (PHP, Java libraries).
  const ascii = json.replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  set.add(ascii);
  set.add(ascii.replace(/\//g, '\\/'));
  set.add(ascii.replace(/\\u([0-9a-f]{4})/g, (_m, h: string) => '\\u' + h.toUpperCase()));
  forms = [...set].filter((f) => f.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  if (formsCache.size > 1000) formsCache.clear();
  formsCache.set(secret, forms);
  return forms;
}

/** `Basic` / `Bearer` values, and Diyalog's `DLGA <keyId>:<signature>` (a signature replays for 15 min). */
const AUTH_SCHEME = /\b(Basic|Bearer|DLGA)(\s+|%20|\+)[A-Za-z0-9+/=._~:-]{6,}/gi;

/** Replaces every occurrence of every secret, in every wire form, with `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  if (!text) return text;
  // Runs on every answer: only touch the text where there is something to remove.
  let out = text.includes('@') ? text.replace(/(\/\/)[^/@\s:]+:[^/@\s]*@/g, '$1***:***@') : text;
  // Any authorization value, whoever's it is (a proxy's, a value the list does not hold); first,
  // while the value is whole.
  if (/basic|bearer|dlga/i.test(out)) out = out.replace(AUTH_SCHEME, '$1 ***');
  // Longest first: a secret that holds another (a token that starts with the password) goes whole.
  const list = secrets.length > 1 ? [...secrets].sort((a, b) => (b?.length ?? 0) - (a?.length ?? 0)) : secrets;
  for (const s of list) {
    if (!s || s.length < MIN_SECRET_LENGTH) continue;
    for (const f of secretForms(s)) if (out.includes(f)) out = out.split(f).join('***');
  }
  return out;
}

/**
 * A parsed value (vendor JSON) with every string and key redacted; bounded in depth (deeper
 * parts are replaced by a marker: nothing deeper than that reaches a msg from an answer).
 */
export function redactValue(value: unknown, redactText: (s: string) => string, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_REDACT_DEPTH) return '[too deep]';
  if (Array.isArray(value)) return value.map((v) => redactValue(v, redactText, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[redactText(k)] = redactValue(v, redactText, depth + 1);
  return out;
}

/** Depth beyond which a parsed answer is not walked (JSON.parse itself takes any depth). */
export const MAX_REDACT_DEPTH = 64;

/** Response/request headers as the contract shows them at `msg.vendor.headers`. */
export function safeHeaders(headers: Record<string, string | string[] | undefined>, extraSecret: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    const name = k.toLowerCase();
    if (v === undefined || SECRET_HEADERS.has(name) || extraSecret.includes(name)) continue;
    out[name] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}
