/**
 * Turning an HTTP answer into what a client may read and `msg.vendor` shows. The one place
 * where vendor answers are redacted: every client passes every answer through `redactAnswer`
 * (or `vendorAnswer`, which does it too) before it reads, parses, cuts or shows any of it.
 */
import { CcError, type VendorAnswer } from '../errors';
import { redactValue, safeHeaders } from './redact';
import type { HttpResponse } from './transport';

/** A function that removes every secret a client holds from a text (`transport.redact`). */
export type Redactor = (text: string) => string;

/** Answers already redacted (their text and header values hold no secret). */
const clean = new WeakSet<object>();

/**
 * The answer with every secret removed from its body text and header values. Cookies to store
 * (`setCookie`) are left out: a session reads them from the raw answer, nobody else needs them.
 */
export function redactAnswer(res: HttpResponse, redact: Redactor): HttpResponse {
  if (clean.has(res)) return res;
  const headers: Record<string, string> = {};
  for (const k in res.headers) headers[k] = redact(res.headers[k]);
  const out: HttpResponse = { status: res.status, headers, setCookie: [], text: redact(res.text), url: redact(res.url) };
  if (res.stream) out.stream = res.stream;
  clean.add(out);
  return out;
}

/**
 * The vendor answer for `msg.vendor`: status, headers without credentials (`dropHeaders` adds
 * vendor-specific names), and the body: `body` when given (parsed by the client), else the JSON
 * or text of the answer. Everything redacted, whatever the caller did before.
 */
export function vendorAnswer(res: HttpResponse, body: unknown, redact: Redactor, dropHeaders: readonly string[] = []): VendorAnswer {
  const wasClean = clean.has(res);
  const r = redactAnswer(res, redact);
  let shown: unknown;
  if (body === undefined) shown = parseJsonOrText(r.text, r.headers['content-type']);
  else shown = wasClean ? body : redactValue(body, redact);
  return { status: r.status, headers: safeHeaders(r.headers, dropHeaders), body: shown };
}

/** An error with its message, detail and answer redacted (a last pass on what a session threw). */
export function redactError(err: unknown, redact: Redactor): unknown {
  if (!(err instanceof CcError)) {
    if (err instanceof Error) err.message = redact(err.message);
    return err;
  }
  const prefix = `${err.vendor} ${err.operation}: `;
  const own = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
  const a = err.answer;
  return new CcError({
    code: err.code,
    vendor: err.vendor,
    operation: err.operation,
    message: redact(own),
    status: err.status,
    detail: err.detail === undefined ? undefined : redact(err.detail),
    field: err.field,
    answer: a && { status: a.status, headers: redactValue(a.headers, redact) as Record<string, string>, body: redactValue(a.body, redact) },
    cause: err.cause,
  });
}

/** `text` cut to `max` characters (after redaction: never cut a secret in half and show its start). */
export function snippet(text: string, max = 160): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (!t) return '';
  return `: ${t.length > max ? t.slice(0, max) + '…' : t}`;
}

/** Deepest JSON nesting parsed from an answer; deeper JSON stays text (a msg holding it could not be cloned). */
export const MAX_ANSWER_DEPTH = 64;

/** Parsed JSON where the text is JSON (by its look or its content type), else the text. */
export function parseJsonOrText(text: string, contentType?: string): unknown {
  const t = text.trim();
  if (t.startsWith('{') || t.startsWith('[') || (t !== '' && /json/i.test(contentType ?? ''))) {
    if (jsonDeeperThan(t, MAX_ANSWER_DEPTH)) return text;
    try {
      return JSON.parse(t);
    } catch {
      return text;
    }
  }
  return text;
}

/** Whether JSON text nests objects/arrays deeper than `max` (one pass, strings skipped). */
export function jsonDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

/** Whether a parsed value nests objects/arrays deeper than `max` (walked without recursion). */
export function valueDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    if (depth > max) return true;
    for (const c of Array.isArray(v) ? v : Object.values(v)) if (c !== null && typeof c === 'object') stack.push([c, depth + 1]);
  }
  return false;
}
