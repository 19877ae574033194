/**
 * The ICWS Dialer client (docs/contract.md 2.3, docs/vendors/icws.md §3): every `icws-dialer` operation
 * as a typed method on top of one IcwsSession. Input is checked before anything is sent
 * (INVALID_INPUT / CONFLICT name the field or the missing pop); answers become `{ok: true,
 * ...body}` or a contract error.
 */
import { CcError, invalidInput, notConfigured, type VendorAnswer } from '../errors';
import { pathSegment, redactAnswer, type HttpResponse } from '../http';
import { check } from '../validate';
import { VENDOR, icwsError, icwsVendorAnswer, okPayload } from './answer';
import { SKIP_LABEL } from './messages';
import { IcwsSession, type IcwsSessionOptions, type RequestOptions, type SessionStatus } from './session';
import { IcwsSubscriptions } from './subscriptions';
import { toEpochSeconds } from './time';

export const OPERATIONS = [
  'logIn',
  'logOff',
  'readyForCalls',
  'requestBreak',
  'endBreak',
  'disposition',
  'placePreviewCall',
  'updateCallData',
  'setStatus',
] as const;
export type IcwsOperation = (typeof OPERATIONS)[number];

export interface IcwsResult {
  payload: Record<string, unknown>;
  vendor: VendorAnswer;
}

export interface LogInParams {
  campaignId?: string | number;
}
export interface CampaignsParams {
  campaignIds?: Array<string | number>;
}
export interface DispositionParams {
  label: string;
  scheduledTime?: string | number | Date;
  scheduledAgent?: string;
  callAttributes?: Record<string, string>;
}
export interface PlacePreviewParams {
  callAttributes?: Record<string, string>;
}
export interface UpdateCallDataParams {
  callId?: string | number;
  campaignId?: string | number;
  callAttributes: Record<string, string>;
}
export interface SetStatusParams {
  statusId: string;
  userId?: string;
}

const id = { anyOf: [{ type: 'string', minLength: 1, pattern: '\\S' }, { type: 'number' }] };
const attributes = { type: 'object', additionalProperties: { type: 'string' } };

export const schemas: Record<IcwsOperation, object> = {
  logIn: { type: 'object', properties: { campaignId: id } },
  logOff: { type: 'object', properties: { campaignIds: { type: 'array', items: id } } },
  readyForCalls: { type: 'object', properties: { campaignIds: { type: 'array', items: id } } },
  requestBreak: { type: 'object' },
  endBreak: { type: 'object' },
  disposition: {
    type: 'object',
    required: ['label'],
    properties: {
      label: { type: 'string', minLength: 1, pattern: '\\S' },
      scheduledAgent: { type: 'string', minLength: 1, pattern: '\\S' },
      callAttributes: attributes,
    },
  },
  placePreviewCall: { type: 'object', properties: { callAttributes: attributes } },
  updateCallData: { type: 'object', required: ['callAttributes'], properties: { callId: id, campaignId: id, callAttributes: attributes } },
  setStatus: {
    type: 'object',
    required: ['statusId'],
    properties: { statusId: { type: 'string', minLength: 1, pattern: '\\S' }, userId: { type: 'string', minLength: 1, pattern: '\\S' } },
  },
};

const PATHS: Record<Exclude<IcwsOperation, 'setStatus'>, string> = {
  logIn: 'dialer/log-in',
  logOff: 'dialer/log-off',
  readyForCalls: 'dialer/ready-for-calls',
  requestBreak: 'dialer/request-break',
  endBreak: 'dialer/end-break',
  disposition: 'dialer/disposition',
  placePreviewCall: 'dialer/place-preview-call',
  updateCallData: 'dialer/update-call-data',
};

/** Lowest `dialer` feature version per operation (docs/vendors/icws.md 2.1). */
const DIALER_VERSION: Partial<Record<IcwsOperation, number>> = { logIn: 2, placePreviewCall: 3, updateCallData: 3 };

export class IcwsClient {
  readonly session: IcwsSession;
  /** Subscriptions for messages outside Dialer (passTypes of icws-dialer-events). */
  readonly subscriptions: IcwsSubscriptions;

  constructor(private settings: IcwsSessionOptions) {
    this.session = new IcwsSession(settings);
    this.subscriptions = new IcwsSubscriptions(this.session);
  }

  /** Runs one operation by name (the node's `operation`); params as the node resolved them. */
  run(operation: IcwsOperation, params: Record<string, unknown>, o: RequestOptions = {}): Promise<IcwsResult> {
    switch (operation) {
      case 'logIn':
        return this.logIn(params as LogInParams, o);
      case 'logOff':
        return this.logOff(params as CampaignsParams, o);
      case 'readyForCalls':
        return this.readyForCalls(params as CampaignsParams, o);
      case 'requestBreak':
        return this.requestBreak(o);
      case 'endBreak':
        return this.endBreak(o);
      case 'disposition':
        return this.disposition(params as unknown as DispositionParams, o);
      case 'placePreviewCall':
        return this.placePreviewCall(params as PlacePreviewParams, o);
      case 'updateCallData':
        return this.updateCallData(params as unknown as UpdateCallDataParams, o);
      case 'setStatus':
        return this.setStatus(params as unknown as SetStatusParams, o);
      default:
        return Promise.reject(invalidInput(VENDOR, String(operation), 'operation', `must be one of ${OPERATIONS.join(', ')}`));
    }
  }

  async logIn(p: LogInParams = {}, o?: RequestOptions): Promise<IcwsResult> {
    this.validate('logIn', p);
    return this.dialer('logIn', p.campaignId !== undefined ? { campaignId: String(p.campaignId) } : {}, o);
  }

  /** Omitted or empty `campaignIds` = leave Dialer entirely, sent as `{"campaignIds":[]}`. */
  async logOff(p: CampaignsParams = {}, o?: RequestOptions): Promise<IcwsResult> {
    this.validate('logOff', p);
    return this.dialer('logOff', { campaignIds: (p.campaignIds ?? []).map(String) }, o);
  }

  async readyForCalls(p: CampaignsParams = {}, o?: RequestOptions): Promise<IcwsResult> {
    this.validate('readyForCalls', p);
    return this.dialer('readyForCalls', p.campaignIds?.length ? { campaignIds: p.campaignIds.map(String) } : {}, o);
  }

  async requestBreak(o?: RequestOptions): Promise<IcwsResult> {
    return this.dialer('requestBreak', {}, o);
  }

  async endBreak(o?: RequestOptions): Promise<IcwsResult> {
    return this.dialer('endBreak', {}, o);
  }

  async disposition(p: DispositionParams, o?: RequestOptions): Promise<IcwsResult> {
    const op = 'disposition';
    this.validate(op, p);
    const call = this.session.dialer.call;
    if (call?.labels) {
      const skipOk = p.label === SKIP_LABEL && call.preview && call.allowSkip;
      if (!call.labels.includes(p.label) && !skipOk) {
        throw invalidInput(
          VENDOR,
          op,
          'label',
          `"${p.label}" is not a disposition of the current call (${call.labels.map((l) => `"${l}"`).join(', ') || 'none offered'})`,
        );
      }
    }
    const body: Record<string, unknown> = { label: p.label };
    if (p.scheduledTime !== undefined) {
      const t = toEpochSeconds(p.scheduledTime);
      if ('problem' in t) throw invalidInput(VENDOR, op, 'scheduledTime', t.problem);
      body.scheduledTime = t.seconds;
    }
    if (p.scheduledAgent !== undefined) {
      if (body.scheduledTime === undefined) throw invalidInput(VENDOR, op, 'scheduledAgent', 'needs scheduledTime');
      body.scheduledAgent = p.scheduledAgent;
    }
    if (p.callAttributes !== undefined) body.callAttributes = p.callAttributes;
    return this.dialer(op, body, o);
  }

  /**
   * The server decides whether a preview is pending (a flow that restarted mid-call, or a
   * session that missed the data pop, sees none): the request is sent unless this session saw
   * the current preview placed already; the server's 404 becomes CONFLICT with `msg.vendor`.
   */
  async placePreviewCall(p: PlacePreviewParams = {}, o?: RequestOptions): Promise<IcwsResult> {
    const op = 'placePreviewCall';
    this.validate(op, p);
    const call = this.session.dialer.call;
    if (call?.preview && call.callPlaced) {
      throw new CcError({ code: 'CONFLICT', vendor: VENDOR, operation: op, message: `the preview call ${call.interactionId} was already placed` });
    }
    return this.dialer(op, p.callAttributes !== undefined ? { callAttributes: p.callAttributes } : {}, o);
  }

  /** `callId` / `campaignId` default to the last data pop's `interactionId` / `campaignId`. */
  async updateCallData(p: UpdateCallDataParams, o?: RequestOptions): Promise<IcwsResult> {
    const op = 'updateCallData';
    this.validate(op, p);
    const call = this.session.dialer.call ?? this.session.dialer.lastCall;
    const callId = p.callId !== undefined ? String(p.callId) : call?.interactionId;
    const campaignId = p.campaignId !== undefined ? String(p.campaignId) : call?.campaignId;
    if (!callId) throw invalidInput(VENDOR, op, 'callId', 'is required (no data pop seen to take it from)');
    if (!campaignId) throw invalidInput(VENDOR, op, 'campaignId', 'is required (no data pop seen to take it from)');
    return this.dialer(op, { callId, campaignId, callAttributes: p.callAttributes }, o);
  }

  /** `PUT /status/user-statuses/{userId}` for the session's user unless `userId` is given. */
  async setStatus(p: SetStatusParams, o?: RequestOptions): Promise<IcwsResult> {
    const op = 'setStatus';
    this.validate(op, p);
    this.configured(op);
    const body = { statusId: p.statusId };
    let userId = p.userId ?? '';
    // A path segment is data: `..` would address another resource (checked before connecting).
    if (p.userId !== undefined) pathSegment(VENDOR, op, 'userId', p.userId);
    // The session's own user id is known for sure once it is open (the connect answer says it).
    const res = await this.session.request(
      op,
      'PUT',
      (own) => `status/user-statuses/${pathSegment(VENDOR, op, 'userId', (userId = p.userId ?? own))}`,
      body,
      o,
    );
    return this.answer(op, res, { ...body, userId });
  }

  close(): Promise<void> {
    return this.session.close();
  }

  /**
   * For "test connection": opens the session (log-in, station log-on when configured), then ends
   * it. Resolves when it was connected; rejects with the code the session went down with.
   */
  async checkCredentials(timeoutMs = 15000): Promise<void> {
    const op = 'checkCredentials';
    this.configured(op);
    const s = this.session;
    try {
      await new Promise<void>((resolve, reject) => {
        const done = (): void => {
          clearTimeout(timer);
          s.off('state', onState);
        };
        const timer = setTimeout(() => {
          done();
          reject(new CcError({ code: 'TIMEOUT', vendor: VENDOR, operation: op, message: `no session within ${timeoutMs} ms` }));
        }, timeoutMs);
        const onState = (st: SessionStatus): void => {
          if (st.phase === 'connected') {
            done();
            resolve();
          } else if (st.phase === 'down' || st.phase === 'closed') {
            done();
            reject(new CcError({ code: st.code ?? 'VENDOR_ERROR', vendor: VENDOR, operation: op, message: st.reason ?? 'the session could not be opened' }));
          }
        };
        s.on('state', onState);
        s.open();
      });
    } finally {
      await this.close();
    }
  }

  private validate(op: IcwsOperation, p: object): void {
    check(VENDOR, op, schemas[op], p ?? {});
  }

  private configured(op: string): void {
    const s = this.settings;
    if (!s.url) throw notConfigured(VENDOR, op, 'url');
    if (!s.username) throw notConfigured(VENDOR, op, 'username');
    if (!s.password) throw notConfigured(VENDOR, op, 'password');
  }

  private async dialer(op: Exclude<IcwsOperation, 'setStatus'>, body: Record<string, unknown>, o?: RequestOptions): Promise<IcwsResult> {
    this.configured(op);
    this.checkDialerVersion(op, body);
    const callAtSend = this.session.dialer.call?.interactionId;
    const res = await this.session.request(op, 'POST', PATHS[op], body, o);
    return this.answer(op, res, body, callAtSend);
  }

  /**
   * The `dialer` feature version the server reported gates endpoints (docs/vendors/icws.md 2.1);
   * an old server would answer 404, which reads as "no call". Checked once the session is open.
   */
  private checkDialerVersion(op: IcwsOperation, body: Record<string, unknown>): void {
    const v = this.session.dialerVersion;
    if (v === undefined) return;
    const needs = Array.isArray(body.campaignIds) && body.campaignIds.length && op === 'readyForCalls' ? 4 : (DIALER_VERSION[op] ?? 0);
    if (v < needs) {
      const what = needs === 4 && op === 'readyForCalls' ? `${op} with campaignIds` : op;
      throw new CcError({
        code: 'VENDOR_ERROR',
        vendor: VENDOR,
        operation: op,
        message: `${what} needs Dialer feature version ${needs}; the server reports ${v}`,
      });
    }
  }

  private readonly redact = (text: string): string => this.session.transport.redact(text);

  private answer(op: IcwsOperation, raw: HttpResponse, sent: Record<string, unknown>, callAtSend?: string): IcwsResult {
    // Redacted as it arrives: neither payload, msg.vendor nor an error sees an echoed secret.
    const res = redactAnswer(raw, this.redact);
    if (res.status < 200 || res.status >= 300) throw icwsError(op, res, this.redact);
    this.session.remember(op, sent, callAtSend);
    return { payload: okPayload(res), vendor: icwsVendorAnswer(res, this.redact) };
  }
}
