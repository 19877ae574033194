/**
 * `scheduledTime` of a disposition: the vendor wants whole seconds since 1970-01-01 UTC
 * (the ICWS Dialer document, docs/vendors/icws.md); flows give an ISO string, a Date or epoch milliseconds.
 */

/** Epoch ms below this (1973-03-03) are taken for a mistake (probably seconds already). */
export const MIN_EPOCH_MS = 1e11;

/** Seconds since the epoch, or an error text naming what is wrong. */
export function toEpochSeconds(v: unknown): { seconds: number } | { problem: string } {
  let ms: number;
  if (v instanceof Date) ms = v.getTime();
  else if (typeof v === 'number') ms = v;
  else if (typeof v === 'string' && /^\s*\d+\s*$/.test(v)) ms = Number(v);
  else if (typeof v === 'string') {
    const t = v.trim();
    // An ISO date needs a time zone to be a UTC instant; a bare date-time would be local time.
    if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(t)) {
      return { problem: 'must be an ISO 8601 date-time with a time zone (e.g. 2025-05-02T10:00:00Z), a Date or epoch milliseconds' };
    }
    ms = Date.parse(t.length === 10 ? `${t}T00:00:00Z` : t);
  } else return { problem: 'must be an ISO 8601 string, a Date or epoch milliseconds' };
  if (!Number.isFinite(ms)) return { problem: 'is not a valid date' };
  if (ms < MIN_EPOCH_MS) return { problem: 'looks like seconds or a small number; give epoch milliseconds, an ISO string or a Date' };
  return { seconds: Math.floor(ms / 1000) };
}
