/** Removing credentials from anything that may reach a user: messages, URLs, headers. */

/** Header names whose values are credentials or session secrets (CONTRACT.md 1). */
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

/** Replaces every occurrence of every secret (and its URL-encoded form) with `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  // Runs on every answer: only touch the text where there is something to remove.
  let out = text.includes('@') ? text.replace(/(\/\/)[^/@\s:]+:[^/@\s]*@/g, '$1***:***@') : text;
  for (const s of secrets) {
    if (!s || s.length < 3) continue;
    if (out.includes(s)) out = out.split(s).join('***');
    const enc = encodeURIComponent(s);
    if (enc !== s && out.includes(enc)) out = out.split(enc).join('***');
  }
  return out;
}

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
