/**
 * Which failures and answers may be repeated, and how long to wait first. The policy knows
 * which calls may have dialled a phone or queued a caller (mode `none`): undici does not.
 */
import type { CcError } from '../errors';

/**
 * - `none`: never repeat (a call that may have dialled a phone or queued a caller).
 * - `unprocessed`: repeat only what the server provably did not process: connection refused or
 *   not made, 429.
 * - `idempotent`: reads and idempotent writes: network errors, 429, 502, 503, 504.
 */
export type RetryMode = 'none' | 'unprocessed' | 'idempotent';

/** Network failure details that prove the server never saw the request. */
const UNPROCESSED = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND', 'EAI_AGAIN']);

export function retryableStatus(status: number, mode: RetryMode): boolean {
  if (mode === 'none') return false;
  if (status === 429) return true;
  return mode === 'idempotent' && (status === 502 || status === 503 || status === 504);
}

/**
 * A timeout is never repeated (the caller's deadline is spent; one that expired before the request
 * got a connection says so: `detail` NOT_SENT), nor is a cancelled or closed request.
 */
export function retryableError(err: CcError, mode: RetryMode): boolean {
  if (mode === 'none' || err.code !== 'NETWORK' || err.detail === 'CANCELLED' || err.detail === 'CLOSED') return false;
  return mode === 'idempotent' || (err.detail !== undefined && UNPROCESSED.has(err.detail));
}

/** `Retry-After` in ms: delta seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const when = Date.parse(value);
  return Number.isNaN(when) ? undefined : Math.max(0, when - Date.now());
}

/**
 * How long to wait before attempt `attempt + 1`: exponential backoff with jitter, at least what
 * `Retry-After` asks; undefined (give up now) when `Retry-After` asks for more than `max`.
 */
export function backoff(attempt: number, base: number, max: number, retryAfter?: string): number | undefined {
  const wait = Math.min(max, base * 2 ** attempt) * (0.5 + Math.random() * 0.5);
  const fromHeader = parseRetryAfter(retryAfter);
  if (fromHeader === undefined) return wait;
  return fromHeader > max ? undefined : Math.max(wait, fromHeader);
}
