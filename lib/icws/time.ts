/**
 * `scheduledTime` of a disposition: the vendor wants whole seconds since 1970-01-01 UTC
 * (the ICWS Dialer document, docs/vendors/icws.md 3); flows give an ISO string, a Date, epoch
 * seconds (the vendor's own unit) or epoch milliseconds.
 */

/**
 * A number below this is epoch seconds, at or above it epoch milliseconds: 10^11 s is the year
 * 5138 and 10^11 ms is 1973-03-03, so both readings are unambiguous for any date after 1973.
 */
export const SECONDS_BELOW = 1e11;

/** Seconds since the epoch, or an error text naming what is wrong. */
export function toEpochSeconds(v: unknown): { seconds: number } | { problem: string } {
  let ms: number;
  if (v instanceof Date) ms = v.getTime();
  else if (typeof v === 'number' || (typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v))) {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) return { problem: 'must be a date after 1970 (epoch seconds or milliseconds)' };
    ms = n < SECONDS_BELOW ? n * 1000 : n;
  } else if (typeof v === 'string') {
    const t = v.trim();
    // An ISO date needs a time zone to be a UTC instant; a bare date-time would be local time.
    if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(t)) {
      return { problem: 'must be an ISO 8601 date-time with a time zone (e.g. 2025-05-02T10:00:00Z), a Date, epoch seconds or epoch milliseconds' };
    }
    ms = Date.parse(t.length === 10 ? `${t}T00:00:00Z` : t);
  } else return { problem: 'must be an ISO 8601 string, a Date, epoch seconds or epoch milliseconds' };
  if (!Number.isFinite(ms)) return { problem: 'is not a valid date' };
  if (ms < 0) return { problem: 'must be a date after 1970' };
  return { seconds: Math.floor(ms / 1000) };
}
