/**
 * Role (c) of the Diyalog simulator: Diyalog's application API, operation
 * `POST <prefix>/v1/application/interactionisnotdelivered`, HMAC-SHA256 checked as
 * docs/vendors/diyalog.md 2.2, 3.4, 5.3 and 6 describe (both string-to-sign forms,
 * `GMT` and `±hhmm` dates, ±15 min window, the three errorCode refusals).
 */
import type * as http from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SimRequest } from '../common';
import { header } from '../common';
import type { ApiSettings, DiyalogState, WaitingCustomer } from './state';

export const NOT_DELIVERED_PATH = '/v1/application/interactionisnotdelivered';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DATE_RE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) (GMT|[+-]\d{4})$/;
const AUTH_RE = /^DLGA ([^:\s]+):(\S+)$/;

/** Parses `EEE, dd MMM yyyy HH:mm:ss GMT` or `… ±hhmm`; NaN when it is neither. */
export function parseDlgDate(v: string): number {
  const m = DATE_RE.exec(v);
  if (!m) return NaN;
  const [, , dd, mon, yyyy, hh, mi, ss, zone] = m;
  const t = Date.UTC(Number(yyyy), MONTHS.indexOf(mon), Number(dd), Number(hh), Number(mi), Number(ss));
  const d = new Date(t);
  // Reject dates that roll over (31 Feb) or out-of-range times.
  if (d.getUTCDate() !== Number(dd) || Number(hh) > 23 || Number(mi) > 59 || Number(ss) > 59) return NaN;
  if (zone === 'GMT') return t;
  const sign = zone[0] === '-' ? -1 : 1;
  const off = (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) * 60000;
  return t - sign * off;
}

/** The two string-to-sign forms Diyalog's documents allow (with and without LF before the path). */
export function stringsToSign(method: string, contentType: string, date: string, body: string, path: string): [string, string] {
  const head = `${method}\n${contentType}\n${date}\n${body}`;
  return [`${head}\n${path}`, `${head}${path}`];
}

export function sign(secret: string, stringToSign: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(stringToSign, 'utf8').digest('base64');
}

function sameSig(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

export type SignatureForm = 'lf' | 'nolf';

export class ApplicationApi {
  /** Which string-to-sign form each accepted request used (tests check the client's choice). */
  readonly acceptedForms: SignatureForm[] = [];

  constructor(
    private readonly state: DiyalogState,
    readonly settings: ApiSettings,
  ) {}

  handles(path: string): boolean {
    return path.endsWith(NOT_DELIVERED_PATH);
  }

  now(): number {
    return Date.now() + this.settings.clockOffsetMs;
  }

  private authError(res: http.ServerResponse, status: number, text: string): void {
    const quoted = this.settings.errorTextStyle === 'quoted';
    const out = quoted ? JSON.stringify(text) : text;
    res.writeHead(status, {
      'content-type': quoted ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(out),
    });
    res.end(out);
  }

  private json(res: http.ServerResponse, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  handle(req: SimRequest, res: http.ServerResponse): void {
    if (req.method !== 'POST') {
      res.writeHead(405, { 'content-type': 'text/plain; charset=utf-8', allow: 'POST' });
      res.end('Method not allowed');
      return;
    }
    const date = header(req, 'x-dlg-date');
    const requester = header(req, 'x-dlg-requester-userid');
    const auth = header(req, 'x-dlg-authorization');
    if (!date || !requester || !auth) return this.authError(res, 400, 'Required headers not found');
    const m = AUTH_RE.exec(auth);
    if (!m) return this.authError(res, 400, 'Authorization failed due to data format not valid');
    const t = parseDlgDate(date);
    if (Number.isNaN(t)) return this.authError(res, 400, 'Authorization failed due to date not valid');
    if (Math.abs(this.now() - t) > this.settings.skewMs) return this.authError(res, 403, 'Request time may not be correct.');
    const secret = this.settings.keys.get(m[1]);
    if (secret === undefined) return this.authError(res, 401, 'Authorization failed');
    // The signed content type is the one received: a client that signs one and sends another fails.
    const [lf, nolf] = stringsToSign(req.method, header(req, 'content-type'), date, req.body, req.path);
    let form: SignatureForm;
    if (sameSig(sign(secret, lf), m[2])) form = 'lf';
    else if (sameSig(sign(secret, nolf), m[2])) form = 'nolf';
    else return this.authError(res, 401, 'Authorization failed');
    this.acceptedForms.push(form);
    this.business(req, requester, res);
  }

  private business(req: SimRequest, requesterUserId: string, res: http.ServerResponse): void {
    let body: unknown;
    try {
      body = JSON.parse(req.body);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`An error has occurred: ${(err as Error).message}`);
      return;
    }
    const b = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
    const interactionId = typeof b.interactionId === 'string' && b.interactionId !== '' ? b.interactionId : undefined;
    const sessionId = typeof b.sessionId === 'string' && b.sessionId !== '' ? b.sessionId : undefined;
    const message = typeof b.message === 'string' ? b.message : undefined;
    if (!interactionId && !sessionId) return this.json(res, { isSuccess: false, message: 'InteractionId or SessionId is required.', errorCode: 400 });
    let found: WaitingCustomer | undefined;
    if (this.settings.requireWaiting) {
      // interactionId wins when both ids are given (docs/vendors/diyalog.md 3.4).
      found = interactionId ? this.state.waiting.find((w) => w.interactionId === interactionId) : this.state.waiting.find((w) => w.sessionId === sessionId);
      if (!found) {
        const other = sessionId ? this.state.waiting.find((w) => w.sessionId === sessionId) : undefined;
        if (other) return this.json(res, { isSuccess: false, message: 'Customer is waiting for a different interaction.', errorCode: 403 });
        return this.json(res, { isSuccess: false, message: 'There is no customer waiting for this interaction.', errorCode: 402 });
      }
      this.state.removeWaiting(found);
    }
    this.state.notDelivered.push({ interactionId, sessionId, message, requesterUserId });
    this.json(res, { isSuccess: true, message: 'Customer waiting will be stopped.' });
  }
}
