/**
 * The virtualQ answer (docs/vendors/virtualq.md): parsed after the API key is redacted, and a
 * failed one turned into a contract error. The status rules are data (`RULES`) for the one
 * mapper, lib/errors.ts `errorCode`; the vendor's JSON:API `errors[0]` gives the words.
 */
import * as http from 'node:http';
import { CcError, errorCode, type ErrorCode, type ErrorRules, type VendorAnswer } from '../errors';
import { parseJsonOrText, redactAnswer, snippet, vendorAnswer, type HttpResponse, type Redactor } from '../http';
import { isObject, type Json } from './normalise';
import { VENDOR } from './schemas';

/**
 * virtualQ's rules: its `not-found` code is NOT_FOUND whatever the status, except that a refused
 * key (401/403) and a rate limit (429) keep their meaning; other statuses have their common one.
 */
export const RULES: ErrorRules = { byVendorCode: { 'not-found': 'NOT_FOUND' }, statusWins: [401, 403, 429] };

/** The contract code of a failed answer: its HTTP status and its JSON:API `errors[0].code`. */
export function codeFor(status: number, vendorCode: string | undefined): ErrorCode {
  return errorCode(status, RULES, vendorCode);
}

export interface Parsed {
  res: HttpResponse;
  body: unknown;
  vendor: VendorAnswer;
}

/** A server or proxy that echoes the key must not put it anywhere: redacted before parsing. */
export function answerOf(raw: HttpResponse, redact: Redactor): Parsed {
  const res = redactAnswer(raw, redact);
  const body = parseJsonOrText(res.text);
  return { res, body, vendor: vendorAnswer(res, res.text.trim() === '' ? null : body, redact) };
}

interface ApiError {
  status?: string;
  code?: string;
  title?: string;
  detail?: string;
}

/** JSON:API `errors[0]` (only the first matters); `status` may be a string or a number. */
export function firstError(body: unknown): ApiError | undefined {
  if (!isObject(body) || !Array.isArray(body.errors) || body.errors.length === 0) return undefined;
  const e: Json = body.errors[0];
  if (!isObject(e)) return undefined;
  const s = (v: Json | undefined): string | undefined => (v === undefined || v === null ? undefined : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return { status: s(e.status), code: s(e.code), title: s(e.title), detail: s(e.detail) };
}

/** A non-2xx answer → the contract's code, with the vendor's title/detail in the message. */
export function failure(op: string, a: Parsed, redact: Redactor): CcError {
  const status = a.res.status;
  const e = firstError(a.body);
  const code = codeFor(status, e?.code);
  let words: string | undefined;
  if (e) words = [e.title, e.detail].filter((x) => x !== undefined && x !== '').join(': ') || e.code;
  const statusText = `HTTP ${status}${http.STATUS_CODES[status] ? ' ' + http.STATUS_CODES[status] : ''}`;
  const notApi = !e && status === 404 && a.res.text.trim() !== '' && !isObject(a.body);
  const hint =
    code === 'AUTH_FAILED'
      ? '; check the API key'
      : code === 'RATE_LIMITED'
        ? ' after retries'
        : notApi
          ? ' (not an answer of the virtualQ API: check the URL)'
          : '';
  const message = redact(`virtualQ answered ${statusText}${words ? `: ${words}` : ''}${hint}`);
  return new CcError({ code, vendor: VENDOR, operation: op, status, message, detail: words ? redact(words) : undefined, answer: a.vendor });
}

/** A 2xx answer without what the operation needs. */
export function unexpected(op: string, a: Parsed, what: string): CcError {
  return new CcError({
    code: 'VENDOR_ERROR',
    vendor: VENDOR,
    operation: op,
    status: a.res.status,
    message: `expected ${what} in the answer (HTTP ${a.res.status})${snippet(a.res.text)}`,
    answer: a.vendor,
  });
}
