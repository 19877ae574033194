/**
 * virtualQ simulator routes (docs/vendors/virtualq.md): `/api/v2/waiters`, `/api/v2/lines`
 * (with `log_call_offered`) and `/api/v2/line_groups`; what each answers, as the switches say.
 */
import type * as http from 'node:http';
import { sendJson, type SimRequest } from '../common';
import { Resources } from './resources';
import { ACTIVE_STATES, SERVICE_STATES, type Line, type LineGroup, type VirtualQState, type Waiter } from './state';
import {
  MEDIA_TYPE,
  bodyPhone,
  invalid,
  notFound,
  optionalBool,
  optionalId,
  optionalInt,
  optionalObject,
  optionalString,
  optionalStringArray,
  queryPhone,
  readAttributes,
  requiredInt,
  requiredString,
  type KeyFormat,
} from './wire';

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

export const DEFAULT_SWITCHES: Readonly<VirtualQSwitches> = { notFoundOnEmpty: false, writeResponses: 'body', lineUpStatus: 201, autoLifeCycle: true };

export class Routes {
  private readonly show: Resources;

  constructor(
    private readonly state: VirtualQState,
    private readonly switches: VirtualQSwitches,
  ) {
    this.show = new Resources(state);
  }

  /** Answers the request or throws an ApiError (404 when no route matches). */
  route(req: SimRequest, res: http.ServerResponse, fmt: KeyFormat): void {
    const m = /^\/api\/v2\/([a-z_]+)(?:\/([^/]+))?(?:\/([a-z_]+))?\/?$/.exec(req.path);
    if (!m) throw notFound(`No route matches ${req.method} ${req.path}`);
    const [, collection, id, action] = m;
    const method = req.method;
    const show = this.show;
    if (collection === 'waiters' && !action) {
      if (id === undefined && method === 'GET')
        return this.sendList(
          res,
          this.listWaiters(req.query).map((w) => show.waiter(w, fmt)),
          'No waiters found',
        );
      if (id === undefined && method === 'POST') return this.lineUp(req, res, fmt);
      if (id !== undefined && method === 'GET') return sendData(res, 200, show.waiter(this.waiterById(id), fmt));
      if (id !== undefined && (method === 'PUT' || method === 'PATCH')) return this.updateWaiter(req, res, id, fmt);
    }
    if (collection === 'lines') {
      if (id === undefined && !action && method === 'GET')
        return this.sendList(
          res,
          this.listLines(req.query).map((l) => show.line(l, fmt)),
          'No lines found',
        );
      if (id !== undefined && !action && method === 'GET') return sendData(res, 200, show.line(this.lineById(id), fmt));
      if (id !== undefined && action === 'log_call_offered' && method === 'POST') return this.logCallOffered(req, res, id);
    }
    if (collection === 'line_groups' && !action) {
      if (id === undefined && method === 'GET')
        return this.sendList(
          res,
          this.listLineGroups(req.query).map((g) => show.lineGroup(g, fmt)),
          'No line groups found',
        );
      if (id !== undefined && method === 'GET') return sendData(res, 200, show.lineGroup(this.lineGroupById(id), fmt));
      if (id !== undefined && (method === 'PUT' || method === 'PATCH')) return this.updateLineGroup(req, res, id, fmt);
    }
    throw notFound(`No route matches ${method} ${req.path}`);
  }

  private sendList(res: http.ServerResponse, items: unknown[], emptyDetail: string): void {
    if (items.length === 0 && this.switches.notFoundOnEmpty) throw notFound(emptyDetail);
    sendData(res, 200, items);
  }

  private sendWritten(res: http.ServerResponse, data: unknown): void {
    if (this.switches.writeResponses === 'empty') {
      res.writeHead(204);
      res.end();
      return;
    }
    sendData(res, 200, data);
  }

  // ---- waiters ----

  private listWaiters(q: Record<string, string>): Waiter[] {
    const state = this.state;
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

  private lineUp(req: SimRequest, res: http.ServerResponse, fmt: KeyFormat): void {
    const a = readAttributes(req, 'waiters');
    const lineId = requiredInt(a, 'line_id');
    const line = this.state.lines.get(lineId);
    if (!line) throw notFound(`Line ${lineId} not found`);
    const phone = bodyPhone(a);
    const channel = requiredString(a, 'channel');
    const source = requiredString(a, 'source');
    const lang = optionalString(a, 'lang');
    const skills = optionalStringArray(a, 'skills');
    const properties = optionalObject(a, 'properties');
    if (line.state.toLowerCase() !== 'active') throw invalid('line_id', `Line ${lineId} is not active`);
    if (this.state.findActive(lineId, phone)) throw invalid('phone', 'Phone is already lined up on this line');
    const w = this.state.lineUp({ lineId, phone, channel, source, lang, skills, properties });
    sendData(res, this.switches.lineUpStatus, this.show.waiter(w, fmt));
  }

  private updateWaiter(req: SimRequest, res: http.ServerResponse, id: string, fmt: KeyFormat): void {
    const a = readAttributes(req, 'waiters');
    let w: Waiter;
    if (id === '0') {
      // id 0 is literal: "the active waiter of line_id with this phone".
      const lineId = requiredInt(a, 'line_id');
      const phone = bodyPhone(a);
      const found = this.state.findActive(lineId, phone);
      if (!found) throw notFound(`No active waiter with this phone on line ${lineId}`);
      w = found;
    } else {
      w = this.waiterById(id);
    }
    const serviceState = optionalString(a, 'service_waiter_state');
    if (serviceState !== undefined && !SERVICE_STATES.includes(serviceState))
      throw invalid('service_waiter_state', `is not one of ${SERVICE_STATES.join(', ')}`);
    this.state.applyServiceUpdate(w, {
      serviceState,
      ewt: optionalInt(a, 'service_waiter_ewt'),
      waitTimeWhenUp: optionalInt(a, 'wait_time_when_up'),
      talkTime: optionalInt(a, 'talk_time'),
      agentId: optionalId(a, 'agent_id'),
      skills: optionalStringArray(a, 'skills'),
      properties: optionalObject(a, 'properties'),
    });
    this.sendWritten(res, this.show.waiter(w, fmt));
  }

  private waiterById(id: string): Waiter {
    const w = /^\d+$/.test(id) ? this.state.waiters.get(Number(id)) : undefined;
    if (!w) throw notFound(`Waiter ${id} not found`);
    return w;
  }

  // ---- lines ----

  private listLines(q: Record<string, string>): Line[] {
    let list = [...this.state.lines.values()];
    if (q.call_center_id !== undefined) list = list.filter((l) => String(this.state.lineGroupOf(l).callCenterId) === q.call_center_id);
    if (q.line_group_id !== undefined) list = list.filter((l) => String(l.lineGroupId) === q.line_group_id);
    if (q.q !== undefined && q.q !== '') {
      const needle = q.q.toLowerCase();
      list = list.filter((l) => l.name.toLowerCase().includes(needle));
    }
    return list.sort((a, b) => a.id - b.id);
  }

  private lineById(id: string): Line {
    const l = /^\d+$/.test(id) ? this.state.lines.get(Number(id)) : undefined;
    if (!l) throw notFound(`Line ${id} not found`);
    return l;
  }

  private logCallOffered(req: SimRequest, res: http.ServerResponse, id: string): void {
    const line = this.lineById(id);
    if (req.body.trim() !== '') {
      const a = readAttributes(req, 'lines');
      if (a.line_id !== undefined && a.line_id !== null && String(a.line_id) !== id) throw invalid('line_id', 'does not match the line in the path');
    }
    line.callsOffered += 1;
    res.writeHead(204);
    res.end();
  }

  // ---- line groups ----

  private listLineGroups(q: Record<string, string>): LineGroup[] {
    let list = [...this.state.lineGroups.values()];
    if (q.call_center_id !== undefined) list = list.filter((g) => String(g.callCenterId) === q.call_center_id);
    return list.sort((a, b) => a.id - b.id);
  }

  private lineGroupById(id: string): LineGroup {
    const g = /^\d+$/.test(id) ? this.state.lineGroups.get(Number(id)) : undefined;
    if (!g) throw notFound(`Line group ${id} not found`);
    return g;
  }

  private updateLineGroup(req: SimRequest, res: http.ServerResponse, id: string, fmt: KeyFormat): void {
    const g = this.lineGroupById(id);
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
    g.updatedAt = new Date(this.state.now()).toISOString();
    this.state.recomputeEwt(g.id);
    this.sendWritten(res, this.show.lineGroup(g, fmt));
  }
}

function sendData(res: http.ServerResponse, status: number, data: unknown): void {
  sendJson(res, status, { data }, { 'content-type': MEDIA_TYPE });
}
