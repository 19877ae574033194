/**
 * Shared set-up of the ICWS simulator tests (sim-icws*.test.ts): plain fetch / node:http requests, a
 * session's requests, short polling, an event-stream reader, and a fresh simulator per test.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { start, type IcwsSimulator } from '../../simulators/icws';

export interface Session {
  sid: string;
  csrf: string;
  cookie: string;
  base: string;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

export const CONNECT_BODY = (userID = 'agent1', password = 'agent1-secret') => ({
  __type: 'urn:inin.com:connection:icAuthConnectionRequestSettings',
  applicationName: 'Node-RED',
  userID,
  password,
});

export async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(base + path, {
    method,
    headers: { 'accept-language': 'en-us', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* text */
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

export async function connect(base: string, userID?: string, password?: string): Promise<Session> {
  const a = await call(base, 'POST', '/icws/connection?include=features,effective-station', CONNECT_BODY(userID, password));
  assert.equal(a.status, 201, JSON.stringify(a.body));
  const b = a.body as { sessionId: string; csrfToken: string };
  const cookie = a.headers.getSetCookie()[0].split(';')[0];
  return { sid: b.sessionId, csrf: b.csrfToken, cookie, base };
}

export function on(s: Session, method: string, rest: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return call(s.base, method, `/icws/${s.sid}/${rest}`, body, { 'inin-icws-csrf-token': s.csrf, cookie: s.cookie, ...headers });
}

export async function poll(s: Session): Promise<Array<Record<string, unknown>>> {
  const a = await on(s, 'GET', 'messaging/messages');
  assert.equal(a.status, 200);
  assert.ok(Array.isArray(a.body));
  return a.body as Array<Record<string, unknown>>;
}

export interface Stream {
  status: number;
  contentType: string;
  events: Array<Record<string, unknown>>;
  raw: string;
  ended: Promise<void>;
  next(pred: (m: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>>;
  close(): void;
}

export function openStream(s: Session, headers: Record<string, string> = {}): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${s.base}/icws/${s.sid}/messaging/messages`);
    const req = http.request(url, { headers: { accept: 'text/event-stream', cookie: s.cookie, 'accept-language': 'en-us', ...headers } }, (res) => {
      let buf = '';
      const waiters: Array<() => void> = [];
      const st: Stream = {
        status: res.statusCode ?? 0,
        contentType: String(res.headers['content-type']),
        events: [],
        raw: '',
        ended: new Promise((r) => res.on('close', () => r())),
        next(pred, ms = 2000) {
          return new Promise((res2, rej) => {
            const check = (): boolean => {
              const m = st.events.find(pred);
              if (m) {
                st.events.splice(st.events.indexOf(m), 1);
                clearTimeout(t);
                res2(m);
                return true;
              }
              return false;
            };
            const t = setTimeout(() => rej(new Error('no such event in time; have ' + JSON.stringify(st.events))), ms);
            if (!check()) waiters.push(() => void check());
          });
        },
        close: () => req.destroy(),
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        st.raw += chunk;
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trim())
            .join('\n');
          if (data) st.events.push(JSON.parse(data) as Record<string, unknown>);
        }
        for (const w of waiters.splice(0)) w();
      });
      res.on('error', () => undefined);
      resolve(st);
    });
    req.on('error', reject);
    req.end();
  });
}

export const types = (ms: Array<Record<string, unknown>>): unknown[] => ms.map((m) => m.__type);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Registers the suite's hooks (call inside a `describe`, with its `this`); `set` receives each test's simulator and its URL. */
export function simIcwsHooks(suite: Mocha.Suite, set: (sim: IcwsSimulator, base: string) => void): void {
  suite.timeout(10000);
  let sim: IcwsSimulator;
  beforeEach(async () => {
    sim = await start({ port: 0 });
    set(sim, sim.url);
  });
  afterEach(async () => {
    await sim.close();
  });
}
