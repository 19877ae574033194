/**
 * Request routing of the GWS simulator (docs/vendors/gws.md 2, 3): the CometD endpoint, the
 * agent session on `/api/v2/me`, and the interaction resources.
 */
import * as crypto from 'node:crypto';
import type * as http from 'node:http';
import { header, sendJson, sendText, type Handler, type SimRequest } from '../common';
import { authenticate, csrfOk, CSRF_TEXT, fail, ok, parseBody, parseCookies, type Ctx } from './auth';
import { active, interactionOp, mine, putInteraction } from './interactions';
import type { GwsState } from './state';

function agentChannelsMessage(state: GwsState, userName: string): Record<string, unknown> {
  const a = state.agentOf(userName);
  return {
    messageType: 'ChannelStateChangeMessage',
    channels: a.channels.map((c) => ({ channel: c, userState: { state: a.loggedIn ? (a.ready[c] ?? 'NotReady') : 'LoggedOut' } })),
  };
}

function postMe(state: GwsState, req: SimRequest, res: http.ServerResponse, ctx: Ctx, channel?: string): void {
  const body = parseBody(req);
  if (!body) return fail(res, ctx, 400, 1, 'Request body must be a JSON object');
  const op = body.operationName;
  const userName = ctx.session.user.userName;
  const a = state.agentOf(userName);
  const channelsChanged = (): number => state.bayeux.publish(userName, '/v2/me/channels', agentChannelsMessage(state, userName));
  if (op === 'StartContactCenterSession' && channel === undefined) {
    const ch = body.channels;
    if (!Array.isArray(ch) || ch.length === 0 || ch.some((c) => typeof c !== 'string' || !c)) {
      return fail(res, ctx, 400, 1, 'Parameter channels is missing or invalid');
    }
    if (body.place !== undefined && (typeof body.place !== 'string' || !body.place)) return fail(res, ctx, 400, 10, 'Parameter place is invalid');
    const failed = (ch as string[]).filter((c) => state.failChannels.has(c));
    const good = (ch as string[]).filter((c) => !state.failChannels.has(c));
    if (good.length === 0) return fail(res, ctx, 400, 12, `Unable to log in on channels ${failed.join(', ')}`);
    a.loggedIn = true;
    a.channels = good;
    a.place = typeof body.place === 'string' ? body.place : `Place_${ctx.session.user.id.slice(0, 4)}`;
    a.ready = Object.fromEntries(good.map((c) => [c, 'NotReady' as const]));
    channelsChanged();
    if (failed.length) {
      return ok(res, ctx, {
        statusCode: 7,
        statusMessage: 'Partial success',
        channels: (ch as string[]).map((c) =>
          failed.includes(c) ? { channel: c, statusCode: 12, statusMessage: `Unable to log in on channel ${c}` } : { channel: c, statusCode: 0 },
        ),
      });
    }
    return ok(res, ctx, { statusCode: 0 });
  }
  if (op === 'EndContactCenterSession' && channel === undefined) {
    a.loggedIn = false;
    a.ready = {};
    channelsChanged();
    // Logs the agent out and invalidates the HTTP session (docs/vendors/gws.md §3.1). Its CometD
    // client is dropped once the LoggedOut notification above has gone out on the held connect.
    sendJson(res, 200, { statusCode: 0 }, ctx.headers);
    state.sessions.delete(ctx.session.id);
    const sid = ctx.session.id;
    setImmediate(() => state.bayeux.dropSession(sid));
    return;
  }
  if (op === 'Ready' || op === 'NotReady') {
    if (!a.loggedIn) return fail(res, ctx, 400, 2, 'Agent is not logged in to a contact center session');
    if (channel !== undefined && !a.channels.includes(channel)) return fail(res, ctx, 404, 6, `Channel ${channel} not found`);
    for (const c of channel === undefined ? a.channels : [channel]) a.ready[c] = op;
    channelsChanged();
    return ok(res, ctx, { statusCode: 0 });
  }
  return fail(res, ctx, 400, 1, `Unsupported operationName ${String(op)}`);
}

/** CometD: `POST /api/v2/notifications[/…]`, the session from the cookie (no Basic). */
function notifications(state: GwsState, req: SimRequest, res: http.ServerResponse): void {
  if (req.method !== 'POST') return sendJson(res, 405, { statusCode: 1, statusMessage: 'Bayeux requests are POST' });
  const cookies = parseCookies(header(req, 'cookie'));
  const sid = cookies.JSESSIONID ?? '';
  const s = sid && state.alive(sid) ? state.sessions.get(sid) : undefined;
  if (s) s.lastSeen = Date.now();
  const extra: Record<string, string> = {};
  if (!cookies.BAYEUX_BROWSER) extra['set-cookie'] = `BAYEUX_BROWSER=${crypto.randomBytes(8).toString('hex')};Path=/;HttpOnly`;
  state.bayeux.handle(req.body, s?.id ?? '', s?.user.userName ?? '', res, (status, body) => sendJson(res, status, body, extra));
}

export function createHandler(state: GwsState): Handler {
  return (req: SimRequest, res: http.ServerResponse): void => {
    const path = req.path;
    if (!path.startsWith('/api/v2/')) return sendJson(res, 404, { statusCode: 6, statusMessage: 'Resource not found' });
    const rest = path.slice('/api/v2'.length);
    if (rest === '/notifications' || rest.startsWith('/notifications/')) return notifications(state, req, res);
    const ctx = authenticate(state, req, res);
    if (!ctx) return;
    const method = req.method;
    if (method !== 'GET' && method !== 'HEAD' && !csrfOk(state, req, ctx)) {
      // Spring Security's answer: plain text. A stale cookie got a new session here.
      return sendText(res, 403, CSRF_TEXT, 'text/plain;charset=UTF-8', ctx.fresh ? { 'set-cookie': ctx.headers['set-cookie'] } : {});
    }
    const me = ctx.session.user;
    let m: RegExpExecArray | null;
    if (rest === '/me') {
      if (method === 'GET') {
        return ok(res, ctx, {
          statusCode: 0,
          user: {
            id: me.id,
            userName: me.userName,
            firstName: me.firstName,
            lastName: me.lastName,
            roles: ['ROLE_AGENT'],
            enabled: true,
            uri: `${state.url}/api/v2/users/${me.id}`,
            path: `/users/${me.id}`,
          },
        });
      }
      if (method === 'POST') return postMe(state, req, res, ctx);
    } else if ((m = /^\/me\/channels\/([^/]+)$/.exec(rest))) {
      if (method === 'POST') return postMe(state, req, res, ctx, decodeURIComponent(m[1]));
    } else if (rest === '/me/interactions') {
      if (method === 'GET') {
        const list = [...state.interactions.values()].filter((i) => mine(i, me.userName));
        if (req.query.fields === '*') return ok(res, ctx, { statusCode: 0, interactions: list.map((i) => state.view(i)) });
        return ok(res, ctx, { statusCode: 0, uris: list.map((i) => state.uriOf(i.id)) });
      }
    } else if ((m = /^\/me\/interactions\/([^/]+)$/.exec(rest))) {
      if (method === 'POST') return interactionOp(state, req, res, ctx, decodeURIComponent(m[1]));
    } else if (rest === '/interactions') {
      if (method === 'GET') {
        const list = [...state.interactions.values()].filter(active);
        if (req.query.fields === '*') return ok(res, ctx, { statusCode: 0, interactions: list.map((i) => state.view(i)) });
        return ok(res, ctx, { statusCode: 0, uris: list.map((i) => state.uriOf(i.id)) });
      }
    } else if ((m = /^\/interactions\/([^/]+)$/.exec(rest))) {
      const id = decodeURIComponent(m[1]);
      if (method === 'GET') {
        const i = state.interactions.get(id);
        if (!i || !active(i)) return fail(res, ctx, 404, 6, 'Interaction not found');
        return ok(res, ctx, { statusCode: 0, interaction: state.view(i) });
      }
      if (method === 'PUT') return putInteraction(state, req, res, ctx, id);
    } else {
      return fail(res, ctx, 404, 6, 'Resource not found');
    }
    return fail(res, ctx, 405, 1, `Method ${method} not supported on ${rest}`);
  };
}
