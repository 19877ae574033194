/**
 * Diyalog's application API, operation interactionisnotdelivered (docs/vendors/diyalog.md 2.2,
 * 3.4, 5.3, 6): an HMAC-signed POST. The body is serialised once and that exact string is
 * signed and sent. On 401 `Authorization failed` the request is signed once more without the
 * line feed before the path (the documents disagree); the form that worked is kept.
 */
import { CcError, errorCode, invalidInput, notConfigured, type ErrorCode, type ErrorRules, type VendorAnswer } from '../errors';
import { vendorTransport, parseJsonOrText, redactAnswer, snippet, vendorAnswer } from '../http';
import type { Transport, HttpResponse, TransportOptions, CancelSignal } from '../http';
import { check } from '../validate';
import { signedHeaders, type SignatureForm } from './hmac';
import { VENDOR } from './queue-client';
import { notDeliveredSchema } from './schemas';

/** Diyalog's application API `errorCode`s that have a contract meaning: unknown interaction, already handled. */
const API_RULES: ErrorRules = { byVendorCode: { 402: 'NOT_FOUND', 403: 'CONFLICT' } };

export const NOT_DELIVERED_PATH = '/v1/application/interactionisnotdelivered';

export interface ApiSettings {
  url: string;
  accessKeyId: string;
  accessKeySecret: string;
  requesterUserId: string;
  timeout?: number;
}

export interface NotDeliveredParams {
  interactionId?: string | number;
  sessionId?: string | number;
  message?: string;
}

export interface NotDeliveredResult {
  success: true;
  message: string | null;
}

export interface ApiCallOptions {
  timeout?: number;
  signal?: CancelSignal;
}

/** HMAC failure texts (5.3): all of them mean the credentials or clock are at fault. */
const AUTH_TEXTS = ['Required headers not found', 'Authorization failed due to data format not valid', 'Authorization failed due to date not valid'];

/** The body of an HMAC failure: plain text or the same text as a JSON string. */
export function failureText(text: string): string {
  const t = text.trim();
  if (t.startsWith('"')) {
    try {
      const v: unknown = JSON.parse(t);
      if (typeof v === 'string') return v;
    } catch {
      /* keep the raw text */
    }
  }
  return t;
}

export class DiyalogApiClient {
  readonly transport: Transport;
  /** The string-to-sign form that last succeeded (kept for this config node). */
  form: SignatureForm = 'lf';
  private readonly resourcePath: string;

  constructor(
    private readonly settings: ApiSettings,
    transportOptions: Partial<TransportOptions> = {},
  ) {
    this.transport = vendorTransport({ vendor: VENDOR, baseUrl: settings.url, timeout: settings.timeout ?? 30000 }, transportOptions, () => [
      settings.accessKeySecret,
      settings.accessKeyId,
    ]);
    let prefix: string;
    try {
      prefix = new URL(settings.url).pathname.replace(/\/+$/, '');
    } catch {
      prefix = '';
    }
    // Everything after host and port, without query (2.2).
    this.resourcePath = prefix + NOT_DELIVERED_PATH;
  }

  async interactionNotDelivered(params: NotDeliveredParams, opts: ApiCallOptions = {}): Promise<{ result: NotDeliveredResult; vendor: VendorAnswer }> {
    const op = 'interactionNotDelivered';
    const p = check<NotDeliveredParams>(VENDOR, op, notDeliveredSchema, params);
    if (p.interactionId === undefined && p.sessionId === undefined) throw invalidInput(VENDOR, op, 'interactionId', 'or sessionId is required');
    const s = this.settings;
    if (!s.url) throw notConfigured(VENDOR, op, 'url');
    if (!s.accessKeyId) throw notConfigured(VENDOR, op, 'accessKeyId');
    if (!s.accessKeySecret) throw notConfigured(VENDOR, op, 'accessKeySecret');
    if (!s.requesterUserId) throw notConfigured(VENDOR, op, 'requesterUserId');
    const payload: Record<string, string> = {};
    if (p.interactionId !== undefined) payload.interactionId = String(p.interactionId);
    if (p.sessionId !== undefined) payload.sessionId = String(p.sessionId);
    if (p.message !== undefined) payload.message = p.message;
    const body = JSON.stringify(payload);

    const redact = (t: string): string => this.transport.redact(t);
    // Every answer is redacted as it arrives: nothing after this point sees a secret.
    const send = async (form: SignatureForm): Promise<HttpResponse> =>
      redactAnswer(
        await this.transport.request({
          operation: op,
          method: 'POST',
          path: NOT_DELIVERED_PATH,
          headers: { ...signedHeaders(s, body, this.resourcePath, form), Accept: 'application/json' },
          body,
          timeout: opts.timeout,
          signal: opts.signal,
          retry: 'unprocessed',
        }),
        redact,
      );
    let res = await send(this.form);
    if (res.status === 401 && failureText(res.text) === 'Authorization failed') {
      const other: SignatureForm = this.form === 'lf' ? 'nolf' : 'lf';
      const again = await send(other);
      if (again.status !== 401) this.form = other;
      res = again;
    }
    return this.answer(op, res);
  }

  private answer(op: string, res: HttpResponse): { result: NotDeliveredResult; vendor: VendorAnswer } {
    const vendor = vendorAnswer(res, undefined, (t) => this.transport.redact(t));
    const fail = (code: ErrorCode, message: string, detail?: string): CcError =>
      new CcError({ code, vendor: VENDOR, operation: op, status: res.status, message: this.transport.redact(message), detail, answer: vendor });
    const text = failureText(res.text);
    if (res.status === 400 && AUTH_TEXTS.includes(text)) throw fail('AUTH_FAILED', `Diyalog refused the signature headers (HTTP 400): ${text}`, text);
    if (res.status === 401)
      throw fail('AUTH_FAILED', `Diyalog refused the signature (HTTP 401): ${text || 'Authorization failed'}; check accessKeyId and accessKeySecret`, text);
    if (res.status === 403)
      throw fail(
        'AUTH_FAILED',
        `Diyalog refused the request time (HTTP 403): ${text || 'Request time may not be correct.'}; check this machine's clock (clock skew over 15 min)`,
        text,
      );
    if (res.status === 429) throw fail('RATE_LIMITED', 'too many requests (HTTP 429)');
    if (res.status < 200 || res.status >= 300) throw fail('VENDOR_ERROR', `Diyalog answered HTTP ${res.status}${snippet(text)}`, text || undefined);
    const json = parseJsonOrText(res.text);
    if (typeof json !== 'object' || json === null || typeof (json as { isSuccess?: unknown }).isSuccess !== 'boolean') {
      throw fail('VENDOR_ERROR', `unreadable answer${snippet(res.text)}`);
    }
    const o = json as { isSuccess: boolean; message?: unknown; errorCode?: unknown };
    const message = typeof o.message === 'string' ? o.message : null;
    if (!o.isSuccess) {
      const ec = Number(o.errorCode);
      const code: ErrorCode = errorCode(undefined, API_RULES, Number.isFinite(ec) ? ec : undefined);
      throw fail(code, `Diyalog refused (errorCode ${Number.isFinite(ec) ? ec : 'none'}): ${message ?? '(no message)'}`, message ?? undefined);
    }
    return { result: { success: true, message }, vendor };
  }

  close(): void {
    this.transport.close();
  }
}
