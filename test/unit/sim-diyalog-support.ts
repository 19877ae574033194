/**
 * Shared set-up of the Diyalog simulator tests (sim-diyalog*.test.ts): plain HTTP requests, the
 * control API, an independent HMAC signer and the project's test vector (docs/vendors/diyalog.md).
 */
import { createHmac } from 'node:crypto';
import { start, type DiyalogSimulator } from '../../simulators/diyalog';
import { rawRequest, resetSimulatorHooks, type RawAnswer } from '../helpers';

type Answer = RawAnswer;

export function request(method: string, url: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return rawRequest(url, { method, headers, body });
}

export const control = (sim: DiyalogSimulator, name: string, body: unknown): Promise<Answer> =>
  request('POST', `${sim.url}/__sim/${name}`, { 'content-type': 'application/json' }, JSON.stringify(body));

export const VECTOR = {
  secret: 'demo-secret-key',
  date: 'Tue, 09 Mar 2021 13:28:32 GMT',
  body: '{"interactionId":"IX-20250101-0042","message":"No agent is free right now, please try again later."}',
  path: '/v1/application/interactionisnotdelivered',
  withLf: 'Oeh9jlPV3YFCCB5ial0sJ8JQj+Qp2EWd3AUyg0WL7DE=',
  withoutLf: 'KN84z7v7zXxn3WaK+r//Is7+tbFClF9wTV/UZDya8+c=',
};

/** Signs independently of the simulator's own code (node:crypto, docs/vendors/diyalog.md 2.2). */
export function hmac(secret: string, date: string, body: string, path: string, lf = true, contentType = 'application/json'): string {
  const s = `POST\n${contentType}\n${date}\n${body}${lf ? '\n' : ''}${path}`;
  return createHmac('sha256', secret).update(s, 'utf8').digest('base64');
}

export function rfc1123(t: number): string {
  return new Date(t).toUTCString();
}

export function signedHeaders(opts: {
  keyId?: string;
  secret?: string;
  date?: string;
  body: string;
  path?: string;
  lf?: boolean;
  requester?: string;
}): Record<string, string> {
  const date = opts.date ?? rfc1123(Date.now());
  const sig = hmac(opts.secret ?? 'demo-secret-key', date, opts.body, opts.path ?? VECTOR.path, opts.lf ?? true);
  return {
    'content-type': 'application/json',
    'x-dlg-date': date,
    'x-dlg-requester-userid': opts.requester ?? '45186',
    'x-dlg-authorization': `DLGA ${opts.keyId ?? 'AK-7f3e21'}:${sig}`,
  };
}

/** Registers the hooks of a simulator suite (inside its `describe`): one simulator, reset before each test. */
export function simulatorHooks(set: (sim: DiyalogSimulator) => void): void {
  resetSimulatorHooks(() => start({ port: 0 }), set);
}
