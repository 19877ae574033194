/**
 * ICWS answers → contract results and errors (docs/vendors/icws.md §5). The one place where an
 * ICWS status becomes an error code; match on status and errorId/errorCode, never on text.
 */
import { CcError, errorCode, type ErrorCode, type ErrorRules, type VendorAnswer } from '../errors';
import { parseJsonOrText, redactAnswer, snippet, vendorAnswer, type HttpResponse, type Redactor } from '../http';

export const VENDOR = 'ICWS';

/** Session secrets beside the contract's list: the session id travels in these too. */
const SESSION_HEADERS = ['inin-icws-session-id', 'location'];

export interface IcwsErrorBody {
  errorId?: string;
  errorCode?: number;
  message?: string;
  alternateHostList?: string[];
}

export function errorBody(body: unknown): IcwsErrorBody {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return {};
  const b = body as Record<string, unknown>;
  const out: IcwsErrorBody = {};
  if (typeof b.errorId === 'string') out.errorId = b.errorId;
  if (typeof b.errorCode === 'number') out.errorCode = b.errorCode;
  if (typeof b.message === 'string') out.message = b.message;
  if (Array.isArray(b.alternateHostList)) out.alternateHostList = b.alternateHostList.filter((h): h is string => typeof h === 'string' && h.length > 0);
  return out;
}

/** The answer as `msg.vendor` shows it: no cookie, CSRF token, session id or echoed secret. */
export function icwsVendorAnswer(res: HttpResponse, redact: Redactor): VendorAnswer {
  return vendorAnswer(res, undefined, redact, SESSION_HEADERS);
}

export const AUTH_FAILURE_ID = 'error.request.connection.authenticationFailure';
export const AUTH_FAILURE_CODE = -2147221503;

/** Dialer: a 404 is "no call to disposition / no preview pending": the agent is not in a state for it. */
const DIALER_RULES: ErrorRules = { byStatus: { 404: 'CONFLICT' } };

/** ICWS's rules per operation (lib/errors.ts `errorCode` applies them); others follow the Dialer's. */
const RULES: Readonly<Record<string, ErrorRules>> = {
  // The log-in refused: ICWS answers 400 with its authentication-failure id (or code).
  connect: { byVendorCode: { [AUTH_FAILURE_ID]: 'AUTH_FAILED', [String(AUTH_FAILURE_CODE)]: 'AUTH_FAILED' }, byStatus: { 404: 'CONFLICT' } },
  // A status id or user that does not exist.
  setStatus: {},
};

/** Code for a failed session request (after the one repeat a 401/503 gets). */
export function codeFor(operation: string, status: number, body: IcwsErrorBody): ErrorCode {
  const rules = RULES[operation] ?? DIALER_RULES;
  const own = body.errorId !== undefined && rules.byVendorCode?.[body.errorId] ? body.errorId : body.errorCode;
  return errorCode(status, rules, own);
}

const HINTS: Partial<Record<number, string>> = {
  401: 'the session was refused again after reconnecting',
  403: 'no Dialer licence or a missing right (e.g. Logon Campaign)',
  404: 'the agent has no Dialer call (or no preview call) for this',
  429: 'rate limited after retries',
};

export function icwsError(operation: string, raw: HttpResponse, redact: Redactor): CcError {
  // Redacted before anything is read or cut short.
  const res = redactAnswer(raw, redact);
  const answer = icwsVendorAnswer(res, redact);
  const body = errorBody(answer.body);
  const code = codeFor(operation, res.status, body);
  const own = body.message || undefined;
  const parts = [own ?? (typeof answer.body === 'string' && answer.body.trim() ? snippet(answer.body).slice(2) : `HTTP ${res.status}`)];
  const id = body.errorId ?? (body.errorCode !== undefined ? String(body.errorCode) : undefined);
  const meta = [`HTTP ${res.status}`, id].filter(Boolean).join(', ');
  const hint = code === 'AUTH_FAILED' && operation === 'connect' ? 'check user name and password' : HINTS[res.status];
  const message = `${parts[0]} (${meta})${hint ? `: ${hint}` : ''}`;
  return new CcError({ code, vendor: VENDOR, operation, status: res.status, message, detail: own, answer });
}

/** Dialer/status answers are JSON objects or empty: `{ok: true, ...fields}`. */
export function okPayload(res: HttpResponse): Record<string, unknown> {
  const body = parseJsonOrText(res.text);
  if (body && typeof body === 'object' && !Array.isArray(body)) return { ...(body as Record<string, unknown>), ok: true };
  return { ok: true };
}
