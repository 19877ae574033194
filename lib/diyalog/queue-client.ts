/**
 * Calling a call-center queueing service as Diyalog does (docs/vendors/diyalog.md 3.3, 5.2):
 *   POST   <url>/CreateInteraction   (Auth-Token when configured)
 *   DELETE <url>/<encodeURIComponent(interactionId)>
 * Answers are read tolerantly (Diyalog's queueing-service document's `=` sample) and mapped to the contract's codes.
 */
import { CcError, notConfigured, type ErrorCode, type VendorAnswer } from '../errors';
import { vendorTransport, pathSegment, redactAnswer, snippet, vendorAnswer } from '../http';
import type { Transport, HttpRequest, HttpResponse, TransportOptions, CancelSignal } from '../http';
import { check } from '../validate';
import { encodeAttachedData, type AttachedData, type AttachedDataShape } from './attached-data';
import { TokenCheck } from './inbound';
import { readQueueAnswer, type QueueEnvelope } from './parse';
import { createInteractionSchema, deleteInteractionSchema } from './schemas';

export const VENDOR = 'Diyalog';

export interface QueueSettings {
  /** Base URL of the queueing service (the routes are appended to it). */
  url: string;
  /** Sent as header `Auth-Token` when non-empty. */
  authToken?: string;
  timeout?: number;
}

export interface CreateInteractionParams {
  customerId: string | number;
  identityNumber?: string | number;
  attachedData?: AttachedData | unknown[];
}

export interface CreateInteractionResult {
  success: true;
  errorMessage: string | null;
  interactionId: string;
}

export interface DeleteInteractionResult {
  success: true;
  interactionId: string;
}

export interface CallOptions {
  timeout?: number;
  signal?: CancelSignal;
  /** Wire form of attachedData (default `array`, Diyalog's queueing-service document's form). */
  attachedDataShape?: AttachedDataShape;
}

export interface Answered<T> {
  result: T;
  vendor: VendorAnswer;
}

export class DiyalogQueueClient {
  readonly transport: Transport;
  /** The same token checked on inbound requests (`diyalog-interaction-in`). */
  readonly tokenCheck: TokenCheck;

  constructor(
    private readonly settings: QueueSettings,
    transportOptions: Partial<TransportOptions> = {},
  ) {
    this.transport = vendorTransport({ vendor: VENDOR, baseUrl: settings.url, timeout: settings.timeout ?? 30000 }, transportOptions, () => [
      settings.authToken ?? '',
    ]);
    this.tokenCheck = new TokenCheck(settings.authToken);
  }

  private headers(json: boolean): Record<string, string> {
    const h: Record<string, string> = { Accept: 'application/json' };
    if (json) h['Content-Type'] = 'application/json';
    if (this.settings.authToken) h['Auth-Token'] = this.settings.authToken;
    return h;
  }

  async createInteraction(params: CreateInteractionParams, opts: CallOptions = {}): Promise<Answered<CreateInteractionResult>> {
    const op = 'createInteraction';
    const p = check<CreateInteractionParams>(VENDOR, op, createInteractionSchema, params);
    const body: Record<string, unknown> = {};
    if (p.identityNumber !== undefined) body.identityNumber = String(p.identityNumber);
    body.customerId = String(p.customerId);
    if (p.attachedData !== undefined) {
      const enc = encodeAttachedData(p.attachedData, opts.attachedDataShape ?? 'array');
      if (!enc.ok)
        throw new CcError({
          code: 'INVALID_INPUT',
          vendor: VENDOR,
          operation: op,
          field: `attachedData[${enc.index}]`,
          message: `attachedData[${enc.index}] must be an object`,
        });
      body.attachedData = enc.value;
    }
    if (!this.settings.url) throw notConfigured(VENDOR, op, 'url');
    // A repeat may queue the customer twice: only what provably was not processed is retried.
    const res = await this.send({
      operation: op,
      method: 'POST',
      path: '/CreateInteraction',
      headers: this.headers(true),
      body: JSON.stringify(body),
      timeout: opts.timeout,
      signal: opts.signal,
      retry: 'unprocessed',
    });
    const env = this.answer(op, res, false);
    const vendor = vendorAnswer(res, bodyOf(env), this.redact);
    if (!env?.interactionId) throw this.fail(op, res, vendor, 'VENDOR_ERROR', 'the answer carries no result.interactionId');
    return { result: { success: true, errorMessage: env.errorMessage, interactionId: env.interactionId }, vendor };
  }

  async deleteInteraction(params: { interactionId: string | number }, opts: CallOptions = {}): Promise<Answered<DeleteInteractionResult>> {
    const op = 'deleteInteraction';
    const p = check<{ interactionId: string | number }>(VENDOR, op, deleteInteractionSchema, params);
    const id = String(p.interactionId);
    const segment = pathSegment(VENDOR, op, 'interactionId', id);
    if (!this.settings.url) throw notConfigured(VENDOR, op, 'url');
    const res = await this.send({
      operation: op,
      method: 'DELETE',
      path: '/' + segment,
      headers: this.headers(false),
      timeout: opts.timeout,
      signal: opts.signal,
      retry: 'idempotent',
    });
    const env = this.answer(op, res, true);
    return { result: { success: true, interactionId: id }, vendor: vendorAnswer(res, bodyOf(env), this.redact) };
  }

  /** Maps an answer to the contract; returns the envelope of a successful one (null: empty body). */
  private readonly redact = (text: string): string => this.transport.redact(text);

  /** Every answer is redacted as it arrives: nothing after this point sees a secret. */
  private async send(req: HttpRequest): Promise<HttpResponse> {
    return this.clean(await this.transport.request(req));
  }

  /** The answer with every secret removed (an echoing service leaks nothing). */
  private clean(res: HttpResponse): HttpResponse {
    return redactAnswer(res, this.redact);
  }

  private answer(op: string, raw: HttpResponse, emptyOk: boolean): QueueEnvelope | null {
    const res = this.clean(raw);
    const env = readQueueAnswer(res.text);
    const vendor = vendorAnswer(res, bodyOf(env), this.redact);
    const said = env?.errorMessage ? `: ${env.errorMessage}` : '';
    if (res.status === 401 || res.status === 403)
      throw this.fail(op, res, vendor, 'AUTH_FAILED', `the queueing service refused the Auth-Token (HTTP ${res.status})${said}`, env);
    if (res.status === 404) throw this.fail(op, res, vendor, 'NOT_FOUND', `not found (HTTP 404)${said}`, env);
    if (res.status === 429) throw this.fail(op, res, vendor, 'RATE_LIMITED', `too many requests (HTTP 429)${said}`, env);
    if (res.status < 200 || res.status >= 300)
      throw this.fail(op, res, vendor, 'VENDOR_ERROR', `the queueing service answered HTTP ${res.status}${said || snippet(res.text)}`, env);
    if (!env) {
      // DELETE: the answer is not documented; any 2xx without a readable `success:false` is a success.
      if (emptyOk) return null;
      throw this.fail(op, res, vendor, 'VENDOR_ERROR', `unreadable answer${snippet(res.text)}`);
    }
    if (!env.success) throw this.fail(op, res, vendor, 'VENDOR_ERROR', `the queueing service refused: ${env.errorMessage ?? '(no errorMessage)'}`, env);
    return env;
  }

  private fail(op: string, res: HttpResponse, vendor: VendorAnswer, code: ErrorCode, message: string, env?: QueueEnvelope | null): CcError {
    return new CcError({
      code,
      vendor: VENDOR,
      operation: op,
      status: res.status,
      message: this.transport.redact(message),
      detail: env?.errorMessage ?? undefined,
      answer: vendor,
    });
  }

  close(): void {
    this.transport.close();
  }
}

/** msg.vendor.body: the parsed JSON only where the service answered valid JSON, else its text. */
function bodyOf(env: QueueEnvelope | null): unknown {
  return env?.via === 'json' ? env.json : undefined;
}
