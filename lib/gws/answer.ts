/**
 * The GWS answer classifier (docs/vendors/gws.md §5): one place that turns any of the three answer
 * styles of the GWS Interactions API document and the newer API into success or a contract error.
 *
 * - `{"statusCode":n,"statusMessage":"…"}` (n a number or a string): 0 success, 7 partial;
 * - `{"status":"ok"|0}` / `{"status":"error","errorDescription":"…"}` (status-style operations);
 * - an empty 2xx body (Accept/Reject per the GWS Interactions API document's text).
 */
import { CcError, codeForStatus, errorCode, type ErrorCode, type ErrorRules, type VendorAnswer } from '../errors';
import { parseJsonOrText, redact as redactWith, redactAnswer, snippet, vendorAnswer, type HttpResponse, type Redactor } from '../http';

export const VENDOR = 'GWS';

/** GWS return values (HTCC "Return Values") → contract error codes, as data for `errorCode`. */
const RULES: ErrorRules = {
  byVendorCode: { 2: 'CONFLICT', 3: 'CONFLICT', 18: 'CONFLICT', 19: 'CONFLICT', 5: 'AUTH_FAILED', 8: 'AUTH_FAILED', 20: 'AUTH_FAILED', 6: 'NOT_FOUND' },
};

/** The code of a refusal by its `statusCode` alone (whatever the HTTP status). */
export function codeForStatusCode(n: number): ErrorCode {
  return errorCode(undefined, RULES, n);
}

export interface Classified {
  body: unknown;
  /** `statusCode` 7: some channels failed. */
  partial: boolean;
  answer: VendorAnswer;
}

/** The answer as `msg.vendor` shows it: no cookie, no CSRF header name or token, no auth echo. */
export function vendorAnswerOf(res: HttpResponse, body: unknown, redact: Redactor): VendorAnswer {
  return vendorAnswer(res, body, redact, ['x-csrf-header', 'x-csrf-token', 'www-authenticate']);
}

/** Without the session's secrets at hand: still no `Basic` / `Bearer` value. */
const authValuesOnly: Redactor = (s) => redactWith(s, []);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function words(o: Record<string, unknown>): string | undefined {
  for (const k of ['statusMessage', 'errorDescription', 'description', 'message']) {
    if (typeof o[k] === 'string' && o[k]) return o[k] as string;
  }
  return undefined;
}

/** Classifies one answer; throws a CcError for a refusal, returns the parsed body otherwise. */
export function classify(operation: string, raw: HttpResponse, redact: Redactor = authValuesOnly): Classified {
  // Redacted before anything is parsed, cut short or shown.
  const res = redactAnswer(raw, redact);
  const body = res.text.trim() === '' ? '' : parseJsonOrText(res.text);
  const answer = vendorAnswerOf(res, body, redact);
  const ok2xx = res.status >= 200 && res.status < 300;
  const fail = (code: ErrorCode, message: string, detail?: string): CcError =>
    new CcError({ code, vendor: VENDOR, operation, status: res.status, message: redact(message), detail: detail && redact(detail), answer });

  if (res.status === 429) throw fail('RATE_LIMITED', 'GWS answered 429 Too Many Requests after retries');
  if (isObject(body) && body.statusCode !== undefined && body.statusCode !== null && body.statusCode !== '') {
    const n = Number(body.statusCode);
    if (n === 0 || n === 7) {
      if (!ok2xx) throw fail(codeForStatus(res.status), `GWS answered HTTP ${res.status}`);
      return { body, partial: n === 7, answer };
    }
    const text = words(body);
    const code = Number.isFinite(n) ? codeForStatusCode(n) : codeForStatus(res.status);
    throw fail(code, `${text ?? 'refused'} (statusCode ${String(body.statusCode)}, HTTP ${res.status})`, text);
  }
  if (isObject(body) && body.status !== undefined) {
    const s = body.status;
    const success = s === 0 || s === '0' || (typeof s === 'string' && s.toLowerCase() === 'ok');
    if (success && ok2xx) return { body, partial: false, answer };
    const text = words(body);
    const n = typeof s === 'number' ? s : Number.NaN;
    const code = n > 0 ? codeForStatusCode(n) : ok2xx ? 'VENDOR_ERROR' : codeForStatus(res.status);
    throw fail(code, `${text ?? `status ${String(s)}`} (HTTP ${res.status})`, text);
  }
  if (ok2xx) return { body: body === '' ? {} : body, partial: false, answer };
  if (res.status === 403 && typeof body === 'string' && /csrf/i.test(body)) {
    throw fail('AUTH_FAILED', `GWS refused the CSRF token after a session refresh: ${body.trim()}`, body.trim());
  }
  throw fail(codeForStatus(res.status), `GWS answered HTTP ${res.status}${typeof body === 'string' ? snippet(body) : ''}`);
}

/** `"http://…/api/v2/interactions/00027aKQ3TSR001B"` → `00027aKQ3TSR001B` (decoded). */
export function idFromUri(uri: string): string {
  const last =
    uri
      .replace(/[?#].*$/, '')
      .replace(/\/+$/, '')
      .split('/')
      .pop() ?? '';
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}
