/**
 * What the debug nodes of examples/icws show, as a new user clicking the injects sees it, across a
 * session expiry and reconnect: no debug node shows `undefined` as its status or its output (the
 * `reconnected` notice reaches only nodes made for it, a fixed-operation node's answer goes to a
 * debug node whose status it has). The debug nodes become helper nodes here; their `statusVal` /
 * `complete` properties are read from every message they received.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { catchNode, collect, helper, nodeSet, root, sim, waitFor } from '../helpers';
import { DEMO_CREDENTIALS, type IcwsSimulator } from '../../simulators/icws';

const core = [
  require('@node-red/nodes/core/common/20-inject.js'),
  require('@node-red/nodes/core/common/90-comment.js'),
  require('@node-red/nodes/core/function/10-switch.js'),
  require('@node-red/nodes/core/function/15-change.js'),
];

type N = Record<string, unknown>;

const at = (msg: N, p: string): unknown => p.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as N)[k] : undefined), msg);

describe('icws example flows: what their debug nodes show', function () {
  this.timeout(30000);
  let s: IcwsSimulator;

  before(async () => {
    s = await sim<IcwsSimulator>('icws');
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    await s.close();
  });
  afterEach(async () => {
    await helper.unload();
    await waitFor(() => s.sessions.size === 0, 3000, 'session deleted');
    s.reset();
  });

  async function run(file: string) {
    const nodes = JSON.parse(fs.readFileSync(path.join(root, 'examples', 'icws', file), 'utf8')) as N[];
    const cfg = nodes.find((n) => n.type === 'icws-config') as N;
    const flow = nodes.map((n) => {
      if (n.type === 'icws-config') return { ...n, url: s.url };
      if (n.type === 'debug') return { id: n.id, z: n.z, type: 'helper', name: n.name, wires: [] };
      return n;
    });
    await helper.load([nodeSet('icws'), catchNode, ...core], flow as never, { [String(cfg.id)]: DEMO_CREDENTIALS['icws-config'] });
    const debugs = nodes.filter((n) => n.type === 'debug');
    const out = new Map(debugs.map((n) => [String(n.name), collect(helper.getNode(String(n.id)))]));
    const click = (name: string): void => helper.getNode(String(nodes.find((x) => x.name === name)?.id)).receive({});
    const got = (name: string): N[] => out.get(name) ?? assert.fail(`no debug node ${name}`);
    /** Every debug node's status and output for every message it received: none undefined. */
    const shown = (): void => {
      for (const d of debugs) {
        for (const m of got(String(d.name))) {
          const where = `debug "${d.name}" on ${JSON.stringify(m.topic ?? m.operation)}`;
          if (d.tostatus && d.statusType === 'msg') assert.notEqual(at(m, String(d.statusVal)), undefined, `${where}: status ${d.statusVal}`);
          if (d.targetType === 'msg') assert.notEqual(at(m, String(d.complete)), undefined, `${where}: output ${d.complete}`);
        }
      }
    };
    const reconnect = async (): Promise<void> => {
      const before = s.stats.sessionsCreated;
      s.expire();
      await waitFor(() => s.stats.sessionsCreated > before && s.sessions.size === 1, 5000, 'a new session');
      await waitFor(() => [...s.sessions.values()][0].dialer.summary() !== undefined, 3000);
    };
    return { click, got, shown, reconnect };
  }

  it('basic-dialer-flow: the log-off is granted after the last disposition; no status reads undefined', async () => {
    const f = await run('basic-dialer-flow.json');
    f.click('1 log in');
    f.click('2 ready for calls');
    await waitFor(() => f.got('result').length === 2);
    f.click('3 Available');
    await waitFor(() => [...s.sessions.values()][0]?.dialer.call?.callPlaced === true, 3000, 'preview placed');
    f.click('4 disposition: Success');
    await waitFor(() => [...s.sessions.values()][0]?.dialer.popsSent === 2 && [...s.sessions.values()][0]?.dialer.call?.callPlaced === true, 3000, 'next call');
    f.click('5 log off (granted after the next disposition)');
    await waitFor(() => f.got('result').length === 8, 3000, 'log-off answered');
    f.click('6 last disposition: Success');
    await waitFor(() => f.got('Dialer message').some((m) => m.topic === 'urn:inin.com:dialer:logoutGrantedMessage'), 3000, 'granted');
    await f.reconnect();
    await waitFor(() => f.got('Dialer message').some((m) => m.topic === 'reconnected'), 3000, 'the all-messages node reports the reconnect');
    assert.ok(!f.got('data pop').some((m) => m.topic === 'reconnected'), 'the data pop node does not');
    assert.equal(f.got('error code').length, 0, JSON.stringify(f.got('error code')));
    f.shown();
  });

  it('callback-disposition: the callback answer shows its HTTP status; the pop debug never sees the reconnect', async () => {
    const f = await run('callback-disposition.json');
    f.click('get a call: log in');
    f.click('ready for calls');
    await waitFor(() => f.got('result').length === 2);
    f.click('Available');
    await waitFor(() => f.got('call and its dispositions').length === 1, 3000, 'pop');
    f.click('callback tomorrow');
    await waitFor(() => f.got('callback result').length === 1, 3000, 'callback answered');
    assert.equal((f.got('callback result')[0].vendor as N).status, 200);
    await f.reconnect();
    await new Promise((r) => setTimeout(r, 300));
    // the restored Dialer state may pop a new call; the reconnect notice itself stays out
    assert.ok(!f.got('call and its dispositions').some((m) => m.topic === 'reconnected'), 'no reconnect notice in the pop debug');
    assert.equal(f.got('error code').length, 0, JSON.stringify(f.got('error code')));
    f.shown();
  });

  it('breaks and dialer-events: after a reconnect, only the node routing "reconnected" gets it', async () => {
    const b = await run('breaks.json');
    b.click('log in');
    await waitFor(() => b.got('break').length === 1);
    await b.reconnect();
    await new Promise((r) => setTimeout(r, 300));
    // the restored Dialer log-in reports its break status again; the reconnect notice stays out
    assert.ok(!b.got('break').some((m) => m.topic === 'reconnected' || m.payload === undefined), 'the break debug shows no "undefined" for the reconnect');
    b.shown();
    await helper.unload();
    await waitFor(() => s.sessions.size === 0, 3000);
    const e = await run('dialer-events.json');
    e.click('log in');
    await waitFor(() => e.got('campaigns').length === 1);
    await e.reconnect();
    await waitFor(() => e.got('session re-established').length === 1, 3000);
    assert.ok(!e.got('campaigns').some((m) => m.topic === 'reconnected'));
    e.shown();
  });
});
