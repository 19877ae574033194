/**
 * The ICWS simulator's sessions at the door (docs/vendors/icws.md 2): `POST /icws/connection`
 * (201 + session id, CSRF token, cookie; wrong credentials → 400 authenticationFailure) and the
 * check of every session request (cookie, and the CSRF header except on the message GET: 401
 * without them). Also the answer helpers the other parts share. Written from docs/vendors/icws.md alone.
 */
import type * as http from 'node:http';
import { header, sendJson, type SimRequest } from '../common';
import { err, type Answer, type IcwsMessage } from './dialer';
import type { IcwsState, SimSession } from './state';

const ICWS_TYPE = 'application/vnd.inin.icws+json; charset=utf-8';
const WWW_AUTH = { 'www-authenticate': 'ICWS realm="ICWS" location="/ICWS/connection"' };

export function send(res: http.ServerResponse, a: Answer, headers: Record<string, string> = {}): void {
  if (a.body === undefined) {
    res.writeHead(a.status, { 'content-length': '0', ...headers });
    res.end();
    return;
  }
  sendJson(res, a.status, a.body, { 'content-type': ICWS_TYPE, ...headers });
}

export const notFound = (): Answer => err(404, 'The resource was not found.', 'error.request.notFound');

function parseCookies(h: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of h.split(/;\s*/)) {
    const i = part.indexOf('=');
    if (i > 0) m.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return m;
}

/** Parses a JSON object body; an empty body is `{}`. */
export function objectBody(req: SimRequest): Record<string, unknown> | Answer {
  if (!req.body.trim()) return {};
  const ct = header(req, 'content-type').toLowerCase();
  if (ct && !ct.includes('json')) return err(415, 'The content type is not supported.', 'error.request.unsupportedMediaType');
  let v: unknown;
  try {
    v = JSON.parse(req.body);
  } catch {
    return err(400, 'The request body is not valid JSON.', 'error.request.invalidRepresentation');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return err(400, 'The request body must be a JSON object.', 'error.request.invalidRepresentation');
  return v as Record<string, unknown>;
}

export function isAnswer(v: unknown): v is Answer {
  return typeof v === 'object' && v !== null && typeof (v as Answer).status === 'number' && Object.keys(v).every((k) => k === 'status' || k === 'body');
}

/** `POST /icws/connection`: a new session for good credentials. */
export function connect(st: IcwsState, prefix: string, emit: (s: SimSession, m: IcwsMessage) => void, req: SimRequest, res: http.ServerResponse): void {
  st.stats.connectAttempts++;
  const settings = st.settings;
  const language = header(req, 'accept-language');
  if (!language) return send(res, err(400, 'The Accept-Language header is required.', 'error.request.connection.languageRequired'));
  const body = objectBody(req);
  if (isAnswer(body)) return send(res, body);
  if (body.__type !== 'urn:inin.com:connection:icAuthConnectionRequestSettings') {
    return send(res, err(400, 'The connection request type is not supported.', 'error.request.invalidRepresentation'));
  }
  const { userID, password, applicationName } = body;
  if (typeof applicationName !== 'string' || !applicationName) {
    return send(res, err(400, 'applicationName is required.', 'error.request.invalidRepresentation'));
  }
  const user = typeof userID === 'string' ? settings.users[userID] : undefined;
  if (!user || typeof password !== 'string' || user.password !== password) {
    st.stats.failedLogins++;
    return send(res, err(400, 'The authentication process failed.', 'error.request.connection.authenticationFailure', -2147221503));
  }
  const s = st.newSession(userID as string, language.split(',')[0].trim(), applicationName, emit);
  const include = (req.query.include ?? '').split(',').map((x) => x.trim());
  const out: Record<string, unknown> = {
    sessionId: s.id,
    csrfToken: s.csrf,
    alternateHostList: settings.alternateHosts,
    userID: s.userID,
    userDisplayName: user.displayName ?? s.userID,
    icServer: 'cic-sim',
  };
  if (include.includes('features')) {
    out.features = [
      { featureId: 'messaging', version: settings.messagingVersion },
      { featureId: 'dialer', version: settings.dialerVersion },
    ];
  }
  if (include.includes('effective-station')) out.effectiveStation = null;
  send(
    res,
    { status: 201, body: out },
    {
      'inin-icws-session-id': s.id,
      'inin-icws-csrf-token': s.csrf,
      location: `${prefix}/icws/${s.id}/connection`,
      'set-cookie': `${s.cookieName}=${s.cookieValue}; Path=${prefix}/icws/${s.id}; HttpOnly`,
    },
  );
}

/**
 * The session a request may use, or false once a 401 was sent: unknown or doomed session (the
 * message GET of a doomed one still reads its last messages), wrong cookie, wrong CSRF token.
 */
export function admit(st: IcwsState, sid: string, isMessages: boolean, req: SimRequest, res: http.ServerResponse): SimSession | false {
  const s = st.sessions.get(sid);
  const refuse = (message: string, code: number): false => {
    send(res, err(401, message, undefined, code), WWW_AUTH);
    return false;
  };
  if (!s || (s.doomed && !isMessages)) return refuse('The session is not valid or has expired.', -2147221499);
  if (parseCookies(header(req, 'cookie')).get(s.cookieName) !== s.cookieValue) return refuse('The session cookie is missing or wrong.', -2147221499);
  if (!isMessages && header(req, 'inin-icws-csrf-token') !== s.csrf) return refuse('The CSRF token is missing or wrong.', 2);
  return s;
}
