/**
 * virtualQ REST API v2 (docs/vendors/virtualq.md): callers ("waiters"), lines and line groups.
 * JSON:API request envelopes with snake_case attributes, `X-Api-Key` on every request,
 * answers normalised to the contract's camelCase shapes, JSON:API `errors[0]` mapped to
 * the contract's codes. Reads are repeated on 429/502/503/504 and network errors; writes
 * only when the server provably did not process them (connection refused, 429), so a
 * caller is never lined up twice.
 */
import { CcError, notConfigured } from '../errors';
import { type Transport, vendorTransport, pathSegment, type HttpRequest, type RetryMode, type TransportOptions } from '../http';
import { answerOf, failure, unexpected, type Parsed } from './answer';
import { asResource, isObject, toCaller, toPlain, type Caller, type JsonObject, type Normalised, type Resource } from './normalise';
import { checkParams, e164, idNumber, optionalWhole, schemas, VENDOR, wholeNumber } from './schemas';
import { CALLER_OPERATIONS, LINE_GROUP_OPERATIONS, LINE_OPERATIONS, type Answered, type CallOptions, type CallerOperation, type CallerParams } from './types';
import type { LineActive, LineGroupFigures, LineGroupOperation, LineOperation, LineParams, LineUpParams, ListLineGroupsParams, ListLinesParams } from './types';
import type { ListWaitingParams, NotifyTransferredParams, Ok, UpdateCallerParams, UpdateLineGroupParams, Verified, VirtualQSettings } from './types';

export const DEFAULT_URL = 'https://api.virtualq.io';
export const DEFAULT_TIMEOUT = 30000;
export const MEDIA_TYPE = 'application/vnd.api+json';

/** Line-group figures: parameter → `service_*` attribute (integers unless noted). */
const FIGURES: Array<[keyof LineGroupFigures, string]> = [
  ['ewt', 'service_ewt'],
  ['agentsCount', 'service_agents_count'],
  ['idleAgentsCount', 'service_idle_agents_count'],
  ['averageTalkTime', 'service_average_talk_time'],
  ['waitersCount', 'service_waiters_count'],
  ['open', 'service_open'],
  ['agentList', 'service_agent_list'],
  ['callsPerHour', 'service_calls_per_hour'],
];

export class VirtualQClient {
  readonly transport: Transport;

  constructor(
    private readonly settings: VirtualQSettings,
    transportOptions: Partial<TransportOptions> = {},
  ) {
    this.transport = vendorTransport({ vendor: VENDOR, baseUrl: apiBase(settings.url), timeout: settings.timeout ?? DEFAULT_TIMEOUT }, transportOptions, () => [
      settings.apiKey,
    ]);
  }

  // ---- callers ----

  /** LineUpCaller: `POST waiters`. Never repeated once it may have reached the server. */
  async lineUp(params: LineUpParams, opts: CallOptions = {}): Promise<Answered<Caller>> {
    const op = 'lineUp';
    const p = checkParams<LineUpParams>(op, schemas.lineUp, params);
    const attributes = compact({
      line_id: idNumber(op, 'lineId', p.lineId),
      phone: e164(op, p.phone),
      channel: p.channel,
      source: p.source,
      lang: p.lang,
      skills: p.skills,
      properties: p.properties,
    });
    const a = await this.send(op, 'POST', '/waiters', { body: envelope('waiters', attributes), retry: 'unprocessed' }, opts).catch((err: unknown) => {
      if (err instanceof CcError && err.code === 'TIMEOUT' && err.detail !== 'NOT_SENT') {
        throw new CcError({
          code: 'TIMEOUT',
          vendor: VENDOR,
          operation: op,
          message: `${err.message.replace(/^.*?: /, '')}; the caller may have been lined up (check with get before lining up again)`,
        });
      }
      throw err;
    });
    // The caller is lined up on any 2xx: an answer without the waiter must not read as a
    // failure (a repeat would line them up twice), so the caller is built from the request.
    const data = isObject(a.body) ? asResource(a.body.data) : undefined;
    return { result: toCaller(data ?? { id: null, attributes: attributes as JsonObject }), vendor: a.vendor };
  }

  /** VerifyCaller: is this caller currently "up"? A 404 means no. */
  async verify(params: CallerParams, opts: CallOptions = {}): Promise<Answered<Verified>> {
    const op = 'verify';
    const { lineId, phone } = this.callerKey(op, params);
    const a = await this.send(op, 'GET', '/waiters', { query: { currently_up: 'true', phone, line_id: lineId } }, opts);
    const list = this.listOrEmpty(op, a).map(toCaller);
    return { result: { up: list.length > 0, caller: list[0] ?? null }, vendor: a.vendor };
  }

  /** GetCaller: the active waiter of this line with this phone, or null (also on 404). */
  async get(params: CallerParams, opts: CallOptions = {}): Promise<Answered<Caller | null>> {
    const op = 'get';
    const { lineId, phone } = this.callerKey(op, params);
    const a = await this.send(op, 'GET', '/waiters', { query: { active: 'true', phone, line_id: lineId } }, opts);
    const list = this.listOrEmpty(op, a);
    return { result: list.length ? toCaller(list[0]) : null, vendor: a.vendor };
  }

  /** NotifyCallerConnected: `PUT waiters/0` with service state Connected. */
  async notifyConnected(params: CallerParams, opts: CallOptions = {}): Promise<Answered<Caller | Ok>> {
    const op = 'notifyConnected';
    const { lineId, phone } = this.callerKey(op, params);
    return this.putWaiter(op, { line_id: lineId, phone, service_waiter_state: 'Connected' }, opts);
  }

  /** NotifyCallerTransferred: service state Finished, with the wait time and agent when known. */
  async notifyTransferred(params: NotifyTransferredParams, opts: CallOptions = {}): Promise<Answered<Caller | Ok>> {
    const op = 'notifyTransferred';
    const p = checkParams<NotifyTransferredParams>(op, schemas.notifyTransferred, params);
    const { lineId, phone } = this.callerKey(op, p);
    const attributes = compact({
      line_id: lineId,
      phone,
      service_waiter_state: 'Finished',
      wait_time_when_up: optionalWhole(op, 'waitTimeWhenUp', p.waitTimeWhenUp),
      agent_id: p.agentId === undefined ? undefined : String(p.agentId),
    });
    return this.putWaiter(op, attributes, opts);
  }

  /** UpdateCallerInformation: any of skills, properties, EWT, service state, times, agent. */
  async update(params: UpdateCallerParams, opts: CallOptions = {}): Promise<Answered<Caller | Ok>> {
    const op = 'update';
    const p = checkParams<UpdateCallerParams>(op, schemas.update, params);
    const { lineId, phone } = this.callerKey(op, p);
    const attributes = compact({
      line_id: lineId,
      phone,
      skills: p.skills,
      properties: p.properties,
      service_waiter_ewt: optionalWhole(op, 'ewt', p.ewt),
      service_waiter_state: p.serviceState,
      wait_time_when_up: optionalWhole(op, 'waitTimeWhenUp', p.waitTimeWhenUp),
      talk_time: optionalWhole(op, 'talkTime', p.talkTime),
      agent_id: p.agentId === undefined ? undefined : String(p.agentId),
    });
    return this.putWaiter(op, attributes, opts);
  }

  /** ListCallersWaiting: the active callers of a call center (optionally of one line); 404 = none. */
  async listWaiting(params: ListWaitingParams, opts: CallOptions = {}): Promise<Answered<Caller[]>> {
    const op = 'listWaiting';
    const p = checkParams<ListWaitingParams>(op, schemas.listWaiting, params);
    const query = {
      call_center_id: idNumber(op, 'callCenterId', p.callCenterId),
      line_id: p.lineId === undefined ? undefined : idNumber(op, 'lineId', p.lineId),
      active: 'true',
    };
    const a = await this.send(op, 'GET', '/waiters', { query }, opts);
    return { result: this.listOrEmpty(op, a).map(toCaller), vendor: a.vendor };
  }

  /** Runs one operation of the `virtualq-caller` node. */
  caller(operation: string, params: Record<string, unknown>, opts: CallOptions = {}): Promise<Answered<unknown>> {
    const p = params as never;
    switch (operation as CallerOperation) {
      case 'verify':
        return this.verify(p, opts);
      case 'get':
        return this.get(p, opts);
      case 'notifyConnected':
        return this.notifyConnected(p, opts);
      case 'notifyTransferred':
        return this.notifyTransferred(p, opts);
      case 'update':
        return this.update(p, opts);
      case 'listWaiting':
        return this.listWaiting(p, opts);
    }
    return Promise.reject(unknownOperation(operation, CALLER_OPERATIONS));
  }

  // ---- lines ----

  /** Is the line taking callers? `GET lines/<id>?check_active=true`; 404 → NOT_FOUND. */
  async isActive(params: LineParams, opts: CallOptions = {}): Promise<Answered<LineActive>> {
    const op = 'isActive';
    const p = checkParams<LineParams>(op, schemas.line, params);
    const id = idNumber(op, 'lineId', p.lineId);
    const a = await this.send(op, 'GET', `/lines/${pathSegment(VENDOR, op, 'lineId', id)}`, { query: { check_active: 'true' } }, opts);
    const line = toPlain(this.single(op, a));
    const state = line.virtualqLineState;
    return { result: { active: typeof state === 'string' && state.toLowerCase() === 'active', line }, vendor: a.vendor };
  }

  /** Counts an offered call for the line's statistics; the answer's body is ignored. */
  async callOffered(params: LineParams, opts: CallOptions = {}): Promise<Answered<Ok>> {
    const op = 'callOffered';
    const p = checkParams<LineParams>(op, schemas.line, params);
    const id = idNumber(op, 'lineId', p.lineId);
    const a = await this.send(
      op,
      'POST',
      `/lines/${pathSegment(VENDOR, op, 'lineId', id)}/log_call_offered`,
      { body: envelope('lines', { line_id: id }), retry: 'unprocessed' },
      opts,
    );
    return { result: { ok: true }, vendor: a.vendor };
  }

  /** The lines of a call center, optionally of one line group or matching a query; 404 = none. */
  async listLines(params: ListLinesParams, opts: CallOptions = {}): Promise<Answered<Normalised[]>> {
    const op = 'list';
    const p = checkParams<ListLinesParams>(op, schemas.listLines, params);
    const query = {
      call_center_id: idNumber(op, 'callCenterId', p.callCenterId),
      line_group_id: p.lineGroupId === undefined ? undefined : idNumber(op, 'lineGroupId', p.lineGroupId),
      q: p.query === undefined ? undefined : String(p.query),
    };
    const a = await this.send(op, 'GET', '/lines', { query }, opts);
    return { result: this.listOrEmpty(op, a).map(toPlain), vendor: a.vendor };
  }

  /** Runs one operation of the `virtualq-line` node. */
  line(operation: string, params: Record<string, unknown>, opts: CallOptions = {}): Promise<Answered<unknown>> {
    const p = params as never;
    switch (operation as LineOperation) {
      case 'isActive':
        return this.isActive(p, opts);
      case 'callOffered':
        return this.callOffered(p, opts);
      case 'list':
        return this.listLines(p, opts);
    }
    return Promise.reject(unknownOperation(operation, LINE_OPERATIONS));
  }

  // ---- line groups ----

  /** Pushes live ACD figures; only the given ones are sent. 404 → NOT_FOUND. */
  async updateLineGroup(params: UpdateLineGroupParams, opts: CallOptions = {}): Promise<Answered<Ok>> {
    const op = 'update';
    const p = checkParams<UpdateLineGroupParams>(op, schemas.updateLineGroup, params);
    const id = idNumber(op, 'lineGroupId', p.lineGroupId);
    const attributes: Record<string, unknown> = {};
    for (const [name, attr] of FIGURES) {
      const v = p[name];
      if (v === undefined) continue;
      attributes[attr] = name === 'open' || name === 'agentList' ? v : wholeNumber(op, name, v);
    }
    const a = await this.send(
      op,
      'PUT',
      `/line_groups/${pathSegment(VENDOR, op, 'lineGroupId', id)}`,
      { body: envelope('line_groups', attributes), retry: 'unprocessed' },
      opts,
    );
    // docs/contract.md 2.2: update → {ok: true}; the group the server may return stays in msg.vendor.
    return { result: { ok: true }, vendor: a.vendor };
  }

  /** The line groups of a call center; 404 = none. */
  async listLineGroups(params: ListLineGroupsParams, opts: CallOptions = {}): Promise<Answered<Normalised[]>> {
    const op = 'list';
    const p = checkParams<ListLineGroupsParams>(op, schemas.listLineGroups, params);
    const a = await this.send(op, 'GET', '/line_groups', { query: { call_center_id: idNumber(op, 'callCenterId', p.callCenterId) } }, opts);
    return { result: this.listOrEmpty(op, a).map(toPlain), vendor: a.vendor };
  }

  /** Runs one operation of the `virtualq-line-group` node. */
  lineGroup(operation: string, params: Record<string, unknown>, opts: CallOptions = {}): Promise<Answered<unknown>> {
    const p = params as never;
    switch (operation as LineGroupOperation) {
      case 'update':
        return this.updateLineGroup(p, opts);
      case 'list':
        return this.listLineGroups(p, opts);
    }
    return Promise.reject(unknownOperation(operation, LINE_GROUP_OPERATIONS));
  }

  /**
   * "Test connection": one harmless read (`GET line_groups`, no filter). Any answer of the API
   * other than 401/403 proves the URL and the key (the key is checked before anything else);
   * 401/403 is AUTH_FAILED; 5xx, a non-API page or no answer fail as usual.
   */
  async checkCredentials(opts: CallOptions = {}): Promise<{ ok: true }> {
    const op = 'testConnection';
    try {
      await this.send(op, 'GET', '/line_groups', {}, opts);
    } catch (err) {
      const e = err as CcError;
      const apiAnswered = e.answer !== undefined && isObject(e.answer.body) && e.status !== undefined && e.status < 500;
      if (!(e instanceof CcError) || e.code === 'AUTH_FAILED' || !apiAnswered) throw err;
    }
    return { ok: true };
  }

  close(): void {
    this.transport.close();
  }

  // ---- wire ----

  private callerKey(op: string, params: unknown): { lineId: number; phone: string } {
    const p = checkParams<CallerParams>(op, schemas.caller, params);
    return { lineId: idNumber(op, 'lineId', p.lineId), phone: e164(op, p.phone) };
  }

  private async putWaiter(op: string, attributes: Record<string, unknown>, opts: CallOptions): Promise<Answered<Caller | Ok>> {
    // `0` is literal: the server finds the active waiter by line_id + phone.
    const a = await this.send(op, 'PUT', '/waiters/0', { body: envelope('waiters', attributes), retry: 'unprocessed' }, opts);
    const data = isObject(a.body) ? asResource(a.body.data) : undefined;
    return { result: data ? toCaller(data) : { ok: true }, vendor: a.vendor };
  }

  private async send(
    op: string,
    method: HttpRequest['method'],
    path: string,
    req: { query?: HttpRequest['query']; body?: unknown; retry?: RetryMode },
    opts: CallOptions,
  ): Promise<Parsed & { notFound: boolean }> {
    const s = this.settings;
    if (!s.url) throw notConfigured(VENDOR, op, 'url');
    if (!s.apiKey) throw notConfigured(VENDOR, op, 'apiKey');
    const headers: Record<string, string> = { 'X-Api-Key': s.apiKey };
    if (req.body !== undefined) headers['Content-Type'] = MEDIA_TYPE;
    const raw = await this.transport.request({
      operation: op,
      method,
      path,
      query: req.query,
      headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      timeout: opts.timeout,
      signal: opts.signal,
      retry: req.retry ?? 'idempotent',
    });
    const parsed = answerOf(raw, (t) => this.transport.redact(t));
    const { res, body } = parsed;
    if (res.status >= 200 && res.status < 300) return { ...parsed, notFound: false };
    // Filtered lists: a 404 is "nothing matched" (older servers); the caller decides. A 404
    // page that is not virtualQ's JSON (a wrong URL, a proxy) stays an error, so that a
    // misconfigured URL does not read as "no such caller".
    const fromApi = res.text.trim() === '' || isObject(body);
    if (res.status === 404 && method === 'GET' && req.query && !/\/\d+$/.test(path) && fromApi) return { ...parsed, notFound: true };
    throw failure(op, parsed, (t) => this.transport.redact(t));
  }

  /** The items of a list answer; a 404 on a filtered list is an empty list. */
  private listOrEmpty(op: string, a: Parsed & { notFound: boolean }): Resource[] {
    if (a.notFound) return [];
    let data = isObject(a.body) ? a.body.data : undefined;
    if (isObject(data)) data = [data]; // one resource where a list was expected
    if (!Array.isArray(data)) throw unexpected(op, a, 'a list (data: [...])');
    return data.map((d) => {
      const r = asResource(d);
      if (!r) throw unexpected(op, a, 'resource objects in data');
      return r;
    });
  }

  private single(op: string, a: Parsed): Resource {
    const r = isObject(a.body) ? asResource(a.body.data) : undefined;
    if (!r) throw unexpected(op, a, 'a resource (data: {...})');
    return r;
  }
}

/** `https://api.virtualq.io` → `https://api.virtualq.io/api/v2` (unless already there). */
export function apiBase(url: string): string {
  const u = url.trim().replace(/\/+$/, '');
  if (!u) return u;
  return /\/api\/v2$/.test(u) ? u : `${u}/api/v2`;
}

/** `{"data":{"type":…,"attributes":{…}}}`; unset values are left out, never sent as null. */
function envelope(type: string, attributes: Record<string, unknown>): unknown {
  return { data: { type, attributes: compact(attributes) } };
}

function compact(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== null) out[k] = v;
  return out;
}

function unknownOperation(operation: string, known: readonly string[]): CcError {
  return new CcError({
    code: 'INVALID_INPUT',
    vendor: VENDOR,
    operation: operation || 'input',
    field: 'operation',
    message: `operation must be one of ${known.join(', ')}`,
  });
}

export type { Caller, Normalised, JsonObject };
