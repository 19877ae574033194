/**
 * The GWS simulator's HTTP session handling (docs/vendors/gws.md 2): HTTP Basic or a live
 * `JSESSIONID` cookie, the CSRF token headers, and the JSON answers carrying them.
 */
import * as crypto from 'node:crypto';
import type * as http from 'node:http';
import { header, sendJson, type SimRequest } from '../common';
import { isPlainObject, type GwsSession, type GwsState, type GwsUser } from './state';

export const CSRF_TEXT = 'Missing or invalid Csrf token';

export interface Ctx {
  session: GwsSession;
  /** The session was created by this request (the cookie sent, if any, was stale). */
  fresh: boolean;
  headers: Record<string, string>;
}

export function parseCookies(h: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of h.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

function sessionHeaders(state: GwsState, s: GwsSession, fresh: boolean): Record<string, string> {
  const h: Record<string, string> = {};
  if (fresh) h['set-cookie'] = `JSESSIONID=${s.id};Path=/;HttpOnly`;
  if (state.csrf) {
    h['x-csrf-header'] = 'X-CSRF-TOKEN';
    h['x-csrf-token'] = s.csrfToken;
  }
  return h;
}

function deny(res: http.ServerResponse): void {
  sendJson(res, 401, { statusCode: 20, statusMessage: 'Access denied' }, { 'www-authenticate': 'Basic realm="GWS"' });
}

/** Resolves the request's session (cookie, else Basic), or answers 401 and returns undefined. */
export function authenticate(state: GwsState, req: SimRequest, res: http.ServerResponse): Ctx | undefined {
  const cookies = parseCookies(header(req, 'cookie'));
  const sid = cookies.JSESSIONID ?? '';
  const auth = header(req, 'authorization');
  let basicUser: GwsUser | undefined;
  if (auth) {
    const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(auth);
    const decoded = m ? Buffer.from(m[1], 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    basicUser = state.users.find((u) => colon > 0 && u.userName === decoded.slice(0, colon) && u.password === decoded.slice(colon + 1));
    if (!basicUser) {
      deny(res);
      return undefined;
    }
  }
  if (sid && state.alive(sid)) {
    const s = state.sessions.get(sid)!;
    if (!basicUser || basicUser.userName === s.user.userName) {
      s.lastSeen = Date.now();
      return { session: s, fresh: false, headers: sessionHeaders(state, s, false) };
    }
  }
  if (!basicUser) {
    deny(res);
    return undefined;
  }
  const s: GwsSession = {
    id: crypto.randomBytes(15).toString('base64url').toLowerCase().replace(/[-_]/g, 'x'),
    user: basicUser,
    csrfToken: crypto.randomUUID(),
    lastSeen: Date.now(),
  };
  state.sessions.set(s.id, s);
  return { session: s, fresh: true, headers: sessionHeaders(state, s, true) };
}

export function csrfOk(state: GwsState, req: SimRequest, ctx: Ctx): boolean {
  if (!state.csrf) return true;
  if (ctx.fresh) return false; // a new session has a token the client cannot know yet
  return header(req, 'x-csrf-token') === ctx.session.csrfToken;
}

// ---------- answers (with the session's headers) ----------

export function ok(res: http.ServerResponse, ctx: Ctx, body: unknown, status = 200): void {
  sendJson(res, status, body, ctx.headers);
}

/** A failure in the `statusCode` / `statusMessage` style. */
export function fail(res: http.ServerResponse, ctx: Ctx, status: number, code: number, message: string): void {
  sendJson(res, status, { statusCode: code, statusMessage: message }, ctx.headers);
}

/** A failure in the GWS Interactions API document's `status:"error"` style. */
export function seedFail(res: http.ServerResponse, ctx: Ctx, status: number, message: string): void {
  sendJson(res, status, { status: 'error', errorDescription: message }, ctx.headers);
}

export function parseBody(req: SimRequest): Record<string, unknown> | undefined {
  try {
    const b: unknown = JSON.parse(req.body || 'null');
    return isPlainObject(b) ? b : undefined;
  } catch {
    return undefined;
  }
}
