/**
 * Role (b) of the Diyalog simulator: a call-center queueing service as Diyalog expects the
 * institution to run one (docs/vendors/diyalog.md 3.1, 3.2, 5.1, 5.4):
 *   POST   <base>/CreateInteraction  → {"success":true,"errorMessage":null,"result":{"interactionId":"…"}}
 *   DELETE <base>/<interactionId>    → {"success":true,"errorMessage":null,"result":null}
 *     (refused with success:false once an agent took the interaction: `deliver`)
 * with switches for success:false, Diyalog's queueing-service document's malformed `=` body, 401 and slow answers.
 */
import type * as http from 'node:http';
import { timingSafeEqual, createHash } from 'node:crypto';
import type { SimRequest } from '../common';
import { header } from '../common';
import type { DiyalogState, QueueSettings } from './state';

export const QUEUE_CONTENT_TYPE = 'application/json; charset=utf-8';

export function sendEnvelope(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': QUEUE_CONTENT_TYPE, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function failure(res: http.ServerResponse, status: number, errorMessage: string): void {
  sendEnvelope(res, status, { success: false, errorMessage, result: null });
}

/** Constant-time comparison of two strings of any length (via equal-length digests). */
export function sameSecret(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

type Parsed = { ok: true; interaction: Omit<import('./state').SimInteraction, 'interactionId' | 'createdAt'> } | { ok: false; message: string };

/** Validates a CreateInteraction body the way docs/vendors/diyalog.md describes the fields. */
export function parseCreateBody(raw: string): Parsed {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return { ok: false, message: 'request body is not valid JSON' };
  }
  if (!isPlainObject(body)) return { ok: false, message: 'request body must be a JSON object' };
  const cid = body.customerId;
  if (!((typeof cid === 'string' && cid !== '') || (typeof cid === 'number' && Number.isFinite(cid)))) {
    return { ok: false, message: 'customerId is required (string)' };
  }
  const idn = body.identityNumber;
  if (idn !== undefined && idn !== null && typeof idn !== 'string' && typeof idn !== 'number') {
    return { ok: false, message: 'identityNumber must be a string' };
  }
  const ad = body.attachedData;
  let attachedData: Record<string, unknown> = {};
  let attachedDataShape: 'array' | 'object' | 'none' = 'none';
  if (Array.isArray(ad)) {
    attachedDataShape = 'array';
    for (let i = 0; i < ad.length; i++) {
      const el: unknown = ad[i];
      if (!isPlainObject(el)) return { ok: false, message: `attachedData[${i}] must be an object` };
      Object.assign(attachedData, el);
    }
  } else if (isPlainObject(ad)) {
    attachedDataShape = 'object';
    attachedData = { ...ad };
  } else if (ad !== undefined && ad !== null) {
    return { ok: false, message: 'attachedData must be an array of objects or an object' };
  }
  const sessionId = typeof body.sessionId === 'string' ? body.sessionId : undefined;
  return {
    ok: true,
    interaction: {
      customerId: String(cid),
      ...(idn !== undefined && idn !== null ? { identityNumber: String(idn) } : {}),
      attachedData,
      attachedDataShape,
      ...(sessionId ? { sessionId } : {}),
      body,
    },
  };
}

/** Diyalog's queueing-service document's response sample, byte for byte in its layout, with `=` instead of `:`. */
export function malformedCreateBody(interactionId: string): string {
  return `{\n"success" : true,\n"errorMessage" : null,\n"result" : {\n"interactionId" = "${interactionId}"\n}\n}`;
}

export class QueueService {
  constructor(
    private readonly base: string,
    private readonly state: DiyalogState,
    readonly settings: QueueSettings,
    private readonly wait: (ms: number) => Promise<void>,
  ) {}

  handles(path: string): boolean {
    return path === this.base || path.startsWith(this.base + '/');
  }

  async handle(req: SimRequest, res: http.ServerResponse): Promise<void> {
    const s = this.settings;
    if (s.delayMs > 0) await this.wait(s.delayMs);
    if (s.mode === 'unauthorized') return failure(res, 401, 'Auth-Token is missing or wrong');
    if (s.authToken && !sameSecret(header(req, 'auth-token'), s.authToken)) {
      return failure(res, 401, 'Auth-Token is missing or wrong');
    }
    const rest = req.path.slice(this.base.length + 1);
    if (req.path === this.base || rest === '') {
      if (req.method === 'DELETE') return failure(res, 400, 'interaction id is empty');
      return failure(res, 404, `no route ${req.method} ${req.path}`);
    }
    if (rest.includes('/')) return failure(res, 404, `no route ${req.method} ${req.path}`);
    if (rest === 'CreateInteraction') {
      if (req.method !== 'POST') return failure(res, 405, `method ${req.method} not allowed on CreateInteraction`);
      return this.create(req, res);
    }
    if (req.method !== 'DELETE') return failure(res, 405, `method ${req.method} not allowed on an interaction`);
    let id: string;
    try {
      id = decodeURIComponent(rest);
    } catch {
      return failure(res, 400, 'interaction id is not valid percent-encoding');
    }
    return this.remove(id, res);
  }

  private create(req: SimRequest, res: http.ServerResponse): void {
    const parsed = parseCreateBody(req.body);
    if (!parsed.ok) return failure(res, 400, parsed.message);
    if (this.settings.mode === 'fail') return sendEnvelope(res, 200, { success: false, errorMessage: this.settings.errorMessage, result: null });
    const now = Date.now();
    const interactionId = this.state.nextInteractionId(now);
    this.state.interactions.set(interactionId, { interactionId, createdAt: now, ...parsed.interaction });
    this.state.addWaiting({ interactionId, sessionId: parsed.interaction.sessionId, customerId: parsed.interaction.customerId });
    if (this.settings.mode === 'malformed') {
      const text = malformedCreateBody(interactionId);
      res.writeHead(200, { 'content-type': QUEUE_CONTENT_TYPE, 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    sendEnvelope(res, 200, { success: true, errorMessage: null, result: { interactionId } });
  }

  private remove(id: string, res: http.ServerResponse): void {
    if (this.settings.mode === 'fail') return sendEnvelope(res, 200, { success: false, errorMessage: this.settings.errorMessage, result: null });
    const ix = this.state.interactions.get(id);
    if (!ix) return failure(res, 404, `interaction ${id} not found`);
    // Delivered-to-agent rule (docs/vendors/diyalog.md 3.2): the documented failure envelope, HTTP 200.
    if (ix.deliveredTo !== undefined) {
      return sendEnvelope(res, 200, { success: false, errorMessage: `interaction ${id} is already with an agent`, result: null });
    }
    this.state.interactions.delete(id);
    this.state.deleted.push(id);
    for (const w of this.state.waiting.filter((x) => x.interactionId === id)) this.state.removeWaiting(w);
    if (this.settings.deleteStatus === 204) {
      res.writeHead(204);
      res.end();
      return;
    }
    sendEnvelope(res, this.settings.deleteStatus, { success: true, errorMessage: null, result: null });
  }
}
