/**
 * ICWS (PureConnect / CIC) simulator with Interaction Dialer, written from
 * docs/vendors/icws.md alone (nothing from lib/ or nodes/).
 *
 * Sessions: `POST /icws/connection` (201 + session id, CSRF token, cookie), every session
 * request checks the cookie and the CSRF header (401 without them; the message GET needs no
 * CSRF header), wrong credentials → 400 authenticationFailure. Messages: short polling
 * (`messagingVersion` 1) or server-sent events (2, the default), chosen by the feature
 * version the connect answer reports. Switchover: a second listener runs as the active
 * server; when switched on, this one answers 503 with `alternateHostList`.
 *
 * Scripting from code (the returned handles) and over HTTP (`POST /__sim/<name>`):
 * `configure`, `expire`, `drop-session`, `switchover`, `push`, `queue-call`, `set-status`,
 * `state`, `reset`.
 */
import * as crypto from 'node:crypto';
import type * as http from 'node:http';
import { SimServer, header, sendJson, type SimRequest, type Simulator, type SimulatorOptions } from '../common';
import { DEFAULT_CAMPAIGNS, SimDialer, err, type Answer, type CallScript, type IcwsMessage, type SimCampaign } from './dialer';

export type { IcwsMessage, CallScript, SimCampaign } from './dialer';

export interface IcwsUser {
  password: string;
  displayName?: string;
}

/** Everything `configure` can change at run time. */
export interface IcwsSettings {
  /** Reported `messaging` feature version: ≥ 2 offers SSE, 1 forces short polling. */
  messagingVersion: number;
  /** Reported `dialer` feature version (gates log-in 2, preview/update-call-data 3, campaignIds 4). */
  dialerVersion: number;
  users: Record<string, IcwsUser>;
  stations: string[];
  /** With the right, log-in lists campaigns and the agent picks them; without, all are joined. */
  logonCampaignRight: boolean;
  dialerLicence: boolean;
  /** What data pops are unless a queued call says otherwise. */
  callType: 'preview' | 'regular';
  campaigns: SimCampaign[];
  /** A user's status when the simulator first sees the user. */
  initialStatus: string;
  statuses: string[];
  /** Interval of `:ping` comments on SSE streams. */
  pingMs: number;
  /** `alternateHostList` of a successful connect answer. */
  alternateHosts: string[];
  /** Answer every session request with 429 + `Retry-After` (not documented for ICWS; a test switch). */
  rateLimit: boolean;
  /** Seconds in the `Retry-After` of a rate-limited answer. */
  retryAfter: number;
}

export interface IcwsSimulatorOptions extends SimulatorOptions, Partial<IcwsSettings> {
  /** Path prefix of a reverse proxy in front of `/icws` (e.g. `/api/sessionmanager`). */
  pathPrefix?: string;
  /** Start the second (switchover) listener (default true). */
  alternate?: boolean;
  alternatePort?: number;
}

export interface SimSession {
  id: string;
  csrf: string;
  cookieName: string;
  cookieValue: string;
  userID: string;
  language: string;
  applicationName: string;
  station: string | null;
  queue: IcwsMessage[];
  streams: Set<http.ServerResponse>;
  nextEventId: number;
  /** Recent SSE events by id: a stream reopened with `Last-Event-ID` gets those after it again. */
  sent: Array<{ id: string; m: IcwsMessage }>;
  /** Events sent again on a reopened stream (Last-Event-ID). */
  replayed: number;
  /** Every message handed to the client (SSE write or poll answer), in order. */
  delivered: IcwsMessage[];
  polls: number;
  streamsOpened: number;
  /** Sent connectionStateChange down; gone once the client has read it. */
  doomed: boolean;
  dialer: SimDialer;
}

export interface IcwsStats {
  connectAttempts: number;
  failedLogins: number;
  sessionsCreated: number;
  sessionsDeleted: number;
  sessionsExpired: number;
}

export interface IcwsSimulator extends Simulator {
  settings: IcwsSettings;
  sessions: Map<string, SimSession>;
  stats: IcwsStats;
  userStatus: Map<string, string>;
  /** The second listener (the active server in switchover mode), when started. */
  alternate?: IcwsSimulator;
  configure(patch: Partial<IcwsSettings>): void;
  /** Forgets sessions (all, or one): the next request gets 401, SSE streams end. */
  expire(sessionId?: string): number;
  /** Sends connectionStateChangeMessage (down) and then forgets the session(s). */
  dropSession(sessionId?: string, reason?: string): number;
  /** Switchover mode: this server answers 503 pointing at the alternate listener. */
  switchover(on: boolean): { on: boolean; alternateHost: string | null };
  push(message: IcwsMessage, sessionId?: string): number;
  queueCall(script: CallScript): void;
  setStatus(userId: string, statusId: string): void;
  state(): Record<string, unknown>;
  reset(): void;
}

const ICWS_TYPE = 'application/vnd.inin.icws+json; charset=utf-8';
const DEFAULT_STATUSES = ['Available', 'Follow Up', 'Do Not Disturb', 'Away from desk', 'At Lunch', 'Gone Home', 'Available, No ACD'];
const MAX_QUEUE = 10000;
const MAX_DELIVERED = 2000;

function defaults(o: IcwsSimulatorOptions): IcwsSettings {
  return {
    messagingVersion: o.messagingVersion ?? 2,
    dialerVersion: o.dialerVersion ?? 7,
    users: o.users ?? { agent1: { password: 'agent1-secret', displayName: 'Agent One' }, agent2: { password: 'agent2-secret', displayName: 'Agent Two' } },
    stations: o.stations ?? ['7001', '7002'],
    logonCampaignRight: o.logonCampaignRight ?? false,
    dialerLicence: o.dialerLicence ?? true,
    callType: o.callType ?? 'preview',
    campaigns: o.campaigns ?? DEFAULT_CAMPAIGNS.map((c) => ({ ...c })),
    initialStatus: o.initialStatus ?? 'Do Not Disturb',
    statuses: o.statuses ?? DEFAULT_STATUSES,
    pingMs: o.pingMs ?? 15000,
    alternateHosts: o.alternateHosts ?? [],
    rateLimit: o.rateLimit ?? false,
    retryAfter: o.retryAfter ?? 1,
  };
}

function send(res: http.ServerResponse, a: Answer, headers: Record<string, string> = {}): void {
  if (a.body === undefined) {
    res.writeHead(a.status, { 'content-length': '0', ...headers });
    res.end();
    return;
  }
  sendJson(res, a.status, a.body, { 'content-type': ICWS_TYPE, ...headers });
}

const unauthorized = (message: string, errorCode: number): Answer => err(401, message, undefined, errorCode);
const WWW_AUTH = { 'www-authenticate': 'ICWS realm="ICWS" location="/ICWS/connection"' };

function parseCookies(h: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of h.split(/;\s*/)) {
    const i = part.indexOf('=');
    if (i > 0) m.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return m;
}

/** Parses a JSON object body; an empty body is `{}`. */
function objectBody(req: SimRequest): Record<string, unknown> | Answer {
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

function isAnswer(v: unknown): v is Answer {
  return typeof v === 'object' && v !== null && typeof (v as Answer).status === 'number' && Object.keys(v).every((k) => k === 'status' || k === 'body');
}

export async function start(opts: IcwsSimulatorOptions = {}): Promise<IcwsSimulator> {
  const initial = defaults(opts);
  let settings: IcwsSettings = { ...initial, users: { ...initial.users }, campaigns: initial.campaigns.map((c) => ({ ...c })) };
  const prefix = (opts.pathPrefix ?? '').replace(/\/+$/, '');
  const sessions = new Map<string, SimSession>();
  const userStatus = new Map<string, string>();
  const scripts: CallScript[] = [];
  const stats: IcwsStats = { connectAttempts: 0, failedLogins: 0, sessionsCreated: 0, sessionsDeleted: 0, sessionsExpired: 0 };
  const pingTimers = new Map<http.ServerResponse, NodeJS.Timeout>();
  let switchedOver = false;
  let alternate: IcwsSimulator | undefined;

  const statusOf = (user: string): string => userStatus.get(user) ?? settings.initialStatus;

  function deliver(s: SimSession, m: IcwsMessage): void {
    s.delivered.push(m);
    if (s.delivered.length > MAX_DELIVERED) s.delivered.shift();
  }

  function emit(s: SimSession, m: IcwsMessage): void {
    for (const res of s.streams) if (res.destroyed || res.writableEnded || res.socket?.destroyed) s.streams.delete(res);
    if (s.streams.size) {
      for (const res of s.streams) writeEvent(s, res, m);
      deliver(s, m);
      return;
    }
    s.queue.push(m);
    if (s.queue.length > MAX_QUEUE) s.queue.shift();
  }

  function writeEvent(s: SimSession, res: http.ServerResponse, m: IcwsMessage): void {
    const id = String(s.nextEventId++);
    s.sent.push({ id, m });
    if (s.sent.length > MAX_DELIVERED) s.sent.shift();
    res.write(`id: ${id}\ndata: ${JSON.stringify(m)}\n\n`);
  }

  /** A client that reopens with `Last-Event-ID` missed what was written after it (a cut stream). */
  function replay(s: SimSession, req: SimRequest, res: http.ServerResponse): void {
    const last = header(req, 'last-event-id');
    const at = last ? s.sent.findIndex((e) => e.id === last) : -1;
    if (at < 0) return;
    for (const e of s.sent.slice(at + 1)) {
      res.write(`id: ${e.id}\ndata: ${JSON.stringify(e.m)}\n\n`);
      s.replayed++;
    }
  }

  function endStreams(s: SimSession): void {
    for (const res of s.streams) {
      clearInterval(pingTimers.get(res));
      pingTimers.delete(res);
      res.end();
    }
    s.streams.clear();
  }

  function forget(s: SimSession): void {
    endStreams(s);
    sessions.delete(s.id);
  }

  function setUserStatus(user: string, statusId: string): void {
    userStatus.set(user, statusId);
    if (statusId === 'Available') for (const s of sessions.values()) if (s.userID === user) s.dialer.maybePop();
  }

  function newSession(userID: string, language: string, applicationName: string): SimSession {
    let id: string;
    do id = String(1000000000 + crypto.randomInt(0, 999999999));
    while (sessions.has(id));
    const s: SimSession = {
      id,
      csrf: crypto.randomBytes(18).toString('base64'),
      cookieName: `icws_${id}`,
      cookieValue: `${crypto.randomUUID()}|languageId=${language}`,
      userID,
      language,
      applicationName,
      station: null,
      queue: [],
      streams: new Set(),
      nextEventId: 1,
      sent: [],
      replayed: 0,
      delivered: [],
      polls: 0,
      streamsOpened: 0,
      doomed: false,
      dialer: undefined as unknown as SimDialer,
    };
    s.dialer = new SimDialer(
      () => settings,
      (m) => emit(s, m),
      () => statusOf(userID),
      (st) => setUserStatus(userID, st),
      () => scripts.shift(),
    );
    sessions.set(id, s);
    stats.sessionsCreated++;
    return s;
  }

  function connect(req: SimRequest, res: http.ServerResponse): void {
    stats.connectAttempts++;
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
      stats.failedLogins++;
      return send(res, err(400, 'The authentication process failed.', 'error.request.connection.authenticationFailure', -2147221503));
    }
    const s = newSession(userID as string, language.split(',')[0].trim(), applicationName);
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

  function openStream(s: SimSession, req: SimRequest, res: http.ServerResponse): void {
    // One stream per session: a new one replaces the old.
    endStreams(s);
    s.streamsOpened++;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(':ping\n\n');
    s.streams.add(res);
    const timer = setInterval(() => res.write(':ping\n\n'), settings.pingMs);
    pingTimers.set(res, timer);
    // `res` closes when the client goes away (the request's own 'close' has fired already,
    // once its body was read).
    res.on('close', () => {
      clearInterval(timer);
      pingTimers.delete(res);
      s.streams.delete(res);
    });
    replay(s, req, res);
    const queued = s.queue.splice(0);
    for (const m of queued) {
      writeEvent(s, res, m);
      deliver(s, m);
    }
    if (s.doomed) forget(s);
  }

  function messages(s: SimSession, req: SimRequest, res: http.ServerResponse): void {
    const wantsSse = header(req, 'accept').includes('text/event-stream');
    if (wantsSse && settings.messagingVersion >= 2) return openStream(s, req, res);
    s.polls++;
    // A poll whose client has gone (timed out, reset) takes nothing: the queue stays for the next.
    if (res.destroyed || res.socket?.destroyed || req.raw.socket.destroyed) return void res.destroy();
    const out = s.queue.splice(0);
    for (const m of out) deliver(s, m);
    send(res, { status: 200, body: out });
    if (s.doomed) forget(s);
  }

  function station(s: SimSession, req: SimRequest, res: http.ServerResponse): void {
    const body = objectBody(req);
    if (isAnswer(body)) return send(res, body);
    if (body.__type !== 'urn:inin.com:connection:workstationSettings' || typeof body.workstation !== 'string') {
      return send(res, err(400, 'A workstationSettings body with a workstation is required.', 'error.request.invalidRepresentation'));
    }
    if (!settings.stations.includes(body.workstation)) {
      return send(res, err(400, `The station ${body.workstation} was not found.`, 'error.request.connection.stationNotFound'));
    }
    s.station = body.workstation;
    send(res, { status: 200 });
  }

  function userStatusRequest(s: SimSession, userId: string, req: SimRequest, res: http.ServerResponse): void {
    const body = objectBody(req);
    if (isAnswer(body)) return send(res, body);
    if (!settings.users[userId]) return send(res, err(404, `The user ${userId} was not found.`, 'error.request.notFound'));
    const statusId = body.statusId;
    if (typeof statusId !== 'string' || !settings.statuses.includes(statusId)) {
      return send(res, err(400, `Unknown status ${String(statusId)}.`, 'error.request.status.invalidStatus'));
    }
    const requestId = crypto.randomUUID();
    send(res, { status: 202, body: { requestId } });
    setUserStatus(userId, statusId);
    emit(s, { __type: 'urn:inin.com:messaging:asyncOperationCompletedMessage', isDelta: false, requestId });
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
    if (!fn) return send(res, err(404, 'The resource was not found.', 'error.request.notFound'));
    send(res, fn());
  }

  function sessionRequest(sid: string, rest: string, req: SimRequest, res: http.ServerResponse): void {
    const s = sessions.get(sid);
    const isMessages = rest === 'messaging/messages' && req.method === 'GET';
    if (!s || (s.doomed && !isMessages)) {
      return send(res, unauthorized('The session is not valid or has expired.', -2147221499), WWW_AUTH);
    }
    if (parseCookies(header(req, 'cookie')).get(s.cookieName) !== s.cookieValue) {
      return send(res, unauthorized('The session cookie is missing or wrong.', -2147221499), WWW_AUTH);
    }
    if (!isMessages && header(req, 'inin-icws-csrf-token') !== s.csrf) {
      return send(res, unauthorized('The CSRF token is missing or wrong.', 2), WWW_AUTH);
    }
    const m = req.method;
    if (settings.rateLimit && !(rest === 'connection' && m === 'DELETE')) {
      return send(res, err(429, 'Too many requests.', 'error.request.tooManyRequests'), { 'retry-after': String(settings.retryAfter) });
    }
    if (rest === 'connection' && m === 'DELETE') {
      forget(s);
      stats.sessionsDeleted++;
      res.writeHead(204);
      res.end();
      return;
    }
    if (isMessages) return messages(s, req, res);
    if (rest === 'connection/station' && m === 'PUT') return station(s, req, res);
    const st = /^status\/user-statuses\/([^/]+)$/.exec(rest);
    if (st && m === 'PUT') return userStatusRequest(s, decodeURIComponent(st[1]), req, res);
    const dl = /^dialer\/([a-z-]+)$/.exec(rest);
    if (dl && m === 'POST') return dialer(s, dl[1], req, res);
    send(res, err(404, 'The resource was not found.', 'error.request.notFound'));
  }

  const server = new SimServer(
    'icws',
    (req, res) => {
      if (prefix && !req.path.startsWith(prefix + '/')) return send(res, err(404, 'The resource was not found.', 'error.request.notFound'));
      const path = req.path.slice(prefix.length);
      if (!path.startsWith('/icws/')) return send(res, err(404, 'The resource was not found.', 'error.request.notFound'));
      if (switchedOver) {
        if (path === '/icws/connection') stats.connectAttempts++;
        const host = alternate ? `127.0.0.1:${alternate.server.port}` : 'cic-b';
        return send(res, { status: 503, body: { message: 'This server is not the active server.', alternateHostList: [host] } });
      }
      if (path === '/icws/connection' && req.method === 'POST') return connect(req, res);
      const m = /^\/icws\/([^/]+)\/(.+)$/.exec(path);
      if (m && /^\d+$/.test(m[1])) return sessionRequest(m[1], m[2], req, res);
      send(res, err(404, 'The resource was not found.', 'error.request.notFound'));
    },
    opts,
  );

  const pick = (sessionId?: string): SimSession[] => (sessionId ? [sessions.get(sessionId)].filter((s): s is SimSession => !!s) : [...sessions.values()]);

  const sim: IcwsSimulator = {
    name: 'icws',
    url: '',
    server,
    settings,
    sessions,
    stats,
    userStatus,
    alternate: undefined,
    configure(patch) {
      settings = { ...settings, ...patch };
      sim.settings = settings;
      alternate?.configure(patch);
    },
    expire(sessionId) {
      const list = pick(sessionId);
      for (const s of list) forget(s);
      stats.sessionsExpired += list.length;
      return list.length;
    },
    dropSession(sessionId, reason = 'The session was closed by the server.') {
      const list = pick(sessionId);
      for (const s of list) {
        const down: IcwsMessage = {
          __type: 'urn:inin.com:connection:connectionStateChangeMessage',
          isDelta: false,
          previousConnectionState: 1,
          newConnectionState: 2,
          reason,
        };
        emit(s, down);
        s.doomed = true;
        if (s.streams.size) forget(s);
      }
      stats.sessionsExpired += list.length;
      return list.length;
    },
    switchover(on) {
      switchedOver = on;
      // The backup server knows nothing of the sessions the active one had.
      if (on) for (const s of [...sessions.values()]) forget(s);
      return { on, alternateHost: alternate ? `127.0.0.1:${alternate.server.port}` : null };
    },
    push(message, sessionId) {
      const list = pick(sessionId);
      for (const s of list) emit(s, message);
      return list.length;
    },
    queueCall(script) {
      scripts.push(script);
    },
    setStatus(userId, statusId) {
      setUserStatus(userId, statusId);
    },
    state() {
      return {
        switchedOver,
        alternate: alternate?.url ?? null,
        stats: { ...stats },
        activeSessions: sessions.size,
        queuedCalls: scripts.length,
        userStatus: Object.fromEntries(userStatus),
        sessions: [...sessions.values()].map((s) => ({
          sessionId: s.id,
          userID: s.userID,
          applicationName: s.applicationName,
          language: s.language,
          station: s.station,
          queued: s.queue.length,
          streams: s.streams.size,
          streamsOpened: s.streamsOpened,
          polls: s.polls,
          delivered: s.delivered.length,
          replayed: s.replayed,
          dialer: s.dialer.summary(),
        })),
      };
    },
    reset() {
      for (const s of [...sessions.values()]) forget(s);
      userStatus.clear();
      scripts.length = 0;
      switchedOver = false;
      Object.assign(stats, { connectAttempts: 0, failedLogins: 0, sessionsCreated: 0, sessionsDeleted: 0, sessionsExpired: 0 });
      sim.configure({ ...initial, users: { ...initial.users }, campaigns: initial.campaigns.map((c) => ({ ...c })) });
      alternate?.reset();
    },
    async close() {
      for (const s of [...sessions.values()]) forget(s);
      for (const t of pingTimers.values()) clearInterval(t);
      pingTimers.clear();
      await server.close();
      if (alternate) await alternate.close();
    },
  };

  const obj = (b: unknown): Record<string, unknown> => (typeof b === 'object' && b !== null && !Array.isArray(b) ? (b as Record<string, unknown>) : {});
  const optString = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
  server.onControl('configure', (b) => {
    sim.configure(obj(b) as Partial<IcwsSettings>);
    return { settings: { ...settings, users: Object.keys(settings.users) } };
  });
  server.onControl('expire', (b) => ({ expired: sim.expire(optString(obj(b).sessionId)) }));
  server.onControl('drop-session', (b) => ({ dropped: sim.dropSession(optString(obj(b).sessionId), optString(obj(b).reason)) }));
  server.onControl('switchover', (b) => sim.switchover(obj(b).on !== false));
  server.onControl('push', (b) => {
    const m = obj(obj(b).message);
    if (typeof m.__type !== 'string') throw new Error('push needs {message: {__type, ...}}');
    return { sessions: sim.push(m as IcwsMessage, optString(obj(b).sessionId)) };
  });
  server.onControl('queue-call', (b) => {
    sim.queueCall(obj(b) as CallScript);
    return { queued: scripts.length };
  });
  server.onControl('set-status', (b) => {
    const { userId, statusId } = obj(b);
    if (typeof userId !== 'string' || typeof statusId !== 'string') throw new Error('set-status needs {userId, statusId}');
    sim.setStatus(userId, statusId);
    return null;
  });
  server.onControl('state', () => sim.state());
  server.onControl('reset', () => {
    sim.reset();
    return null;
  });

  sim.url = (await server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1')) + prefix;
  if (opts.alternate !== false) {
    try {
      alternate = await start({ ...opts, port: opts.alternatePort ?? 0, alternate: false });
    } catch (e) {
      await server.close();
      throw e;
    }
    sim.alternate = alternate;
  }
  return sim;
}

/** The simulator's default credentials, for the demo (`npm start`) and the examples. */
export const DEMO_CREDENTIALS: Record<string, Record<string, string>> = { 'icws-config': { username: 'agent1', password: 'agent1-secret' } };
