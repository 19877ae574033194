/**
 * Shared set-up of the ICWS node tests (icws.test.ts, icws-sessions.test.ts): the flow (icws-config,
 * icws-dialer, icws-dialer-events), one simulator for the suite, the secret check after each test and
 * the helpers that send an operation and wait for its answer.
 */
import * as assert from 'node:assert/strict';
import { catchNode, collect, helper, onTab, LogCapture, nodeRedHooks, nodeSet, sim, statuses, waitFor, type TestNode } from '../helpers';
import type { IcwsSimulator } from '../../simulators/icws';

export const PASSWORD = 'agent1-secret';
export const T_POP = 'urn:inin.com:dialer:dataPopMessage';

export type Msg = Record<string, unknown>;

export function flow(url: string, cfg: Msg = {}, events: Msg = {}, extra: Msg[] = []): unknown[] {
  return onTab([
    { id: 'cfg', type: 'icws-config', url, timeout: 5000, applicationName: 'Node-RED', language: 'en-us', station: '', restoreDialer: true, ...cfg },
    { id: 'dialer', type: 'icws-dialer', config: 'cfg', operation: 'msg', wires: [['out']] },
    { id: 'events', type: 'icws-dialer-events', config: 'cfg', types: '', wires: [['ev']], ...events },
    { id: 'out', type: 'helper' },
    { id: 'ev', type: 'helper' },
    ...extra,
  ]);
}

/** Registers the suite's hooks (call inside a `describe`, with its `this`); `set` receives the suite's simulator. */
export function icwsHarness(suite: Mocha.Suite, set: (s: IcwsSimulator) => void) {
  suite.timeout(30000);
  let s: IcwsSimulator;
  const log = new LogCapture();
  /** Everything a flow or a user could see during a test: checked for secrets after it. */
  const seen: unknown[] = [];

  before(async () => set((s = await sim<IcwsSimulator>('icws'))));
  nodeRedHooks(log);
  after(() => s.close());
  afterEach(async () => {
    await helper.unload();
    // the session DELETE is done by the time Node-RED has stopped the flows
    assert.equal(s.sessions.size, 0, 'sessions deleted when the flows stopped');
    // nothing secret in anything a flow or a user could see during the test
    const everything = JSON.stringify(seen) + log.text();
    assert.ok(!everything.includes(PASSWORD), 'the password leaked');
    for (const sess of [...s.sessions.values()]) assert.ok(!everything.includes(sess.csrf));
    seen.splice(0);
    s.reset();
    s.server.clearRequests();
    s.server.clearFaults();
  });

  async function load(cfg: Msg = {}, events: Msg = {}, password = PASSWORD, extra: Msg[] = []) {
    await helper.load([nodeSet('icws'), catchNode], flow(s.url, cfg, events, extra) as never, { cfg: { username: 'agent1', password } });
    const dialer = helper.getNode('dialer');
    const ev = helper.getNode('events');
    const n = {
      dialer,
      events: ev,
      out: collect(helper.getNode('out')),
      ev: collect(helper.getNode('ev')),
      caught: collect(helper.getNode('caught')),
      dialerStatus: statuses(dialer as TestNode),
      eventsStatus: statuses(ev as TestNode),
    };
    seen.push(n.out, n.ev, n.caught, n.dialerStatus, n.eventsStatus);
    return n;
  }

  type Loaded = Awaited<ReturnType<typeof load>>;

  /** Sends one operation and waits for its output (or its error). */
  async function op(n: Loaded, operation: string, payload: Msg = {}, more: Msg = {}): Promise<Msg> {
    const outs = n.out.length;
    const errs = n.caught.length;
    n.dialer.receive({ operation, payload, ...more });
    await waitFor(() => n.out.length > outs || n.caught.length > errs, 8000, `${operation} answer`);
    if (n.caught.length > errs) throw Object.assign(new Error('caught'), { msg: n.caught[n.caught.length - 1] });
    return n.out[n.out.length - 1];
  }

  async function caughtOf(n: Loaded, operation: string, payload: Msg = {}): Promise<Msg> {
    try {
      await op(n, operation, payload);
    } catch (e) {
      return (e as { msg: Msg }).msg;
    }
    assert.fail(`${operation} did not fail`);
  }

  const events = (n: Loaded, topic: string): Msg[] => n.ev.filter((m) => m.topic === topic);
  const sessionReqs = () =>
    s.server.requests.filter((r) => /\/dialer\/|\/status\//.test(r.path)).map((r) => [r.method, r.path.replace(/^\/icws\/\d+/, ''), r.body]);

  return { log, seen, load, op, caughtOf, events, sessionReqs };
}
