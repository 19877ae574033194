/** The retry policy (which failures and statuses may be repeated) and the cause codes it reads. */
import type { CcError } from '../errors';
import type { RetryMode } from './transport';

/** The cause code of a network failure; undici's own codes named as Node's socket errors. */
export function causeCode(err: Error): string {
  const e = err as { code?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code ?? '';
  switch (code) {
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
    case 'UND_ERR_DESTROYED':
      return 'ECONNRESET';
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return 'ETIMEDOUT';
    default:
      return code;
  }
}

export function retryableStatus(status: number, mode: RetryMode): boolean {
  if (mode === 'none') return false;
  if (status === 429) return true;
  return mode === 'idempotent' && (status === 502 || status === 503 || status === 504);
}

/** Only connection refused is provably unprocessed; `idempotent` repeats any network failure. */
export function retryableError(err: CcError, mode: RetryMode): boolean {
  if (mode === 'none' || err.code !== 'NETWORK') return false;
  if (mode === 'idempotent') return true;
  return err.detail === 'ECONNREFUSED';
}

/** `Retry-After` in ms: delta seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const when = Date.parse(value);
  return Number.isNaN(when) ? undefined : Math.max(0, when - Date.now());
}
