/**
 * Shared set-up of the GWS simulator tests (sim-gws*.test.ts): a hand-written agent speaking plain
 * HTTP (fetch) and Bayeux, and a fresh simulator per test.
 */
import * as assert from 'node:assert/strict';
import { start, type GwsSimulator } from '../../simulators/gws';

export const BASIC = 'Basic ' + Buffer.from('agent01:agent01-pass').toString('base64');
export const BASIC7 = 'Basic ' + Buffer.from('agent07:agent07-pass').toString('base64');

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** A minimal hand-written agent: one cookie jar and one CSRF token. */
export class Agent {
  cookies = new Map<string, string>();
  csrfName = '';
  csrfValue = '';
  constructor(
    private base: string,
    private auth: string | null = BASIC,
  ) {}

  async req(method: string, path: string, body?: unknown, opts: { csrf?: boolean; auth?: boolean; cookies?: boolean } = {}): Promise<Answer> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.auth && opts.auth !== false) headers.authorization = this.auth;
    if (this.cookies.size && opts.cookies !== false) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (method !== 'GET' && opts.csrf !== false && this.csrfName) headers[this.csrfName] = this.csrfValue;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    // Like a careful client: a 403 may carry the cookie of a session opened by a stale request.
    for (const c of r.status === 403 ? [] : r.headers.getSetCookie()) {
      const [nv] = c.split(';');
      const eq = nv.indexOf('=');
      this.cookies.set(nv.slice(0, eq), nv.slice(eq + 1));
    }
    if (r.headers.get('x-csrf-header')) {
      this.csrfName = r.headers.get('x-csrf-header')!;
      this.csrfValue = r.headers.get('x-csrf-token')!;
    }
    const text = await r.text();
    let json: unknown = undefined;
    try {
      json = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: r.status, headers: r.headers, text, json };
  }

  async login(): Promise<void> {
    const a = await this.req('GET', '/api/v2/me');
    assert.equal(a.status, 200);
  }

  bayeux(messages: unknown[]): Promise<Answer> {
    return this.req('POST', '/api/v2/notifications', messages, { csrf: false, auth: false });
  }

  async handshake(channels: string[] = ['/v2/me/interactions']): Promise<string> {
    const h = await this.bayeux([{ id: '1', channel: '/meta/handshake', version: '1.0', minimumVersion: '1.0', supportedConnectionTypes: ['long-polling'] }]);
    const reply = (h.json as Array<Record<string, unknown>>)[0];
    assert.equal(reply.successful, true, JSON.stringify(reply));
    const clientId = reply.clientId as string;
    for (const s of channels) {
      const a = await this.bayeux([{ id: '2', channel: '/meta/subscribe', clientId, subscription: s }]);
      assert.deepEqual(a.json, [{ id: '2', channel: '/meta/subscribe', successful: true, subscription: s }]);
    }
    const first = await this.connect(clientId);
    assert.equal(first.at(-1)!.successful, true);
    return clientId;
  }

  async connect(clientId: string): Promise<Array<Record<string, unknown>>> {
    const a = await this.bayeux([{ id: 'c', channel: '/meta/connect', clientId, connectionType: 'long-polling' }]);
    assert.equal(a.status, 200);
    return a.json as Array<Record<string, unknown>>;
  }
}

export type Json = Record<string, unknown>;
export const data = (msgs: Json[]): Json[] => msgs.filter((m) => !String(m.channel).startsWith('/meta/'));

/**
 * Registers the suite's hooks (call inside a `describe`, with its `this`): a simulator and an agent per test.
 * `get` and `set` are the suite's variables (a test may restart the simulator).
 */
export function simGwsHooks(suite: Mocha.Suite, { get: current, set }: { get: () => GwsSimulator; set: (sim: GwsSimulator, agent: Agent) => void }): void {
  suite.timeout(10000);
  beforeEach(async () => {
    const sim = await start({ cometdTimeoutMs: 400, cometdMaxIntervalMs: 300 });
    set(sim, new Agent(sim.url));
  });
  afterEach(async () => {
    await current().close();
  });
}
