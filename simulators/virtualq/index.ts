/**
 * virtualQ REST API v2 simulator (waiters, lines, line groups), written from
 * docs/vendors/virtualq.md alone. JSON:API envelopes, `X-Api-Key` auth,
 * dashed response keys (underscored with `X-Keys-Format: underscore`), JSON:API errors.
 *
 * Vendor-specific scripting (also over HTTP, `POST /__sim/<name>`):
 *   notify {id | lineId+phone}           waiter → Notified (verify then finds it "up")
 *   setWaiterState {id | lineId+phone, state}
 *   advanceClock {seconds}               waiters have waited longer (and move on: see autoLifeCycle)
 *   switches {notFoundOnEmpty, writeResponses, lineUpStatus, autoLifeCycle}
 *   rateLimit {retryAfter, times, path}  429 + Retry-After with a JSON:API error
 *   keys {apiKeys, forbiddenKeys}        which keys are accepted (401 / 403 otherwise)
 *   addCallCenter / addLineGroup / addLine {…}, setLine {id, state}
 *   reset {seed?}, dump {}               back to the seeded world / read the world
 */
import type * as http from 'node:http';
import { SimServer, header, sendJson, type SimRequest, type Simulator, type SimulatorOptions } from '../common';
import { ACTIVE_STATES, SERVICE_STATES, VirtualQState, type CallCenter, type Line, type LineGroup, type Waiter, type WaiterState } from './state';

export { VirtualQState } from './state';
export type { Waiter, Line, LineGroup, CallCenter, WaiterState } from './state';

export const DEFAULT_API_KEY = 'sim-virtualq-key';
/** Config node type → the credentials the demo (`npm start`) gives it for the example flows. */
export const DEMO_CREDENTIALS: Record<string, Record<string, string>> = { 'virtualq-config': { apiKey: DEFAULT_API_KEY } };
export const MEDIA_TYPE = 'application/vnd.api+json; charset=utf-8';

export interface VirtualQSwitches {
  /** Older servers answered a filtered list with no match with 404 `not-found` (default false: 200 `[]`). */
  notFoundOnEmpty: boolean;
  /** `body`: `PUT`s answer 200 with the resource; `empty`: 204 with no body. */
  writeResponses: 'body' | 'empty';
  /** Status of a successful line-up (the real one is uncertain: 201 or 200). */
  lineUpStatus: 200 | 201;
  /** virtualQ moves callers on by itself: Notified at their estimated up time, TimeOut when they do not call in. */
  autoLifeCycle: boolean;
}

export interface RateLimit {
  retryAfter: number;
  /** How many requests get 429 (default: until switched off with `times: 0`). */
  times?: number;
  /** Only requests whose path starts with this. */
  path?: string;
}

export interface VirtualQSimulatorOptions extends SimulatorOptions {
  /** Accepted API keys (default: [DEFAULT_API_KEY]). */
  apiKeys?: string[];
  /** Keys that are known but lack rights (403). */
  forbiddenKeys?: string[];
  /** Start with an empty world instead of the seeded one. */
  empty?: boolean;
  switches?: Partial<VirtualQSwitches>;
}

export interface VirtualQSimulator extends Simulator {
  state: VirtualQState;
  switches: VirtualQSwitches;
  apiKeys: Set<string>;
  forbiddenKeys: Set<string>;
  /** Turns an active waiter Notified ("up"); by id or by line + phone. */
  notify(who: WaiterRef): Waiter;
  setWaiterState(who: WaiterRef, state: WaiterState): Waiter;
  setRateLimit(r: RateLimit | null): void;
  reset(seed?: boolean): void;
}

export type WaiterRef = { id: number | string } | { lineId: number | string; phone: string };

const WAITER_STATES: readonly WaiterState[] = ['Waiting', 'Notified', 'Connected', 'Finished', 'TimeOut'];
const PHONE_SEPARATORS = /[\s\-.()/]/g;
const E164 = /^\+[1-9][0-9]{6,14}$/;

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
    readonly pointer?: string,
  ) {
    super(detail);
  }
}

const notFound = (detail: string): ApiError => new ApiError(404, 'not-found', 'Not found', detail);
const invalid = (attr: string, detail: string): ApiError =>
  new ApiError(422, 'unprocessable-entity', 'Unprocessable entity', detail, `/data/attributes/${attr}`);

type Attrs = Record<string, unknown>;
type KeyFormat = 'dash' | 'underscore';

export async function start(opts: VirtualQSimulatorOptions = {}): Promise<VirtualQSimulator> {
  const state = new VirtualQState(!opts.empty);
  const switches: VirtualQSwitches = { notFoundOnEmpty: false, writeResponses: 'body', lineUpStatus: 201, autoLifeCycle: true, ...(opts.switches ?? {}) };
  const apiKeys = new Set(opts.apiKeys ?? [DEFAULT_API_KEY]);
  const forbiddenKeys = new Set(opts.forbiddenKeys ?? []);
  let rateLimit: RateLimit | null = null;

  const handler = async (req: SimRequest, res: http.ServerResponse): Promise<void> => {
    const fmt: KeyFormat = header(req, 'x-keys-format').trim().toLowerCase() === 'underscore' ? 'underscore' : 'dash';
    state.autoLifeCycle = switches.autoLifeCycle;
    state.tick();
    try {
      checkAuth(req);
      if (rateLimit && (!rateLimit.path || req.path.startsWith(rateLimit.path))) {
        const r = rateLimit;
        if (r.times !== undefined && --r.times <= 0) rateLimit = null;
        sendJson(res, 429, errorBody(new ApiError(429, 'too-many-requests', 'Too many requests', 'Rate limit exceeded, retry later')), {
          'content-type': MEDIA_TYPE,
          'retry-after': String(r.retryAfter),
        });
        return;
      }
      route(req, res, fmt);
    } catch (err) {
      if (err instanceof ApiError) {
        sendJson(res, err.status, errorBody(err), { 'content-type': MEDIA_TYPE });
        return;
      }
      throw err;
    }
  };

  function checkAuth(req: SimRequest): void {
    const key = header(req, 'x-api-key');
    if (forbiddenKeys.has(key)) throw new ApiError(403, 'forbidden', 'Forbidden', 'This API key may not access this resource');
    if (!key || !apiKeys.has(key)) throw new ApiError(401, 'unauthorized', 'Unauthorized', key ? 'Invalid API key' : 'Missing API key');
  }

  function route(req: SimRequest, res: http.ServerResponse, fmt: KeyFormat): void {
    const m = /^\/api\/v2\/([a-z_]+)(?:\/([^/]+))?(?:\/([a-z_]+))?\/?$/.exec(req.path);
    if (!m) throw notFound(`No route matches ${req.method} ${req.path}`);
    const [, collection, id, action] = m;
    const method = req.method;
    if (collection === 'waiters' && !action) {
      if (id === undefined && method === 'GET')
        return sendList(
          res,
          listWaiters(req.query).map((w) => waiterResource(w, fmt)),
          'No waiters found',
        );
      if (id === undefined && method === 'POST') return lineUp(req, res, fmt);
      if (id !== undefined && method === 'GET') return sendData(res, 200, waiterResource(waiterById(id), fmt));
      if (id !== undefined && (method === 'PUT' || method === 'PATCH')) return updateWaiter(req, res, id, fmt);
    }
    if (collection === 'lines') {
      if (id === undefined && !action && method === 'GET')
        return sendList(
          res,
          listLines(req.query).map((l) => lineResource(l, fmt)),
          'No lines found',
        );
      if (id !== undefined && !action && method === 'GET') return sendData(res, 200, lineResource(lineById(id), fmt));
      if (id !== undefined && action === 'log_call_offered' && method === 'POST') return logCallOffered(req, res, id);
    }
    if (collection === 'line_groups' && !action) {
      if (id === undefined && method === 'GET')
        return sendList(
          res,
          listLineGroups(req.query).map((g) => lineGroupResource(g, fmt)),
          'No line groups found',
        );
      if (id !== undefined && method === 'GET') return sendData(res, 200, lineGroupResource(lineGroupById(id), fmt));
      if (id !== undefined && (method === 'PUT' || method === 'PATCH')) return updateLineGroup(req, res, id, fmt);
    }
    throw notFound(`No route matches ${method} ${req.path}`);
  }

  function sendData(res: http.ServerResponse, status: number, data: unknown): void {
    sendJson(res, status, { data }, { 'content-type': MEDIA_TYPE });
  }

  function sendList(res: http.ServerResponse, items: unknown[], emptyDetail: string): void {
    if (items.length === 0 && switches.notFoundOnEmpty) throw notFound(emptyDetail);
    sendData(res, 200, items);
  }

  function sendWritten(res: http.ServerResponse, data: unknown): void {
    if (switches.writeResponses === 'empty') {
      res.writeHead(204);
      res.end();
      return;
    }
    sendData(res, 200, data);
  }

  // ---- waiters ----

  function listWaiters(q: Record<string, string>): Waiter[] {
    // The connector's hot path (verify/get on every call-in) is an index lookup.
    const indexed = (q.active === 'true' || q.currently_up === 'true') && q.phone !== undefined && /^\d+$/.test(q.line_id ?? '');
    const found = indexed ? state.findActive(Number(q.line_id), queryPhone(q.phone)) : undefined;
    let list = indexed ? (found ? [found] : []) : [...state.waiters.values()];
    if (q.currently_up === 'true') list = list.filter((w) => w.state === 'Notified');
    if (q.active === 'true') list = list.filter((w) => ACTIVE_STATES.includes(w.state));
    if (q.active === 'false') list = list.filter((w) => !ACTIVE_STATES.includes(w.state));
    if (q.phone !== undefined) {
      const phone = queryPhone(q.phone);
      list = list.filter((w) => w.phone === phone);
    }
    if (q.line_id !== undefined) list = list.filter((w) => String(w.lineId) === q.line_id);
    if (q.line_group_id !== undefined) list = list.filter((w) => String(state.lines.get(w.lineId)?.lineGroupId) === q.line_group_id);
    if (q.call_center_id !== undefined) {
      list = list.filter((w) => {
        const line = state.lines.get(w.lineId);
        return line !== undefined && String(state.lineGroupOf(line).callCenterId) === q.call_center_id;
      });
    }
    return list.sort((a, b) => a.id - b.id);
  }

  function lineUp(req: SimRequest, res: http.ServerResponse, fmt: KeyFormat): void {
    const a = readAttributes(req, 'waiters');
    const lineId = requiredInt(a, 'line_id');
    const line = state.lines.get(lineId);
    if (!line) throw notFound(`Line ${lineId} not found`);
    const phone = bodyPhone(a);
    const channel = requiredString(a, 'channel');
    const source = requiredString(a, 'source');
    const lang = optionalString(a, 'lang');
    const skills = optionalStringArray(a, 'skills');
    const properties = optionalObject(a, 'properties');
    if (line.state.toLowerCase() !== 'active') throw invalid('line_id', `Line ${lineId} is not active`);
    if (state.findActive(lineId, phone)) throw invalid('phone', 'Phone is already lined up on this line');
    const w = state.lineUp({ lineId, phone, channel, source, lang, skills, properties });
    sendData(res, switches.lineUpStatus, waiterResource(w, fmt));
  }

  function updateWaiter(req: SimRequest, res: http.ServerResponse, id: string, fmt: KeyFormat): void {
    const a = readAttributes(req, 'waiters');
    let w: Waiter;
    if (id === '0') {
      // id 0 is literal: "the active waiter of line_id with this phone".
      const lineId = requiredInt(a, 'line_id');
      const phone = bodyPhone(a);
      const found = state.findActive(lineId, phone);
      if (!found) throw notFound(`No active waiter with this phone on line ${lineId}`);
      w = found;
    } else {
      w = waiterById(id);
    }
    const serviceState = optionalString(a, 'service_waiter_state');
    if (serviceState !== undefined && !SERVICE_STATES.includes(serviceState))
      throw invalid('service_waiter_state', `is not one of ${SERVICE_STATES.join(', ')}`);
    state.applyServiceUpdate(w, {
      serviceState,
      ewt: optionalInt(a, 'service_waiter_ewt'),
      waitTimeWhenUp: optionalInt(a, 'wait_time_when_up'),
      talkTime: optionalInt(a, 'talk_time'),
      agentId: optionalId(a, 'agent_id'),
      skills: optionalStringArray(a, 'skills'),
      properties: optionalObject(a, 'properties'),
    });
    sendWritten(res, waiterResource(w, fmt));
  }

  function waiterById(id: string): Waiter {
    const w = /^\d+$/.test(id) ? state.waiters.get(Number(id)) : undefined;
    if (!w) throw notFound(`Waiter ${id} not found`);
    return w;
  }

  function waiterResource(w: Waiter, fmt: KeyFormat): unknown {
    const line = state.lines.get(w.lineId);
    const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    const attrs: Attrs = {
      phone: w.phone,
      channel: w.channel,
      source: w.source,
      lang: w.lang,
      ewt: w.ewt,
      wait_time: state.waitTime(w),
      virtualq_waiter_state: w.state,
      service_waiter_state: w.serviceState,
      skills: w.skills,
      properties: w.properties,
      token: w.token,
      wait_time_when_up: w.waitTimeWhenUp,
      talk_time: w.talkTime,
      agent_id: w.agentId,
      line: { id: w.lineId, name: line?.name ?? null },
      created_at: iso(w.createdAt),
      updated_at: iso(w.updatedAt),
      connected_at: iso(w.connectedAt),
      notified_at: iso(w.notifiedAt),
      estimated_up_time_at: iso(state.estimatedUpTime(w)),
    };
    return resource(w.id, 'waiters', attrs, fmt);
  }

  // ---- lines ----

  function listLines(q: Record<string, string>): Line[] {
    let list = [...state.lines.values()];
    if (q.call_center_id !== undefined) list = list.filter((l) => String(state.lineGroupOf(l).callCenterId) === q.call_center_id);
    if (q.line_group_id !== undefined) list = list.filter((l) => String(l.lineGroupId) === q.line_group_id);
    if (q.q !== undefined && q.q !== '') {
      const needle = q.q.toLowerCase();
      list = list.filter((l) => l.name.toLowerCase().includes(needle));
    }
    return list.sort((a, b) => a.id - b.id);
  }

  function lineById(id: string): Line {
    const l = /^\d+$/.test(id) ? state.lines.get(Number(id)) : undefined;
    if (!l) throw notFound(`Line ${id} not found`);
    return l;
  }

  function logCallOffered(req: SimRequest, res: http.ServerResponse, id: string): void {
    const line = lineById(id);
    if (req.body.trim() !== '') {
      const a = readAttributes(req, 'lines');
      if (a.line_id !== undefined && a.line_id !== null && String(a.line_id) !== id) throw invalid('line_id', 'does not match the line in the path');
    }
    line.callsOffered += 1;
    res.writeHead(204);
    res.end();
  }

  function lineResource(l: Line, fmt: KeyFormat): unknown {
    const g = state.lineGroupOf(l);
    const attrs: Attrs = {
      name: l.name,
      category: l.category,
      direct: l.direct,
      info: l.info,
      fast_dial_description: l.fastDialDescription,
      opening_times_description: l.openingTimesDescription,
      private_line_key: l.privateLineKey,
      ratings_average: l.ratingsAverage,
      service_phone_number: l.servicePhoneNumber,
      telephone_charge_description: l.telephoneChargeDescription,
      virtualq_line_state: l.state,
      virtualq_line_state_mode: l.stateMode,
      virtualq_phone_number: l.virtualqPhoneNumber,
      forwarding_phone_number: l.forwardingPhoneNumber,
      // Nested objects keep snake_case keys whatever the key format.
      line_group: {
        id: g.id,
        name: g.name,
        allow_callback: g.allowCallback,
        allow_sms: g.allowSms,
        service_waiters_count: g.service.waitersCount,
        virtualq_ewt: state.groupEwt(g),
        virtualq_waiters_count: virtualqWaiters(g),
      },
    };
    return resource(l.id, 'lines', attrs, fmt);
  }

  // ---- line groups ----

  function virtualqWaiters(g: LineGroup): number {
    return [...state.waiters.values()].filter((w) => (w.state === 'Waiting' || w.state === 'Notified') && state.lines.get(w.lineId)?.lineGroupId === g.id)
      .length;
  }

  function listLineGroups(q: Record<string, string>): LineGroup[] {
    let list = [...state.lineGroups.values()];
    if (q.call_center_id !== undefined) list = list.filter((g) => String(g.callCenterId) === q.call_center_id);
    return list.sort((a, b) => a.id - b.id);
  }

  function lineGroupById(id: string): LineGroup {
    const g = /^\d+$/.test(id) ? state.lineGroups.get(Number(id)) : undefined;
    if (!g) throw notFound(`Line group ${id} not found`);
    return g;
  }

  function updateLineGroup(req: SimRequest, res: http.ServerResponse, id: string, fmt: KeyFormat): void {
    const g = lineGroupById(id);
    const a = readAttributes(req, 'line_groups');
    const s = g.service;
    const next = {
      ewt: optionalInt(a, 'service_ewt'),
      agentsCount: optionalInt(a, 'service_agents_count'),
      idleAgentsCount: optionalInt(a, 'service_idle_agents_count'),
      averageTalkTime: optionalInt(a, 'service_average_talk_time'),
      waitersCount: optionalInt(a, 'service_waiters_count'),
      open: optionalBool(a, 'service_open'),
      agentList: optionalStringArray(a, 'service_agent_list'),
      callsPerHour: optionalInt(a, 'service_calls_per_hour'),
    };
    for (const [k, v] of Object.entries(next)) if (v !== undefined) (s as Record<string, unknown>)[k] = v;
    g.updatedAt = new Date(state.now()).toISOString();
    state.recomputeEwt(g.id);
    sendWritten(res, lineGroupResource(g, fmt));
  }

  function lineGroupResource(g: LineGroup, fmt: KeyFormat): unknown {
    const cc: CallCenter = state.callCenterOf(g);
    const attrs: Attrs = {
      name: g.name,
      allow_callback: g.allowCallback,
      allow_sms: g.allowSms,
      cc_type: g.ccType,
      foresight_closing_in_minutes: g.foresightClosingInMinutes,
      virtualq_min_agent_count: g.minAgentCount,
      virtualq_min_waiting_time: g.minWaitingTime,
      virtualq_notice_time: g.noticeTime,
      virtualq_timeout_time: g.timeoutTime,
      virtualq_waiters_count: virtualqWaiters(g),
      virtualq_ewt: state.groupEwt(g),
      service_waiters_count: g.service.waitersCount,
      call_center: { id: cc.id, name: cc.name, call_center_open: cc.open, virtualq_active: cc.virtualqActive },
    };
    return resource(g.id, 'line_groups', attrs, fmt);
  }

  // ---- scripting ----

  function findWaiter(who: WaiterRef): Waiter {
    if ('id' in who) {
      const w = state.waiters.get(Number(who.id));
      if (!w) throw new Error(`no waiter ${who.id}`);
      return w;
    }
    const w = state.findActive(Number(who.lineId), normalisePhone(who.phone));
    if (!w) throw new Error(`no active waiter ${who.phone} on line ${who.lineId}`);
    return w;
  }

  const sim = new SimServer('virtualq', handler, opts);

  function control<T>(name: string, fn: (body: T) => unknown): void {
    sim.onControl(name, (b) => fn((b ?? {}) as T));
  }
  control<WaiterRef>('notify', (b) => summary(api.notify(b)));
  control<WaiterRef & { state: WaiterState }>('setWaiterState', (b) => summary(api.setWaiterState(b, b.state)));
  control<{ seconds: number }>('advanceClock', (b) => {
    state.clockOffsetMs += Number(b.seconds) * 1000;
    state.autoLifeCycle = switches.autoLifeCycle;
    state.tick(true);
    return { clockOffsetMs: state.clockOffsetMs };
  });
  control<Partial<VirtualQSwitches>>('switches', (b) => {
    if (b.writeResponses !== undefined && b.writeResponses !== 'body' && b.writeResponses !== 'empty') throw new Error('writeResponses must be body or empty');
    if (b.lineUpStatus !== undefined && b.lineUpStatus !== 200 && b.lineUpStatus !== 201) throw new Error('lineUpStatus must be 200 or 201');
    Object.assign(switches, b);
    return { ...switches };
  });
  control<RateLimit & { off?: boolean }>('rateLimit', (b) => {
    api.setRateLimit(b.off || b.times === 0 ? null : b);
    return rateLimit;
  });
  control<{ apiKeys?: string[]; forbiddenKeys?: string[] }>('keys', (b) => {
    if (b.apiKeys) {
      apiKeys.clear();
      for (const k of b.apiKeys) apiKeys.add(k);
    }
    if (b.forbiddenKeys) {
      forbiddenKeys.clear();
      for (const k of b.forbiddenKeys) forbiddenKeys.add(k);
    }
    return { apiKeys: apiKeys.size, forbiddenKeys: forbiddenKeys.size };
  });
  control<CallCenter>('addCallCenter', (b) => state.addCallCenter(b));
  control<LineGroup>('addLineGroup', (b) => state.addLineGroup(b));
  control<Line>('addLine', (b) => state.addLine(b));
  control<{ id: number; state: string }>('setLine', (b) => {
    const l = state.lines.get(Number(b.id));
    if (!l) throw new Error(`no line ${b.id}`);
    l.state = b.state;
    return { id: l.id, state: l.state };
  });
  control<{ seed?: boolean }>('reset', (b) => {
    api.reset(b.seed !== false);
    return null;
  });
  control('dump', () => ({
    callCenters: [...state.callCenters.values()],
    lineGroups: [...state.lineGroups.values()],
    lines: [...state.lines.values()],
    waiters: [...state.waiters.values()].map(summary),
    switches,
  }));

  function summary(w: Waiter): Record<string, unknown> {
    return { ...w };
  }

  await sim.listen(opts.port ?? 0, opts.host ?? '127.0.0.1');

  const api: VirtualQSimulator = {
    name: 'virtualq',
    url: sim.url,
    server: sim,
    state,
    switches,
    apiKeys,
    forbiddenKeys,
    close: () => sim.close(),
    notify(who) {
      const w = findWaiter(who);
      if (!ACTIVE_STATES.includes(w.state)) throw new Error(`waiter ${w.id} is ${w.state}, not active`);
      state.setState(w, 'Notified');
      return w;
    },
    setWaiterState(who, s) {
      if (!WAITER_STATES.includes(s)) throw new Error(`state must be one of ${WAITER_STATES.join(', ')}`);
      const w = findWaiter(who);
      state.setState(w, s);
      return w;
    },
    setRateLimit(r) {
      rateLimit = r ? { ...r } : null;
    },
    reset(seed = true) {
      state.reset(seed);
      rateLimit = null;
      Object.assign(switches, { notFoundOnEmpty: false, writeResponses: 'body', lineUpStatus: 201, autoLifeCycle: true }, opts.switches ?? {});
      sim.clearFaults();
    },
  };
  return api;
}

// ---- wire helpers ----

function resource(id: number, type: string, attrs: Attrs, fmt: KeyFormat): unknown {
  const attributes: Attrs = {};
  for (const [k, v] of Object.entries(attrs)) attributes[fmt === 'dash' ? k.replace(/_/g, '-') : k] = v;
  return { id: String(id), type, attributes };
}

function errorBody(e: ApiError): unknown {
  const err: Record<string, unknown> = { status: String(e.status), code: e.code, title: e.title, detail: e.detail };
  if (e.pointer) err.source = { pointer: e.pointer };
  return { errors: [err] };
}

/** Parses and checks a JSON:API request document; returns its attributes. */
function readAttributes(req: SimRequest, type: string): Attrs {
  const ct = header(req, 'content-type').split(';')[0].trim().toLowerCase();
  if (ct !== 'application/vnd.api+json' && ct !== 'application/json') {
    throw new ApiError(415, 'unsupported-media-type', 'Unsupported media type', `Content-Type must be application/vnd.api+json, got "${ct}"`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(req.body);
  } catch {
    throw new ApiError(400, 'bad-request', 'Bad request', 'The request body is not valid JSON');
  }
  const data = isObject(doc) ? doc.data : undefined;
  if (!isObject(data)) throw new ApiError(400, 'bad-request', 'Bad request', 'The request document must contain a data object', undefined);
  if (data.type !== type) throw new ApiError(409, 'conflict', 'Conflict', `Resource type must be "${type}"`);
  const attrs = data.attributes ?? {};
  if (!isObject(attrs)) throw new ApiError(400, 'bad-request', 'Bad request', 'data.attributes must be an object');
  // Unset values are left out by clients; a null is treated as left out.
  const out: Attrs = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== null) out[k] = v;
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function normalisePhone(p: string): string {
  return p.replace(PHONE_SEPARATORS, '');
}

/** Query phones: an unencoded `+` arrives as a space (virtualQ's .NET SDK does not encode). */
function queryPhone(p: string): string {
  return normalisePhone(p.startsWith(' ') ? `+${p.slice(1)}` : p);
}

function bodyPhone(a: Attrs): string {
  const raw = requiredString(a, 'phone');
  const phone = normalisePhone(raw);
  if (!E164.test(phone)) throw invalid('phone', 'Phone is not a valid international number (E.164)');
  return phone;
}

function requiredString(a: Attrs, k: string): string {
  const v = a[k];
  if (v === undefined || v === '') throw invalid(k, `${k} can't be blank`);
  if (typeof v !== 'string') throw invalid(k, `${k} must be a string`);
  return v;
}

function optionalString(a: Attrs, k: string): string | undefined {
  return a[k] === undefined ? undefined : requiredString(a, k);
}

function requiredInt(a: Attrs, k: string): number {
  const v = a[k];
  if (v === undefined || v === '') throw invalid(k, `${k} can't be blank`);
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw invalid(k, `${k} must be an integer`);
  return n;
}

function optionalInt(a: Attrs, k: string): number | undefined {
  return a[k] === undefined ? undefined : requiredInt(a, k);
}

function optionalId(a: Attrs, k: string): string | undefined {
  const v = a[k];
  if (v === undefined) return undefined;
  if (typeof v === 'number') return String(v);
  return requiredString(a, k);
}

function optionalBool(a: Attrs, k: string): boolean | undefined {
  const v = a[k];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw invalid(k, `${k} must be true or false`);
  return v;
}

function optionalStringArray(a: Attrs, k: string): string[] | undefined {
  const v = a[k];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw invalid(k, `${k} must be an array of strings`);
  return v as string[];
}

function optionalObject(a: Attrs, k: string): Record<string, unknown> | undefined {
  const v = a[k];
  if (v === undefined) return undefined;
  if (!isObject(v)) throw invalid(k, `${k} must be an object`);
  return v;
}
