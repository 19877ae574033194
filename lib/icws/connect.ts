/**
 * Opening an ICWS session (docs/vendors/icws.md 2.1, 5): `POST /icws/connection` on the active
 * server, then on each host a 503 switchover answer names; the session items (id, CSRF token,
 * cookies, user, feature versions) of the answer; the headers every session request carries.
 */
import type { Readable } from 'node:stream';
import { CcError, forOperation } from '../errors';
import { CookieJar, parseJsonOrText, pathSegment, type HttpResponse, type Transport } from '../http';
import { VENDOR, errorBody, icwsError } from './answer';

export const ICWS_JSON = 'application/vnd.inin.icws+JSON';

/** One open server session and its message pump's state. */
export interface Live {
  id: string;
  csrf: string;
  jar: CookieJar;
  base: string;
  userID: string;
  messagingVersion: number;
  dialerVersion: number;
  stopped: boolean;
  stream?: Readable;
  pollTimer?: NodeJS.Timeout;
  wake?: () => void;
  /** The last SSE event id seen on this session: sent as `Last-Event-ID` when the stream reopens. */
  lastEventId?: string;
}

export interface LoginSettings {
  language: string;
  applicationName: string;
  username: string;
  password: string;
}

/**
 * Logs in on `first` (then `fallback`, then every alternate host a 503 names). Answers the
 * session and the base it was opened on. `isClosed` stops the walk when the session closes.
 */
export async function login(
  transport: Transport,
  s: LoginSettings,
  first: string,
  fallback: string,
  isClosed: () => boolean,
  counted: () => void,
): Promise<Live> {
  const queue = [first, fallback];
  const tried = new Set<string>();
  let last: CcError | undefined;
  // "None accepts → VENDOR_ERROR": a 503 outranks an unreachable alternate.
  let last503: CcError | undefined;
  while (queue.length) {
    const base = queue.shift() as string;
    if (tried.has(base)) continue;
    tried.add(base);
    if (isClosed()) throw closedError('connect');
    counted();
    let res: HttpResponse;
    try {
      res = await transport.request({
        operation: 'connect',
        method: 'POST',
        baseUrl: base,
        path: '/icws/connection',
        query: { include: 'features,effective-station' },
        headers: { 'Accept-Language': s.language, 'Content-Type': 'application/json', Accept: ICWS_JSON },
        body: JSON.stringify({
          __type: 'urn:inin.com:connection:icAuthConnectionRequestSettings',
          applicationName: s.applicationName,
          userID: s.username,
          password: s.password,
        }),
        retry: 'unprocessed',
      });
    } catch (err) {
      last = err as CcError;
      continue;
    }
    if (res.status === 201 || res.status === 200) return liveFrom(base, res, s.username);
    if (res.status === 503) {
      const hosts = errorBody(parseJsonOrText(res.text)).alternateHostList ?? [];
      for (const h of hosts) {
        const alt = alternateBase(base, h);
        if (alt) queue.push(alt);
      }
      last503 = icwsError('connect', res, (t) => transport.redact(t));
      continue;
    }
    // 400 authenticationFailure → AUTH_FAILED, anything else → its code (answer.ts).
    throw icwsError('connect', res, (t) => transport.redact(t));
  }
  throw last503 ?? last ?? new CcError({ code: 'VENDOR_ERROR', vendor: VENDOR, operation: 'connect', message: 'no server accepted the connection' });
}

/**
 * A value of the connect answer that goes into every request path (the session id, the user id):
 * one plain path segment, or VENDOR_ERROR naming it (never echoing it: it is a session secret).
 * A hostile or broken server must not make the package address another resource.
 */
function pathItem(field: string, value: string, status: number): string {
  const fail = (problem: string): CcError =>
    new CcError({ code: 'VENDOR_ERROR', vendor: VENDOR, operation: 'connect', status, field, message: `the connect answer's ${field} ${problem}: refused` });
  if (!value) throw fail('is missing');
  try {
    pathSegment(VENDOR, 'connect', field, value);
  } catch {
    throw fail('is a "." or ".." segment (also percent-encoded) or not valid Unicode text: it would address another resource');
  }
  if (value.length > 256) throw fail(`is ${value.length} characters long (at most 256)`);
  if (encodeURIComponent(value) !== value) throw fail('holds characters a URL path segment cannot carry as they are (/ ? # % space or control characters)');
  return value;
}

/** The CSRF token goes into a header of every request: no control characters, bounded. */
function headerItem(field: string, value: string, status: number): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value) || value.length > 4096) {
    throw new CcError({
      code: 'VENDOR_ERROR',
      vendor: VENDOR,
      operation: 'connect',
      status,
      field,
      message: `the connect answer's ${field} is not a usable header value (control characters or over 4096 characters): refused`,
    });
  }
  return value;
}

function liveFrom(base: string, res: HttpResponse, username: string): Live {
  const body = parseJsonOrText(res.text) as Record<string, unknown>;
  const b = body && typeof body === 'object' ? body : {};
  const id = pathItem('sessionId', String(b.sessionId ?? res.headers['inin-icws-session-id'] ?? ''), res.status);
  const csrf = headerItem('csrfToken', String(b.csrfToken ?? res.headers['inin-icws-csrf-token'] ?? ''), res.status);
  const userID = typeof b.userID === 'string' && b.userID ? pathItem('userID', b.userID, res.status) : username;
  const jar = new CookieJar();
  jar.store(res.setCookie);
  const features = Array.isArray(b.features) ? (b.features as Array<{ featureId?: unknown; version?: unknown }>) : [];
  const version = (name: string, dflt: number): number => {
    const f = features.find((x) => x && x.featureId === name);
    return f && typeof f.version === 'number' ? f.version : dflt;
  };
  return {
    id,
    csrf,
    jar,
    base,
    userID,
    // No features reported: assume the oldest server (short polling).
    messagingVersion: version('messaging', 1),
    dialerVersion: version('dialer', 2),
    stopped: false,
  };
}

/** Headers of every request of `live`'s session. */
export function sessionHeaders(live: Live, language: string, accept = ICWS_JSON): Record<string, string> {
  const h: Record<string, string> = { 'Accept-Language': language, Accept: accept, 'ININ-ICWS-CSRF-Token': live.csrf };
  const cookie = live.jar.header();
  if (cookie) h.Cookie = cookie;
  return h;
}

export function closedError(operation: string): CcError {
  return new CcError({ code: 'NETWORK', vendor: VENDOR, operation, message: 'the ICWS session was closed (node redeployed or stopped)' });
}

/** `host` or `host:port` in place of the host of `base` (same scheme, port and path prefix). */
export function alternateBase(base: string, host: string): string | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([\w.-]+))(?::(\d{1,5}))?$/.exec(host.trim());
  if (!m) return undefined;
  try {
    const u = new URL(base);
    u.hostname = m[1] ? `[${m[1]}]` : m[2];
    if (m[3]) u.port = m[3];
    return u.toString().replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}

/** A connect failure, named after the operation that needed the session. */
export function asOperation(err: unknown, operation: string): CcError {
  return forOperation(err, VENDOR, operation, 'could not open the session: ');
}
