/**
 * GWS v2 operations (docs/contract.md 2.4, docs/vendors/gws.md §3, the GWS Interactions API document) as typed methods on one
 * session: the agent session (`gws-agent`) and the Interactions API (`interaction-op`).
 * Inputs are checked before anything is sent (INVALID_INPUT naming the field); answers go
 * through the one classifier (`answer.ts`).
 */
import { CcError, invalidInput, notConfigured, type VendorAnswer } from '../errors';
import { pathSegment, redactError, type CancelSignal, type TransportOptions } from '../http';
import { classify, idFromUri, VENDOR } from './answer';
import { GwsSession, type GwsSessionOptions, type GwsState, type NotificationListener, type SessionRequest } from './session';

export const AGENT_OPERATIONS = ['startSession', 'endSession', 'ready', 'notReady', 'getUser'] as const;
export type AgentOperation = (typeof AGENT_OPERATIONS)[number];

/** `POST /api/v2/me/interactions/{id}` operations, named as the GWS Interactions API document names them. */
export const INTERACTION_POST_OPERATIONS = [
  'Accept',
  'Reject',
  'Cancel',
  'Complete',
  'PlaceInQueue',
  'UpdateUserData',
  'AttachUserData',
  'DeleteUserData',
  'PlaceInWorkbin',
  'GetWorkbinContent',
  'Transfer',
  // E-mail (docs/vendors/gws.md 3.2): on an accepted inbound e-mail, then on the outbound draft.
  'Reply',
  'ReplyAll',
  'Forward',
  'CancelReply',
  'Send',
  'StopProcessing',
] as const;
export type InteractionPostOperation = (typeof INTERACTION_POST_OPERATIONS)[number];
export const INTERACTION_READ_OPERATIONS = ['listAll', 'listMine', 'listMineUris', 'get', 'update'] as const;
/**
 * `other`: a `POST /api/v2/me/interactions/{id}` with an `operationName` the node does not list
 * (param `operationName`, checked against OPERATION_NAME, and an optional JSON `body`).
 */
export const OTHER_OPERATION = 'other';
export const INTERACTION_OPERATIONS = [...INTERACTION_POST_OPERATIONS, ...INTERACTION_READ_OPERATIONS, OTHER_OPERATION] as const;
/** What a GWS `operationName` looks like: a letter, then letters and digits (e.g. `Redirect`), at most 64. */
export const OPERATION_NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
export type InteractionOperation = (typeof INTERACTION_OPERATIONS)[number];

export interface AgentParams {
  channels?: unknown;
  place?: unknown;
  channel?: unknown;
}

export interface InteractionParams {
  interactionId?: unknown;
  queueName?: unknown;
  userData?: unknown;
  keys?: unknown;
  workbin?: unknown;
  userId?: unknown;
  interaction?: unknown;
  /** `other` only: the vendor operation name (an editor field, never `msg.operation`). */
  operationName?: unknown;
  /** `other` only: further body fields, a JSON object. */
  body?: unknown;
}

export interface CallOptions {
  timeout?: number;
  signal?: CancelSignal;
}

export interface GwsResult<T = unknown> {
  payload: T;
  vendor: VendorAnswer;
}

export interface GwsSettings {
  url: string;
  username: string;
  password: string;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

function nonEmptyString(op: string, field: string, v: unknown): string {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string' || v.trim() === '') throw invalidInput(VENDOR, op, field, v === undefined ? 'is required' : 'must be a non-empty string');
  return v.trim();
}

function optionalString(op: string, field: string, v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  return nonEmptyString(op, field, v);
}

/** Picks the answer fields worth passing on: referenceId and per-channel results. */
function extras(body: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isPlainObject(body)) return out;
  if (body.referenceId !== undefined) out.referenceId = body.referenceId;
  if (Array.isArray(body.channels)) out.channels = body.channels;
  return out;
}

export class GwsClient {
  readonly session: GwsSession;

  constructor(
    private settings: GwsSettings,
    transport: Partial<TransportOptions> = {},
    sessionOptions: Omit<GwsSessionOptions, 'url' | 'username' | 'password' | 'transport'> = {},
  ) {
    this.session = new GwsSession({ ...sessionOptions, url: settings.url, username: settings.username, password: settings.password, transport });
  }

  /** Throws NOT_CONFIGURED when url or a credential is missing. */
  configured(op: string): void {
    if (!this.settings.url) throw notConfigured(VENDOR, op, 'url');
    if (!this.settings.username) throw notConfigured(VENDOR, op, 'username');
    if (!this.settings.password) throw notConfigured(VENDOR, op, 'password');
  }

  private readonly redact = (text: string): string => this.session.redact(text);

  private async call(req: SessionRequest): Promise<{ body: unknown; partial: boolean; vendor: VendorAnswer }> {
    // What the session throws (a refused log-in with its answer) is redacted here too.
    const res = await this.session.request(req).catch((err: unknown) => {
      throw redactError(err, this.redact);
    });
    const c = classify(req.operation, res, this.redact);
    return { body: c.body, partial: c.partial, vendor: c.answer };
  }

  // ---------- gws-agent ----------

  async agent(operation: string, params: AgentParams = {}, opts: CallOptions = {}): Promise<GwsResult<Record<string, unknown>>> {
    if (!(AGENT_OPERATIONS as readonly string[]).includes(operation)) {
      throw invalidInput(VENDOR, operation || 'input', 'operation', `must be one of ${AGENT_OPERATIONS.join(', ')}`);
    }
    const op = operation as AgentOperation;
    if (op === 'getUser') return this.getUser(opts);
    let path = '/api/v2/me';
    let body: Record<string, unknown>;
    if (op === 'startSession') {
      let channels = params.channels;
      // An editor string field may hold "email, chat".
      if (typeof channels === 'string')
        channels = channels
          .split(',')
          .map((c) => c.trim())
          .filter(Boolean);
      if (!Array.isArray(channels) || channels.length === 0)
        throw invalidInput(VENDOR, op, 'channels', channels === undefined ? 'is required' : 'must be a non-empty array of channel names');
      channels.forEach((c, i) => nonEmptyString(op, `channels[${i}]`, c));
      body = { operationName: 'StartContactCenterSession', channels: channels.map((c) => String(c).trim()) };
      const place = optionalString(op, 'place', params.place);
      if (place !== undefined) body.place = place;
    } else if (op === 'endSession') {
      body = { operationName: 'EndContactCenterSession' };
    } else {
      body = { operationName: op === 'ready' ? 'Ready' : 'NotReady' };
      const channel = optionalString(op, 'channel', params.channel);
      if (channel !== undefined) path = `/api/v2/me/channels/${pathSegment(VENDOR, op, 'channel', channel)}`;
    }
    this.configured(op);
    if (op === 'endSession') return this.endSession(body, opts);
    const r = await this.call({ operation: op, method: 'POST', path, body, ...opts });
    const payload: Record<string, unknown> = { ok: true, ...(r.partial ? { partial: true } : {}), ...extras(r.body) };
    if (r.partial && isPlainObject(r.body) && typeof r.body.statusMessage === 'string') payload.statusMessage = r.body.statusMessage;
    return { payload, vendor: r.vendor };
  }

  /**
   * `endSession`: signs out, which ends the HTTP session (docs/vendors/gws.md 3.1). The CometD
   * client meets the end and reconnects on a new session; that is expected, so the nodes' status
   * does not flash "reconnecting".
   */
  private async endSession(body: Record<string, unknown>, opts: CallOptions): Promise<GwsResult<Record<string, unknown>>> {
    const op = 'endSession';
    await this.session.open(op, opts.signal).catch((err: unknown) => {
      throw redactError(err, this.redact);
    });
    const ended = this.session.sessionId();
    const quietEnd = this.session.expectEnd();
    let r: Awaited<ReturnType<GwsClient['call']>>;
    try {
      r = await this.call({ operation: op, method: 'POST', path: '/api/v2/me', body, ...opts });
    } catch (err) {
      quietEnd();
      throw err;
    }
    this.session.forget(ended);
    return { payload: { ok: true, ...extras(r.body) }, vendor: r.vendor };
  }

  /** `getUser`: the agent's own user record, `GET /api/v2/me` (docs/vendors/gws.md 3.1). */
  private async getUser(opts: CallOptions): Promise<GwsResult<Record<string, unknown>>> {
    const op = 'getUser';
    this.configured(op);
    const r = await this.call({ operation: op, method: 'GET', path: '/api/v2/me', ...opts });
    const user = isPlainObject(r.body) ? r.body.user : undefined;
    if (!isPlainObject(user)) {
      throw new CcError({
        code: 'VENDOR_ERROR',
        vendor: VENDOR,
        operation: op,
        status: r.vendor.status,
        message: 'the answer has no user object',
        answer: r.vendor,
      });
    }
    return { payload: user, vendor: r.vendor };
  }

  // ---------- interaction-op ----------

  async interaction(operation: string, params: InteractionParams = {}, opts: CallOptions = {}): Promise<GwsResult> {
    if (!(INTERACTION_OPERATIONS as readonly string[]).includes(operation)) {
      throw invalidInput(VENDOR, operation || 'input', 'operation', `must be one of ${INTERACTION_OPERATIONS.join(', ')}`);
    }
    const op = operation as InteractionOperation;
    if (op === 'listAll' || op === 'listMine' || op === 'listMineUris') {
      this.configured(op);
      const r = await this.call({
        operation: op,
        method: 'GET',
        path: op === 'listAll' ? '/api/v2/interactions' : '/api/v2/me/interactions',
        query: op === 'listMine' ? { fields: '*' } : undefined,
        ...opts,
      });
      return { payload: listOf(op, r.body, r.vendor), vendor: r.vendor };
    }
    const id = nonEmptyString(op, 'interactionId', params.interactionId);
    const idPath = pathSegment(VENDOR, op, 'interactionId', id);
    if (op === 'get') {
      this.configured(op);
      const r = await this.call({ operation: op, method: 'GET', path: `/api/v2/interactions/${idPath}`, ...opts });
      const b = r.body as { interaction?: unknown };
      if (!isPlainObject(b) || !isPlainObject(b.interaction)) {
        throw new CcError({ code: 'VENDOR_ERROR', vendor: VENDOR, operation: op, message: 'answer carries no interaction', answer: r.vendor });
      }
      return { payload: b.interaction, vendor: r.vendor };
    }
    if (op === 'update') {
      if (!isPlainObject(params.interaction) || Object.keys(params.interaction).length === 0) {
        throw invalidInput(VENDOR, op, 'interaction', params.interaction === undefined ? 'is required' : 'must be a non-empty object');
      }
      this.configured(op);
      // GWS PUTs carry the changed fields directly, not wrapped.
      const r = await this.call({ operation: op, method: 'PUT', path: `/api/v2/interactions/${idPath}`, body: params.interaction, ...opts });
      return { payload: { ok: true, ...extras(r.body) }, vendor: r.vendor };
    }
    const name = op === OTHER_OPERATION ? otherName(params.operationName) : op;
    const body = op === OTHER_OPERATION ? otherBody(name, params.body) : postBody(op, params);
    this.configured(name);
    const r = await this.call({ operation: name, method: 'POST', path: `/api/v2/me/interactions/${idPath}`, body, ...opts });
    return { payload: { ok: true, ...extras(r.body) }, vendor: r.vendor };
  }

  /** "Test connection": opens a session with `GET /api/v2/me`; 401 is AUTH_FAILED. */
  async checkCredentials(opts: CallOptions = {}): Promise<{ ok: true }> {
    this.configured('testConnection');
    await this.session.open('testConnection', opts.signal).catch((err: unknown) => {
      throw redactError(err, this.redact);
    });
    return { ok: true };
  }

  // ---------- session ----------

  subscribe(channel: string, fn: NotificationListener): () => void {
    return this.session.subscribe(channel, fn);
  }

  state(): GwsState {
    return this.session.state();
  }

  onState(fn: (s: GwsState) => void): () => void {
    return this.session.onState(fn);
  }

  /** Ends the session: CometD `/meta/disconnect` answered (bounded wait), then the sockets closed. */
  close(): Promise<void> {
    return this.session.close();
  }
}

/** The JSON body of one interaction operation, checked (docs/vendors/gws.md §3.2). */
export function postBody(op: InteractionPostOperation, p: InteractionParams): Record<string, unknown> {
  const body: Record<string, unknown> = { operationName: op };
  switch (op) {
    case 'PlaceInQueue':
      body.queueName = nonEmptyString(op, 'queueName', p.queueName);
      break;
    case 'PlaceInWorkbin':
    case 'GetWorkbinContent':
      body.workbin = nonEmptyString(op, 'workbin', p.workbin);
      break;
    case 'Transfer':
      body.userId = nonEmptyString(op, 'userId', p.userId);
      break;
    case 'UpdateUserData':
    case 'AttachUserData':
      if (!isPlainObject(p.userData) || Object.keys(p.userData).length === 0) {
        throw invalidInput(VENDOR, op, 'userData', p.userData === undefined ? 'is required' : 'must be a non-empty object');
      }
      body.userData = p.userData;
      break;
    case 'DeleteUserData': {
      // The GWS Interactions API document sends the keys as a userData object, newer media APIs as `keys`: send both.
      const ud = p.userData;
      if (ud !== undefined && !isPlainObject(ud)) throw invalidInput(VENDOR, op, 'userData', 'must be an object');
      let keys: string[] | undefined;
      if (p.keys !== undefined) {
        const k =
          typeof p.keys === 'string'
            ? p.keys
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean)
            : p.keys;
        if (!Array.isArray(k) || k.some((x) => typeof x !== 'string' || x === '')) throw invalidInput(VENDOR, op, 'keys', 'must be an array of key names');
        keys = k as string[];
      }
      const fromUd = ud ? Object.keys(ud) : [];
      if ((!keys || keys.length === 0) && fromUd.length === 0) throw invalidInput(VENDOR, op, 'keys', 'or userData must name at least one key');
      body.userData = ud && fromUd.length ? ud : Object.fromEntries((keys ?? []).map((k) => [k, '']));
      body.keys = keys && keys.length ? keys : fromUd;
      break;
    }
    default:
      break;
  }
  return body;
}

/** The `operationName` of `other`: a vendor operation name, checked before anything is sent. */
function otherName(v: unknown): string {
  const op = OTHER_OPERATION;
  if (v === undefined || v === null || v === '') throw invalidInput(VENDOR, op, 'operationName', 'is required for "other operation" (set it in the node)');
  if (typeof v !== 'string' || !OPERATION_NAME.test(v.trim())) {
    throw invalidInput(VENDOR, op, 'operationName', 'must be a GWS operation name: a letter, then letters and digits (e.g. Redirect)');
  }
  return v.trim();
}

/** The body of `other`: `{"operationName": name}` plus the given object's fields (which may not hold their own operationName). */
function otherBody(name: string, v: unknown): Record<string, unknown> {
  if (v === undefined || v === null || v === '') return { operationName: name };
  if (!isPlainObject(v)) throw invalidInput(VENDOR, name, 'body', 'must be a JSON object');
  if ('operationName' in v) throw invalidInput(VENDOR, name, 'body', 'may not hold operationName (it comes from the operationName field)');
  return { operationName: name, ...v };
}

function listOf(op: string, body: unknown, vendor: VendorAnswer): unknown[] {
  const b = body as { uris?: unknown; interactions?: unknown };
  if (isPlainObject(b) && Array.isArray(b.interactions)) return b.interactions;
  if (isPlainObject(b) && Array.isArray(b.uris)) return b.uris.filter((u): u is string => typeof u === 'string').map((uri) => ({ id: idFromUri(uri), uri }));
  throw new CcError({ code: 'VENDOR_ERROR', vendor: VENDOR, operation: op, message: 'answer carries neither uris nor interactions', answer: vendor });
}
