/**
 * Shared set-up of the virtualQ simulator tests (sim-virtualq*.test.ts): one simulator for the suite,
 * reset before each test, plain HTTP requests (fetch), the control API and JSON:API documents.
 */
import { start, DEFAULT_API_KEY, type VirtualQSimulator } from '../../simulators/virtualq';
import { resetSimulatorHooks } from '../helpers';

export const KEY = DEFAULT_API_KEY;
export const PHONE = '+4915112345678';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

export type Item = { id: string; type: string; attributes: Record<string, unknown> };

/** Registers the suite's hooks (call inside a `describe`, with its `this`); `set` receives the suite's simulator. */
export function virtualqSimHooks(suite: Mocha.Suite, set: (s: VirtualQSimulator) => void) {
  let sim: VirtualQSimulator;

  resetSimulatorHooks(
    () => start({ port: 0, forbiddenKeys: ['read-only-key'] }),
    (s) => set((sim = s)),
  );

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const h: Record<string, string> = { 'x-api-key': KEY, ...headers };
    if (body !== undefined && !('content-type' in h)) h['content-type'] = 'application/vnd.api+json';
    const res = await fetch(sim.url + path, {
      method,
      headers: h,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      /* not JSON */
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  async function control(name: string, body: unknown = {}): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(`${sim.url}/__sim/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  const waiterDoc = (attrs: Record<string, unknown>) => ({ data: { type: 'waiters', attributes: attrs } });
  const lineUpDoc = (over: Record<string, unknown> = {}) => waiterDoc({ line_id: 418, phone: PHONE, channel: 'CallBack', source: 'Phone', ...over });
  const data = (a: Answer): Item => a.json.data as Item;
  const list = (a: Answer): Item[] => a.json.data as Item[];
  const error0 = (a: Answer): Record<string, unknown> => (a.json.errors as Record<string, unknown>[])[0];

  return { call, control, waiterDoc, lineUpDoc, data, list, error0 };
}
