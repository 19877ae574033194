/**
 * Path segments are data, never navigation: an id that lands in a URL path is percent-encoded,
 * and one that is empty, `.` or `..` (also once percent-decoded, e.g. `%2e%2E`) is refused
 * before anything is sent. `new URL` would collapse it: `DELETE /x/..` becomes `DELETE /`.
 */
import { CcError } from '../errors';

/** The segment of `field` for a URL path; INVALID_INPUT naming the field (and nothing sent) otherwise. */
export function pathSegment(vendor: string, operation: string, field: string, value: unknown): string {
  const fail = (problem: string): CcError => new CcError({ code: 'INVALID_INPUT', vendor, operation, field, message: `${field} ${problem}` });
  if (value === undefined || value === null) throw fail('is required');
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint') throw fail('must be a string or a number');
  const text = String(value);
  if (text.trim() === '') throw fail('must not be empty');
  if (/\p{Cs}/u.test(text)) throw fail('is not valid Unicode text (it holds a lone surrogate)');
  if (isDotSegment(text)) throw fail(`must not be "${text}" (it would address another resource)`);
  return encodeURIComponent(text);
}

/** `.` / `..` as a URL parser sees them: after percent-decoding, repeatedly (`%252e` too). */
export function isDotSegment(text: string): boolean {
  let t = text;
  for (let i = 0; i < 5; i++) {
    const bare = t.trim();
    if (bare === '.' || bare === '..') return true;
    if (!t.includes('%')) return false;
    let next: string;
    try {
      next = decodeURIComponent(t);
    } catch {
      next = t.replace(/%2e/gi, '.');
    }
    if (next === t) return false;
    t = next;
  }
  return false;
}
