/**
 * Shared set-up of the ICWS client tests (icws-client*.test.ts): a fresh simulator per test, clients
 * that record what their session emits (closed after each test), request filters and waiting helpers.
 */
import * as assert from 'node:assert/strict';
import { CcError } from '../../lib/errors';
import { IcwsClient, type IcwsMessage, type IcwsSessionOptions, type SessionStatus } from '../../lib/icws';
import { start, type IcwsSimulator } from '../../simulators/icws';
import type { RecordedRequest } from '../../simulators/common';

export const PASSWORD = 'agent1-secret';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export async function waitFor(cond: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

export async function rejects(p: Promise<unknown>, code: string, re?: RegExp): Promise<CcError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof CcError, String(err));
    assert.equal(err.code, code, err.message);
    if (re) assert.match(err.message, re);
    return err;
  }
  assert.fail(`expected ${code}`);
}

/** Registers the suite's hooks (call inside a `describe`, with its `this`); `set` receives each test's simulator. */
export function icwsClientHarness(suite: Mocha.Suite, set: (s: IcwsSimulator) => void) {
  suite.timeout(20000);
  let sim: IcwsSimulator;
  const clients: IcwsClient[] = [];

  function client(extra: Partial<IcwsSessionOptions> = {}): {
    c: IcwsClient;
    messages: IcwsMessage[];
    states: SessionStatus[];
    warnings: string[];
    reconnects: number[];
  } {
    const c = new IcwsClient({ url: sim.url, username: 'agent1', password: PASSWORD, timeout: 3000, backoffMs: [100, 200, 400], ...extra });
    clients.push(c);
    const messages: IcwsMessage[] = [];
    const states: SessionStatus[] = [];
    const warnings: string[] = [];
    const reconnects: number[] = [];
    c.session.on('message', (m: IcwsMessage) => messages.push(m));
    c.session.on('state', (s: SessionStatus) => states.push(s));
    c.session.on('warning', (w: string) => warnings.push(w));
    c.session.on('reconnected', () => reconnects.push(Date.now()));
    return { c, messages, states, warnings, reconnects };
  }

  const reqs = (prefix = '/icws/', method?: string): RecordedRequest[] => sim.server.requestsTo(prefix, method);
  const dialerReqs = (): RecordedRequest[] => sim.server.requests.filter((r) => /\/dialer\/|\/status\//.test(r.path));
  const connects = (): RecordedRequest[] => reqs('/icws/connection', 'POST');

  async function toPop(c: IcwsClient, messages: IcwsMessage[]): Promise<Record<string, unknown>> {
    await c.logIn();
    await c.readyForCalls();
    await c.setStatus({ statusId: 'Available' });
    await waitFor(() => messages.some((m) => m.__type === 'urn:inin.com:dialer:dataPopMessage'), 3000, 'data pop');
    return messages.find((m) => m.__type === 'urn:inin.com:dialer:dataPopMessage')?.call as Record<string, unknown>;
  }

  beforeEach(async () => {
    sim = await start({ port: 0 });
    set(sim);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await sim.close();
  });

  return { clients, client, reqs, dialerReqs, connects, toPop };
}
