/**
 * The ICWS simulator's routes (docs/vendors/icws.md 2-4): connect, then per session the message
 * GET, the station log-on, the user status, the Dialer requests and the connection DELETE; a
 * 503 with `alternateHostList` while switched over. Written from docs/vendors/icws.md alone.
 */
import * as crypto from 'node:crypto';
import type * as http from 'node:http';
import type { SimRequest } from '../common';
import { admit, connect, isAnswer, notFound, objectBody, send } from './auth';
import { err, type Answer } from './dialer';
import type { Messaging } from './messaging';
import type { IcwsState, SimSession } from './state';
import type { Subscriptions } from './subscriptions';

export interface RouteContext {
  st: IcwsState;
  msg: Messaging;
  subs: Subscriptions;
  prefix: string;
  /** `host:port` of the active server named in a switchover 503. */
  alternateHost(): string;
}

function station(st: IcwsState, s: SimSession, req: SimRequest, res: http.ServerResponse): void {
  const body = objectBody(req);
  if (isAnswer(body)) return send(res, body);
  if (body.__type !== 'urn:inin.com:connection:workstationSettings' || typeof body.workstation !== 'string') {
    return send(res, err(400, 'A workstationSettings body with a workstation is required.', 'error.request.invalidRepresentation'));
  }
  if (!st.settings.stations.includes(body.workstation)) {
    return send(res, err(400, `The station ${body.workstation} was not found.`, 'error.request.connection.stationNotFound'));
  }
  s.station = body.workstation;
  send(res, { status: 200 });
}

function userStatus(c: RouteContext, s: SimSession, userId: string, req: SimRequest, res: http.ServerResponse): void {
  const body = objectBody(req);
  if (isAnswer(body)) return send(res, body);
  if (!c.st.settings.users[userId]) return send(res, err(404, `The user ${userId} was not found.`, 'error.request.notFound'));
  const statusId = body.statusId;
  if (typeof statusId !== 'string' || !c.st.settings.statuses.includes(statusId)) {
    return send(res, err(400, `Unknown status ${String(statusId)}.`, 'error.request.status.invalidStatus'));
  }
  const requestId = crypto.randomUUID();
  send(res, { status: 202, body: { requestId } });
  c.st.setUserStatus(userId, statusId);
  c.msg.emit(s, { __type: 'urn:inin.com:messaging:asyncOperationCompletedMessage', isDelta: false, requestId });
}

function dialer(s: SimSession, op: string, req: SimRequest, res: http.ServerResponse): void {
  const body = objectBody(req);
  if (isAnswer(body)) return send(res, body);
  const d = s.dialer;
  const table: Record<string, () => Answer> = {
    'log-in': () => d.logIn(body),
    'log-off': () => d.logOff(body),
    'ready-for-calls': () => d.readyForCalls(body),
    'request-break': () => d.requestBreak(),
    'end-break': () => d.endBreak(),
    disposition: () => d.disposition(body),
    'place-preview-call': () => d.placePreviewCall(body),
    'update-call-data': () => d.updateCallData(body),
  };
  const fn = table[op];
  send(res, fn ? fn() : notFound());
}

function sessionRequest(c: RouteContext, sid: string, rest: string, req: SimRequest, res: http.ServerResponse): void {
  const m = req.method;
  const isMessages = rest === 'messaging/messages' && m === 'GET';
  const s = admit(c.st, sid, isMessages, req, res);
  if (!s) return;
  if (c.st.settings.rateLimit && !(rest === 'connection' && m === 'DELETE')) {
    return send(res, err(429, 'Too many requests.', 'error.request.tooManyRequests'), { 'retry-after': String(c.st.settings.retryAfter) });
  }
  if (rest === 'connection' && m === 'DELETE') {
    c.msg.forget(s);
    c.st.stats.sessionsDeleted++;
    res.writeHead(204);
    res.end();
    return;
  }
  if (isMessages) return c.msg.messages(s, req, res);
  if (c.subs.handle(s, rest, req, res)) return;
  if (rest === 'connection/station' && m === 'PUT') return station(c.st, s, req, res);
  const us = /^status\/user-statuses\/([^/]+)$/.exec(rest);
  if (us && m === 'PUT') return userStatus(c, s, decodeURIComponent(us[1]), req, res);
  const dl = /^dialer\/([a-z-]+)$/.exec(rest);
  if (dl && m === 'POST') return dialer(s, dl[1], req, res);
  send(res, notFound());
}

/** The request handler of one listener. */
export function router(c: RouteContext): (req: SimRequest, res: http.ServerResponse) => void {
  return (req, res) => {
    if (c.prefix && !req.path.startsWith(c.prefix + '/')) return send(res, notFound());
    const path = req.path.slice(c.prefix.length);
    if (!path.startsWith('/icws/')) return send(res, notFound());
    if (c.st.switchedOver) {
      if (path === '/icws/connection') c.st.stats.connectAttempts++;
      return send(res, { status: 503, body: { message: 'This server is not the active server.', alternateHostList: [c.alternateHost()] } });
    }
    if (path === '/icws/connection' && req.method === 'POST') return connect(c.st, c.prefix, (s, m) => c.msg.emit(s, m), req, res);
    const m = /^\/icws\/([^/]+)\/(.+)$/.exec(path);
    if (m && /^\d+$/.test(m[1])) return sessionRequest(c, m[1], m[2], req, res);
    send(res, notFound());
  };
}
