/**
 * Ameyo clickToDialWithToken (docs/vendors/ameyo.md): a form POST with the JSON in field `data`
 * and three token headers. The answer waits for the call legs, so the timeout is long, and
 * the request is never repeated once it may have reached Ameyo (a repeat would dial again).
 */
import { CcError, notConfigured, type VendorAnswer } from '../errors';
import { vendorTransport, parseJsonOrText, redactAnswer, snippet, vendorAnswer } from '../http';
import type { Transport, HttpResponse, TransportOptions, CancelSignal } from '../http';
import { check } from '../validate';
import { classify, isAuthRefusal, readAnswer, type ClickToDialResult } from './parse';

export const VENDOR = 'Ameyo';
export const DEFAULT_POLICY = 'token-based-authorization-policy';
export const DEFAULT_TIMEOUT = 120000;
export const COMMAND_PATH = '/ameyowebaccess/command/';

export interface AmeyoSettings {
  url: string;
  hashKey: string;
  requestingHost: string;
  policyName?: string;
  timeout?: number;
}

export interface ClickToDialParams {
  campaignId: string | number;
  userId: string;
  phone: string | number;
  additionalParams?: Record<string, unknown>;
  shouldAddCustomer?: boolean;
}

export interface CallOptions {
  timeout?: number;
  signal?: CancelSignal;
}

export interface ClickToDialAnswer {
  result: ClickToDialResult;
  vendor: VendorAnswer;
}

const nonEmpty = { anyOf: [{ type: 'string', minLength: 1, pattern: '\\S' }, { type: 'number' }] };

export const clickToDialSchema = {
  type: 'object',
  required: ['campaignId', 'userId', 'phone'],
  properties: {
    campaignId: nonEmpty,
    userId: { type: 'string', minLength: 1, pattern: '\\S' },
    phone: nonEmpty,
    additionalParams: { type: 'object' },
    shouldAddCustomer: { type: 'boolean' },
  },
};

export class AmeyoClient {
  readonly transport: Transport;

  constructor(
    private settings: AmeyoSettings,
    transportOptions: Partial<TransportOptions> = {},
  ) {
    this.transport = vendorTransport({ vendor: VENDOR, baseUrl: settings.url, timeout: settings.timeout ?? DEFAULT_TIMEOUT }, transportOptions, () => [
      settings.hashKey,
    ]);
  }

  async clickToDial(params: ClickToDialParams, opts: CallOptions = {}): Promise<ClickToDialAnswer> {
    const op = 'clickToDial';
    const p = check<ClickToDialParams>(VENDOR, op, clickToDialSchema, params);
    const phone = String(p.phone).replace(/[\s-]/g, '');
    if (!/^\+?\d+$/.test(phone)) {
      throw new CcError({ code: 'INVALID_INPUT', vendor: VENDOR, operation: op, field: 'phone', message: 'phone must be digits with an optional leading +' });
    }
    const s = this.settings;
    if (!s.url) throw notConfigured(VENDOR, op, 'url');
    if (!s.hashKey) throw notConfigured(VENDOR, op, 'hashKey');
    if (!s.requestingHost) throw notConfigured(VENDOR, op, 'requestingHost');
    const data: Record<string, unknown> = { userId: p.userId, campaignId: String(p.campaignId), phone };
    if (p.additionalParams !== undefined) data.additionalParams = p.additionalParams;
    if (p.shouldAddCustomer !== undefined) data.shouldAddCustomer = p.shouldAddCustomer;

    const raw = await this.transport
      .request({
        operation: op,
        method: 'POST',
        path: COMMAND_PATH,
        query: { command: 'clickToDialWithToken' },
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8',
          Accept: 'application/json, text/plain, */*',
          'Hash-key': s.hashKey,
          'Requesting-host': s.requestingHost,
          'Policy-name': s.policyName || DEFAULT_POLICY,
        },
        body: 'data=' + encodeURIComponent(JSON.stringify(data)),
        timeout: opts.timeout,
        signal: opts.signal,
        // 429 means "not processed": safe to repeat; nothing else is.
        retry: 'unprocessed',
      })
      .catch((err: unknown) => {
        if (err instanceof CcError && err.code === 'TIMEOUT' && err.detail !== 'NOT_SENT') {
          throw new CcError({ code: 'TIMEOUT', vendor: VENDOR, operation: op, message: `${err.reason}; the call may still be placed` });
        }
        throw err;
      });
    return this.answer(op, raw, { phone, userId: p.userId });
  }

  /**
   * Checks address and token headers without placing a call: the command with an empty `data`
   * document cannot dial. A wrong token gets `null` (or 401/403); anything else means accepted.
   */
  async checkCredentials(): Promise<void> {
    const op = 'checkCredentials';
    const s = this.settings;
    if (!s.url) throw notConfigured(VENDOR, op, 'url');
    if (!s.hashKey) throw notConfigured(VENDOR, op, 'hashKey');
    if (!s.requestingHost) throw notConfigured(VENDOR, op, 'requestingHost');
    const res = this.clean(
      await this.transport.request({
        operation: op,
        method: 'POST',
        path: COMMAND_PATH,
        query: { command: 'clickToDialWithToken' },
        headers: this.headers(),
        body: 'data=' + encodeURIComponent('{}'),
      }),
    );
    const text = res.text.trim();
    const fail = (code: CcError['code'], message: string): CcError => new CcError({ code, vendor: VENDOR, operation: op, status: res.status, message });
    if (res.status === 401 || res.status === 403 || text === '' || text === 'null')
      throw fail('AUTH_FAILED', 'Ameyo refused the token headers; check hash key, requesting host and policy name');
    if (res.status === 404) throw fail('VENDOR_ERROR', 'Ameyo answered 404: check the URL (no ameyowebaccess command endpoint there)');
    if (res.status >= 400) throw fail('VENDOR_ERROR', `Ameyo answered HTTP ${res.status}`);
    const answer = readAnswer(text);
    if (answer && isAuthRefusal(answer)) throw fail('AUTH_FAILED', `Ameyo refused the request: ${answer.reason ?? answer.details ?? ''}`);
  }

  private headers(): Record<string, string> {
    const s = this.settings;
    return {
      'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8',
      Accept: 'application/json, text/plain, */*',
      'Hash-key': s.hashKey,
      'Requesting-host': s.requestingHost,
      'Policy-name': s.policyName || DEFAULT_POLICY,
    };
  }

  /** Maps an HTTP answer to an outcome or a contract error (docs/vendors/ameyo.md 4.4). */
  private readonly redact = (text: string): string => this.transport.redact(text);

  /** The answer with every secret removed: nothing after this point sees the hash key. */
  private clean(res: HttpResponse): HttpResponse {
    return redactAnswer(res, this.redact);
  }

  private answer(op: string, raw: HttpResponse, request: { phone: string; userId: string }): ClickToDialAnswer {
    const res = this.clean(raw);
    const text = res.text;
    const body = parseJsonOrText(text, res.headers['content-type']);
    const vendor = vendorAnswer(res, body, this.redact);
    const fail = (code: CcError['code'], message: string, detail?: string): CcError =>
      new CcError({ code, vendor: VENDOR, operation: op, status: res.status, message: this.transport.redact(message), detail, answer: vendor });
    if (res.status === 401 || res.status === 403)
      throw fail('AUTH_FAILED', `Ameyo refused the token headers (HTTP ${res.status}); check hash key, requesting host and policy name`);
    if (res.status === 429) throw fail('RATE_LIMITED', 'Ameyo answered 429 Too Many Requests after retries');
    if (res.status < 200 || res.status >= 300) throw fail('VENDOR_ERROR', `Ameyo answered HTTP ${res.status}${snippet(text)}`);
    const trimmed = text.trim();
    if (trimmed === '' || trimmed === 'null') {
      throw fail('AUTH_FAILED', 'Ameyo returned no answer; check hash key and requesting host');
    }
    if (!trimmed.startsWith('{')) throw fail('VENDOR_ERROR', `Ameyo answered with something that is not JSON${snippet(text)}`);
    const answer = readAnswer(text, body);
    if (!answer) throw fail('VENDOR_ERROR', `unrecognised answer${snippet(text)}`);
    if (isAuthRefusal(answer)) {
      const words = answer.reason ?? answer.details ?? '';
      throw fail('AUTH_FAILED', `Ameyo refused the request: ${words}`, words);
    }
    const result = classify(answer, text, request);
    if (!result) throw fail('VENDOR_ERROR', `unrecognised answer${snippet(text)}`);
    return { result, vendor };
  }

  close(): void {
    this.transport.close();
  }
}
