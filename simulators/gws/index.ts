/**
 * Genesys Web Services v2 simulator (docs/vendors/gws.md): HTTP Basic, `JSESSIONID`
 * servlet sessions with idle expiry, CSRF enforcement (403 `text/plain`), the agent
 * session (`/api/v2/me`), the multimedia Interactions API with a life cycle
 * (Invited → Processing → Completed / queued / transferred / in a workbin), and a CometD
 * long-polling server on `/api/v2/notifications` delivering the resulting notifications.
 *
 * Scripting (in process through the returned handles, over HTTP through `POST /__sim/<name>`):
 * `invite` (a voice call with `ani`/`dnis`, the caller's and the dialled number, when given), `expireSessions`, `handshakeAdvice`, `csrf`, `idleTimeout`, `refuse`,
 * `asyncError`, `failChannels`, `publish`, `state`, `reset`.
 */
import * as crypto from 'node:crypto';
import type * as http from 'node:http';
import { SimServer, header, sendJson, sendText, type Simulator, type SimulatorOptions, type SimRequest } from '../common';
import { BayeuxServer } from './bayeux';

export interface GwsUser {
  userName: string;
  password: string;
  id: string;
  firstName: string;
  lastName: string;
}

export type InteractionState = 'Invited' | 'Processing' | 'Completed' | 'Revoked' | 'InWorkbin';

export interface GwsInteraction {
  id: string;
  mediaType: string;
  state: InteractionState;
  capabilities: string[];
  userData: Record<string, unknown>;
  queueName?: string;
  workbin?: string;
  receivedDate: string;
  /** userName of the agent it is offered to / owned by ('' when queued). */
  owner: string;
  /** Cancel is only possible after a Reply/ReplyAll (the GWS Interactions API document). */
  replied: boolean;
  /** Voice calls: the caller's number and the number dialled (GWS call resources carry both). */
  ani?: string;
  dnis?: string;
}

export interface GwsSession {
  id: string;
  user: GwsUser;
  csrfToken: string;
  lastSeen: number;
}

export interface AgentState {
  loggedIn: boolean;
  channels: string[];
  place: string;
  ready: Record<string, 'Ready' | 'NotReady'>;
}

export interface Refusal {
  interactionId?: string;
  operation?: string;
  httpStatus?: number;
  statusCode?: number;
  statusMessage?: string;
  /** Answer in the GWS Interactions API document's `status:"error"` style instead of statusCode style. */
  seedStyle?: boolean;
  times?: number;
}

export interface GwsSimOptions extends SimulatorOptions {
  users?: Array<Partial<GwsUser> & { userName: string; password: string }>;
  /** HTTP session idle timeout in ms (GWS default 1800 s). */
  idleTimeoutMs?: number;
  csrf?: boolean;
  /** CometD long-poll hold (advice.timeout), ms. */
  cometdTimeoutMs?: number;
  /** Extra time before a silent CometD client is dropped, ms. */
  cometdMaxIntervalMs?: number;
}

export interface GwsSimulator extends Simulator {
  users: GwsUser[];
  sessions: Map<string, GwsSession>;
  interactions: Map<string, GwsInteraction>;
  agents: Map<string, AgentState>;
  bayeux: BayeuxServer;
  refusals: Refusal[];
  /** Offers a new interaction to an agent (Invited) and notifies it. */
  invite(o?: {
    id?: string;
    to?: string;
    mediaType?: string;
    userData?: Record<string, unknown>;
    queueName?: string;
    replied?: boolean;
    ani?: string;
    dnis?: string;
  }): GwsInteraction;
  /** Invalidates HTTP sessions (all, or one user's): the next request meets a fresh one. */
  expireSessions(userName?: string): number;
  /** The next `count` CometD connects are answered `402::Unknown client` + reconnect handshake. */
  handshakeAdvice(count?: number): void;
  setCsrf(enabled: boolean): void;
  setIdleTimeout(ms: number): void;
  publish(userName: string, channel: string, data: unknown): number;
}

const DEFAULT_USERS = [
  { userName: 'agent01', password: 'agent01-pass', id: '9d2c0f6e41b84a57', firstName: 'Ann', lastName: 'Lee' },
  { userName: 'agent07', password: 'agent07-pass', id: '5b7e19a2c0d34f88', firstName: 'Bo', lastName: 'Chan' },
];

/** Config node type → credentials the simulator accepts by default (used by the demo). */
export const DEMO_CREDENTIALS: Record<string, Record<string, string>> = { 'gws-config': { username: 'agent01', password: 'agent01-pass' } };

const PROCESSING_CAPS = ['Complete', 'PlaceInQueue', 'AttachUserData', 'UpdateUserData', 'DeleteUserData', 'PlaceInWorkbin', 'Transfer'];
/** Operations the GWS Interactions API document answers with `{"status":"ok"}` / `{"status":"error","errorDescription"}`. */
const SEED_STYLE = new Set(['Accept', 'Reject', 'PlaceInQueue', 'UpdateUserData', 'AttachUserData', 'DeleteUserData', 'PlaceInWorkbin', 'GetWorkbinContent']);
const INTERACTION_OPS = new Set([...SEED_STYLE, 'Cancel', 'Complete', 'Transfer']);
const READ_ONLY = new Set(['id', 'mediaType', 'state', 'capabilities', 'uri', 'path', 'receivedDate']);
const CSRF_TEXT = 'Missing or invalid Csrf token';

function capsFor(i: GwsInteraction): string[] {
  if (i.state === 'Invited') return ['Accept', 'Reject'];
  if (i.state === 'Processing') return i.replied ? [...PROCESSING_CAPS, 'Cancel'] : [...PROCESSING_CAPS];
  return [];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseCookies(h: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of h.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

export async function start(opts: GwsSimOptions = {}): Promise<GwsSimulator> {
  const users: GwsUser[] = (opts.users ?? DEFAULT_USERS).map((u, i) => ({
    id: u.id ?? crypto.createHash('sha1').update(u.userName).digest('hex').slice(0, 16),
    firstName: u.firstName ?? `Agent${i + 1}`,
    lastName: u.lastName ?? 'Sim',
    ...u,
  }));
  const sessions = new Map<string, GwsSession>();
  const interactions = new Map<string, GwsInteraction>();
  const agents = new Map<string, AgentState>();
  const refusals: Refusal[] = [];
  let csrf = opts.csrf ?? true;
  let idleTimeout = opts.idleTimeoutMs ?? 1800_000;
  let failChannels = new Set<string>();
  const asyncErrors: Array<{ interactionId?: string; operation?: string; statusMessage?: string }> = [];
  let referenceId = 10;
  let seq = 0;

  const alive = (sid: string): boolean => {
    const s = sessions.get(sid);
    if (!s) return false;
    if (Date.now() - s.lastSeen > idleTimeout) {
      sessions.delete(sid);
      return false;
    }
    return true;
  };
  const bayeux = new BayeuxServer(alive, { timeout: opts.cometdTimeoutMs, maxInterval: opts.cometdMaxIntervalMs });

  const agentOf = (userName: string): AgentState => {
    let a = agents.get(userName);
    if (!a) agents.set(userName, (a = { loggedIn: false, channels: [], place: '', ready: {} }));
    return a;
  };

  const uriOf = (id: string): string => `${sim.url}/api/v2/interactions/${encodeURIComponent(id)}`;
  const view = (i: GwsInteraction): Record<string, unknown> => {
    const v: Record<string, unknown> = {
      id: i.id,
      mediaType: i.mediaType,
      state: i.state,
      capabilities: capsFor(i),
      userData: { ...i.userData },
      receivedDate: i.receivedDate,
      uri: uriOf(i.id),
      path: `/interactions/${encodeURIComponent(i.id)}`,
    };
    if (i.queueName !== undefined) v.queueName = i.queueName;
    if (i.workbin !== undefined) v.workbin = i.workbin;
    if (i.ani !== undefined) v.ani = i.ani;
    if (i.dnis !== undefined) v.dnis = i.dnis;
    return v;
  };

  /** Notifies an agent on both spellings of the interactions channel. */
  const notify = (userName: string, data: Record<string, unknown>, channels = ['/v2/me/interactions', '/me/interactions']): void => {
    for (const ch of channels) bayeux.publish(userName, ch, data);
  };
  const stateMessage = (i: GwsInteraction, notificationType: string, ref?: number, stateOverride?: InteractionState): Record<string, unknown> => {
    const interaction = view(i);
    if (stateOverride) {
      interaction.state = stateOverride;
      interaction.capabilities = [];
    }
    const m: Record<string, unknown> = { messageType: 'InteractionStateMessage', notificationType };
    if (ref !== undefined) m.referenceId = ref;
    m.interaction = interaction;
    return m;
  };

  const invite: GwsSimulator['invite'] = (o = {}) => {
    const to = o.to ?? users[0].userName;
    if (!users.some((u) => u.userName === to)) throw new Error(`unknown agent ${to}`);
    const id = o.id ?? `0002${(Date.now() % 1e6).toString(36).toUpperCase()}SIM${String(++seq).padStart(4, '0')}`;
    const i: GwsInteraction = {
      id,
      mediaType: o.mediaType ?? 'email',
      state: 'Invited',
      capabilities: [],
      userData: { ...(o.userData ?? {}) },
      queueName: o.queueName ?? 'Email_Inbound',
      receivedDate: new Date().toISOString(),
      owner: to,
      replied: o.replied ?? false,
    };
    if (typeof o.ani === 'string') i.ani = o.ani;
    if (typeof o.dnis === 'string') i.dnis = o.dnis;
    interactions.set(id, i);
    notify(to, stateMessage(i, 'StatusChange', ++referenceId));
    return i;
  };

  const expireSessions = (userName?: string): number => {
    let n = 0;
    for (const [sid, s] of [...sessions]) {
      if (userName && s.user.userName !== userName) continue;
      sessions.delete(sid);
      bayeux.dropSession(sid);
      n++;
    }
    return n;
  };

  const takeRefusal = (id: string, op: string): Refusal | undefined => {
    const k = refusals.findIndex((r) => (!r.interactionId || r.interactionId === id) && (!r.operation || r.operation === op));
    if (k < 0) return undefined;
    const r = refusals[k];
    if (r.times !== undefined && --r.times <= 0) refusals.splice(k, 1);
    return r;
  };

  // ---------- HTTP session handling ----------

  interface Ctx {
    session: GwsSession;
    /** The session was created by this request (the cookie sent, if any, was stale). */
    fresh: boolean;
    headers: Record<string, string>;
  }

  const sessionHeaders = (s: GwsSession, fresh: boolean): Record<string, string> => {
    const h: Record<string, string> = {};
    if (fresh) h['set-cookie'] = `JSESSIONID=${s.id};Path=/;HttpOnly`;
    if (csrf) {
      h['x-csrf-header'] = 'X-CSRF-TOKEN';
      h['x-csrf-token'] = s.csrfToken;
    }
    return h;
  };

  const deny = (res: http.ServerResponse): void =>
    sendJson(res, 401, { statusCode: 20, statusMessage: 'Access denied' }, { 'www-authenticate': 'Basic realm="GWS"' });

  /** Resolves the request's session (cookie, else Basic), or answers 401 and returns undefined. */
  const authenticate = (req: SimRequest, res: http.ServerResponse): Ctx | undefined => {
    const cookies = parseCookies(header(req, 'cookie'));
    const sid = cookies.JSESSIONID ?? '';
    const auth = header(req, 'authorization');
    let basicUser: GwsUser | undefined;
    if (auth) {
      const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(auth);
      const decoded = m ? Buffer.from(m[1], 'base64').toString('utf8') : '';
      const colon = decoded.indexOf(':');
      basicUser = users.find((u) => colon > 0 && u.userName === decoded.slice(0, colon) && u.password === decoded.slice(colon + 1));
      if (!basicUser) {
        deny(res);
        return undefined;
      }
    }
    if (sid && alive(sid)) {
      const s = sessions.get(sid)!;
      if (!basicUser || basicUser.userName === s.user.userName) {
        s.lastSeen = Date.now();
        return { session: s, fresh: false, headers: sessionHeaders(s, false) };
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
    sessions.set(s.id, s);
    return { session: s, fresh: true, headers: sessionHeaders(s, true) };
  };

  const csrfOk = (req: SimRequest, ctx: Ctx): boolean => {
    if (!csrf) return true;
    if (ctx.fresh) return false; // a new session has a token the client cannot know yet
    return header(req, 'x-csrf-token') === ctx.session.csrfToken;
  };

  // ---------- REST handlers ----------

  const ok = (res: http.ServerResponse, ctx: Ctx, body: unknown, status = 200): void => sendJson(res, status, body, ctx.headers);
  const fail = (res: http.ServerResponse, ctx: Ctx, status: number, code: number, message: string): void =>
    sendJson(res, status, { statusCode: code, statusMessage: message }, ctx.headers);
  const seedFail = (res: http.ServerResponse, ctx: Ctx, status: number, message: string): void =>
    sendJson(res, status, { status: 'error', errorDescription: message }, ctx.headers);

  const parseBody = (req: SimRequest): Record<string, unknown> | undefined => {
    try {
      const b: unknown = JSON.parse(req.body || 'null');
      return isPlainObject(b) ? b : undefined;
    } catch {
      return undefined;
    }
  };

  const agentChannelsMessage = (userName: string): Record<string, unknown> => {
    const a = agentOf(userName);
    return {
      messageType: 'ChannelStateChangeMessage',
      channels: a.channels.map((c) => ({ channel: c, userState: { state: a.loggedIn ? (a.ready[c] ?? 'NotReady') : 'LoggedOut' } })),
    };
  };

  const postMe = (req: SimRequest, res: http.ServerResponse, ctx: Ctx, channel?: string): void => {
    const body = parseBody(req);
    if (!body) return fail(res, ctx, 400, 1, 'Request body must be a JSON object');
    const op = body.operationName;
    const userName = ctx.session.user.userName;
    const a = agentOf(userName);
    if (op === 'StartContactCenterSession' && channel === undefined) {
      const ch = body.channels;
      if (!Array.isArray(ch) || ch.length === 0 || ch.some((c) => typeof c !== 'string' || !c)) {
        return fail(res, ctx, 400, 1, 'Parameter channels is missing or invalid');
      }
      if (body.place !== undefined && (typeof body.place !== 'string' || !body.place)) return fail(res, ctx, 400, 10, 'Parameter place is invalid');
      const failed = (ch as string[]).filter((c) => failChannels.has(c));
      const good = (ch as string[]).filter((c) => !failChannels.has(c));
      if (good.length === 0) return fail(res, ctx, 400, 12, `Unable to log in on channels ${failed.join(', ')}`);
      a.loggedIn = true;
      a.channels = good;
      a.place = typeof body.place === 'string' ? body.place : `Place_${ctx.session.user.id.slice(0, 4)}`;
      a.ready = Object.fromEntries(good.map((c) => [c, 'NotReady' as const]));
      bayeux.publish(userName, '/v2/me/channels', agentChannelsMessage(userName));
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
      bayeux.publish(userName, '/v2/me/channels', agentChannelsMessage(userName));
      // Logs the agent out and invalidates the HTTP session (docs/vendors/gws.md §3.1).
      sendJson(res, 200, { statusCode: 0 }, ctx.headers);
      sessions.delete(ctx.session.id);
      bayeux.dropSession(ctx.session.id);
      return;
    }
    if (op === 'Ready' || op === 'NotReady') {
      if (!a.loggedIn) return fail(res, ctx, 400, 2, 'Agent is not logged in to a contact center session');
      if (channel !== undefined && !a.channels.includes(channel)) return fail(res, ctx, 404, 6, `Channel ${channel} not found`);
      for (const c of channel === undefined ? a.channels : [channel]) a.ready[c] = op;
      bayeux.publish(userName, '/v2/me/channels', agentChannelsMessage(userName));
      return ok(res, ctx, { statusCode: 0 });
    }
    return fail(res, ctx, 400, 1, `Unsupported operationName ${String(op)}`);
  };

  const interactionOp = (req: SimRequest, res: http.ServerResponse, ctx: Ctx, id: string): void => {
    const body = parseBody(req);
    const op = typeof body?.operationName === 'string' ? body.operationName : '';
    const seed = SEED_STYLE.has(op);
    const refuse = (status: number, code: number, message: string): void =>
      seed ? seedFail(res, ctx, status, message) : fail(res, ctx, status, code, message);
    if (!body || !INTERACTION_OPS.has(op)) return fail(res, ctx, 400, 1, `Unsupported operationName ${op || '(none)'}`);
    const me = ctx.session.user.userName;
    const i = interactions.get(id);
    if (!i || i.owner !== me || i.state === 'Completed' || i.state === 'Revoked') return refuse(404, 6, `Interaction ${id} not found`);
    const scripted = takeRefusal(id, op);
    if (scripted) {
      const status = scripted.httpStatus ?? 400;
      const message = scripted.statusMessage ?? `Operation ${op} refused`;
      if (scripted.seedStyle ?? seed) return seedFail(res, ctx, status, message);
      return fail(res, ctx, status, scripted.statusCode ?? 2, message);
    }
    if (op !== 'GetWorkbinContent' && !capsFor(i).includes(op)) {
      if (op === 'Accept' || op === 'Reject') return refuse(400, 2, `Interaction ${id} is not in state Invited`);
      if (op === 'Transfer') return refuse(400, 2, 'Interaction is not in a transferable state');
      if (op === 'Cancel') return refuse(400, 2, 'Cancel is possible only after Reply or ReplyAll');
      return refuse(400, 2, `Operation ${op} is not valid in state ${i.state}`);
    }
    // Parameters
    const str = (k: string): string | undefined => (typeof body[k] === 'string' && body[k] !== '' ? (body[k] as string) : undefined);
    let target: GwsUser | undefined;
    if (op === 'PlaceInQueue' && !str('queueName')) return refuse(400, 1, 'Parameter queueName is missing');
    if ((op === 'PlaceInWorkbin' || op === 'GetWorkbinContent') && !str('workbin')) return refuse(400, 1, 'Parameter workbin is missing');
    if ((op === 'UpdateUserData' || op === 'AttachUserData') && (!isPlainObject(body.userData) || Object.keys(body.userData).length === 0)) {
      return refuse(400, 1, 'Parameter userData is missing or empty');
    }
    let deleteKeys: string[] = [];
    if (op === 'DeleteUserData') {
      if (isPlainObject(body.userData)) deleteKeys.push(...Object.keys(body.userData));
      if (Array.isArray(body.keys)) deleteKeys.push(...body.keys.filter((k): k is string => typeof k === 'string'));
      deleteKeys = [...new Set(deleteKeys)];
      if (deleteKeys.length === 0) return refuse(400, 1, 'Parameter userData is missing or empty');
    }
    if (op === 'Transfer') {
      const uid = str('userId') ?? (str('userUri') ? str('userUri')!.replace(/\/+$/, '').split('/').pop() : undefined);
      if (!uid) return refuse(400, 1, 'Parameter userId is missing');
      target = users.find((u) => u.id === uid || u.userName === uid);
      if (!target) return refuse(404, 6, `User ${uid} not found`);
      if (target.userName === me) return refuse(400, 10, 'Cannot transfer an interaction to its owner');
    }
    const ref = ++referenceId;
    const asyncIdx = asyncErrors.findIndex((e) => (!e.interactionId || e.interactionId === id) && (!e.operation || e.operation === op));
    if (asyncIdx >= 0) {
      // Accepted over HTTP, failed later: the failure arrives on CometD.
      const e = asyncErrors.splice(asyncIdx, 1)[0];
      const m = stateMessage(i, 'Error', ref);
      m.statusMessage = e.statusMessage ?? `${op} failed`;
      setImmediate(() => notify(me, m));
      return ok(res, ctx, seed ? { status: 'ok', referenceId: ref } : op === 'Cancel' ? { status: 0, referenceId: ref } : { statusCode: 0, referenceId: ref });
    }
    const events: Array<() => void> = [];
    switch (op) {
      case 'Accept':
        i.state = 'Processing';
        events.push(() => notify(me, stateMessage(i, 'StatusChange', ref)));
        break;
      case 'Reject':
      case 'PlaceInQueue':
        if (op === 'PlaceInQueue') i.queueName = str('queueName');
        i.owner = '';
        i.state = 'Revoked';
        events.push(() => notify(me, stateMessage(i, 'StatusChange', ref)));
        break;
      case 'Cancel':
      case 'Complete':
        i.state = 'Completed';
        events.push(() => notify(me, stateMessage(i, 'StatusChange', ref)));
        break;
      case 'UpdateUserData':
      case 'AttachUserData':
        Object.assign(i.userData, body.userData as Record<string, unknown>);
        events.push(() => notify(me, stateMessage(i, 'PropertiesUpdated', ref)));
        break;
      case 'DeleteUserData':
        for (const k of deleteKeys) delete i.userData[k];
        events.push(() => notify(me, stateMessage(i, 'PropertiesUpdated', ref)));
        break;
      case 'PlaceInWorkbin':
        i.state = 'InWorkbin';
        i.workbin = str('workbin');
        events.push(() => notify(me, stateMessage(i, 'StatusChange', ref)));
        break;
      case 'GetWorkbinContent': {
        const wb = str('workbin')!;
        const content = [...interactions.values()].filter((x) => x.state === 'InWorkbin' && x.workbin === wb && x.owner === me);
        events.push(() =>
          notify(me, {
            messageType: 'WorkbinContentMessage',
            notificationType: 'WorkbinContent',
            referenceId: ref,
            workbin: wb,
            interactions: content.map((x) => stateMessage(x, 'WorkbinContent')),
          }),
        );
        break;
      }
      case 'Transfer': {
        const t = target!;
        i.owner = t.userName;
        i.state = 'Invited';
        events.push(() => {
          notify(me, stateMessage(i, 'StatusChange', ref, 'Revoked'));
          notify(t.userName, stateMessage(i, 'StatusChange', ++referenceId));
        });
        break;
      }
    }
    setImmediate(() => events.forEach((f) => f()));
    if (seed) return ok(res, ctx, { status: 'ok', referenceId: ref });
    if (op === 'Cancel') return ok(res, ctx, { status: 0, referenceId: ref });
    return ok(res, ctx, { statusCode: 0, referenceId: ref });
  };

  const active = (i: GwsInteraction): boolean => i.state !== 'Completed';
  const mine = (i: GwsInteraction, me: string): boolean => i.owner === me && (i.state === 'Invited' || i.state === 'Processing');

  const putInteraction = (req: SimRequest, res: http.ServerResponse, ctx: Ctx, id: string): void => {
    const i = interactions.get(id);
    if (!i || !active(i)) return fail(res, ctx, 404, 6, 'Interaction not found');
    const body = parseBody(req);
    if (!body || Object.keys(body).length === 0) return fail(res, ctx, 400, 1, 'Request body must be a non-empty JSON object');
    const ro = Object.keys(body).find((k) => READ_ONLY.has(k));
    if (ro) return fail(res, ctx, 400, 11, `Property ${ro} is read-only`);
    if (body.userData !== undefined && !isPlainObject(body.userData)) return fail(res, ctx, 400, 10, 'Property userData must be an object');
    if (body.queueName !== undefined && typeof body.queueName !== 'string') return fail(res, ctx, 400, 10, 'Property queueName must be a string');
    if (isPlainObject(body.userData)) Object.assign(i.userData, body.userData);
    if (typeof body.queueName === 'string') i.queueName = body.queueName;
    if (i.owner) setImmediate(() => notify(i.owner, stateMessage(i, 'PropertiesUpdated', ++referenceId)));
    return ok(res, ctx, { statusCode: 0 });
  };

  const handler = (req: SimRequest, res: http.ServerResponse): void => {
    const path = req.path;
    if (!path.startsWith('/api/v2/')) return sendJson(res, 404, { statusCode: 6, statusMessage: 'Resource not found' });
    const rest = path.slice('/api/v2'.length);
    if (rest === '/notifications' || rest.startsWith('/notifications/')) {
      if (req.method !== 'POST') return sendJson(res, 405, { statusCode: 1, statusMessage: 'Bayeux requests are POST' });
      const sid = parseCookies(header(req, 'cookie')).JSESSIONID ?? '';
      const s = sid && alive(sid) ? sessions.get(sid) : undefined;
      if (s) s.lastSeen = Date.now();
      const extra: Record<string, string> = {};
      if (!parseCookies(header(req, 'cookie')).BAYEUX_BROWSER) extra['set-cookie'] = `BAYEUX_BROWSER=${crypto.randomBytes(8).toString('hex')};Path=/;HttpOnly`;
      bayeux.handle(req.body, s?.id ?? '', s?.user.userName ?? '', res, (status, body) => sendJson(res, status, body, extra));
      return;
    }
    const ctx = authenticate(req, res);
    if (!ctx) return;
    const method = req.method;
    if (method !== 'GET' && method !== 'HEAD' && !csrfOk(req, ctx)) {
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
            uri: `${sim.url}/api/v2/users/${me.id}`,
            path: `/users/${me.id}`,
          },
        });
      }
      if (method === 'POST') return postMe(req, res, ctx);
    } else if ((m = /^\/me\/channels\/([^/]+)$/.exec(rest))) {
      if (method === 'POST') return postMe(req, res, ctx, decodeURIComponent(m[1]));
    } else if (rest === '/me/interactions') {
      if (method === 'GET') {
        const list = [...interactions.values()].filter((i) => mine(i, me.userName));
        if (req.query.fields === '*') return ok(res, ctx, { statusCode: 0, interactions: list.map(view) });
        return ok(res, ctx, { statusCode: 0, uris: list.map((i) => uriOf(i.id)) });
      }
    } else if ((m = /^\/me\/interactions\/([^/]+)$/.exec(rest))) {
      if (method === 'POST') return interactionOp(req, res, ctx, decodeURIComponent(m[1]));
    } else if (rest === '/interactions') {
      if (method === 'GET') {
        const list = [...interactions.values()].filter(active);
        if (req.query.fields === '*') return ok(res, ctx, { statusCode: 0, interactions: list.map(view) });
        return ok(res, ctx, { statusCode: 0, uris: list.map((i) => uriOf(i.id)) });
      }
    } else if ((m = /^\/interactions\/([^/]+)$/.exec(rest))) {
      const id = decodeURIComponent(m[1]);
      if (method === 'GET') {
        const i = interactions.get(id);
        if (!i || !active(i)) return fail(res, ctx, 404, 6, 'Interaction not found');
        return ok(res, ctx, { statusCode: 0, interaction: view(i) });
      }
      if (method === 'PUT') return putInteraction(req, res, ctx, id);
    } else {
      return fail(res, ctx, 404, 6, 'Resource not found');
    }
    return fail(res, ctx, 405, 1, `Method ${method} not supported on ${rest}`);
  };

  const sim = new SimServer('gws', handler, opts);

  // ---------- control API (same hooks over HTTP) ----------
  const obj = (b: unknown): Record<string, unknown> => (isPlainObject(b) ? b : {});
  const publish = (userName: string, channel: string, data: unknown): number => bayeux.publish(userName, channel, data);
  const handshakeAdvice = (count = 1): void => {
    bayeux.forceHandshake = count;
    // Held connects are answered now so that the advice reaches waiting clients promptly.
    for (const c of [...bayeux.clients.values()])
      if (c.pending && bayeux.forceHandshake > 0) {
        bayeux.forceHandshake--;
        bayeux.drop(c.id);
      }
  };
  sim.onControl('invite', (b) => view(invite(obj(b) as Parameters<GwsSimulator['invite']>[0])));
  sim.onControl('expireSessions', (b) => ({ expired: expireSessions(obj(b).userName as string | undefined) }));
  sim.onControl('handshakeAdvice', (b) => {
    handshakeAdvice(typeof obj(b).count === 'number' ? (obj(b).count as number) : 1);
    return { pending: bayeux.forceHandshake };
  });
  sim.onControl('csrf', (b) => {
    csrf = obj(b).enabled !== false;
    return { enabled: csrf };
  });
  sim.onControl('idleTimeout', (b) => {
    const ms = obj(b).ms;
    if (typeof ms !== 'number' || ms <= 0) throw new Error('ms must be a positive number');
    idleTimeout = ms;
    return { ms };
  });
  sim.onControl('refuse', (b) => {
    refusals.push(obj(b) as Refusal);
    return { refusals: refusals.length };
  });
  sim.onControl('asyncError', (b) => {
    asyncErrors.push(obj(b) as (typeof asyncErrors)[number]);
    return { pending: asyncErrors.length };
  });
  sim.onControl('failChannels', (b) => {
    const ch = obj(b).channels;
    failChannels = new Set(Array.isArray(ch) ? ch.filter((c): c is string => typeof c === 'string') : []);
    return { channels: [...failChannels] };
  });
  sim.onControl('publish', (b) => {
    const o = obj(b);
    if (typeof o.channel !== 'string') throw new Error('channel is required');
    return { delivered: publish(typeof o.userName === 'string' ? o.userName : users[0].userName, o.channel, o.data) };
  });
  sim.onControl('state', () => ({
    sessions: [...sessions.values()].map((s) => ({ id: s.id, userName: s.user.userName })),
    cometdClients: [...bayeux.clients.values()].map((c) => ({ id: c.id, userName: c.user, subscriptions: [...c.subscriptions] })),
    interactions: [...interactions.values()].map((i) => ({ ...view(i), owner: i.owner })),
    agents: Object.fromEntries(agents),
  }));
  sim.onControl('reset', () => {
    expireSessions();
    interactions.clear();
    agents.clear();
    refusals.length = 0;
    asyncErrors.length = 0;
    failChannels = new Set();
    csrf = opts.csrf ?? true;
    idleTimeout = opts.idleTimeoutMs ?? 1800_000;
    bayeux.forceHandshake = 0;
    return null;
  });

  const url = await sim.listen(opts.port ?? 0, opts.host ?? '127.0.0.1');
  return {
    name: 'gws',
    url,
    server: sim,
    users,
    sessions,
    interactions,
    agents,
    bayeux,
    refusals,
    invite,
    expireSessions,
    handshakeAdvice,
    setCsrf: (e) => void (csrf = e),
    setIdleTimeout: (ms) => void (idleTimeout = ms),
    publish,
    async close() {
      bayeux.close();
      await sim.close();
    },
  };
}
