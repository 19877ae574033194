/**
 * The example flows of examples/icws run in Node-RED against the ICWS simulator, as shipped:
 * only the config node's URL is pointed at the test's simulator and the debug nodes become
 * helper nodes (to read what they would show).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { catchNode, collect, helper, nodeSet, root, sim, sleep, waitFor } from '../helpers';
import { DEMO_CREDENTIALS, type IcwsSimulator } from '../../simulators/icws';
import { DEFAULT_PORTS } from '../../simulators/registry';

const core = [
  require('@node-red/nodes/core/common/20-inject.js'),
  require('@node-red/nodes/core/common/90-comment.js'),
  require('@node-red/nodes/core/function/10-switch.js'),
  require('@node-red/nodes/core/function/15-change.js'),
];

type N = Record<string, unknown>;

function example(file: string): N[] {
  return JSON.parse(fs.readFileSync(path.join(root, 'examples', 'icws', file), 'utf8')) as N[];
}

describe('icws example flows', function () {
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
    s.server.clearRequests();
  });

  async function run(file: string): Promise<{ byName: (name: string) => string; out: (name: string) => N[]; nodes: N[] }> {
    const nodes = example(file);
    const cfg = nodes.find((n) => n.type === 'icws-config') as N;
    assert.equal(cfg.url, `http://127.0.0.1:${DEFAULT_PORTS.icws}`, 'examples point at the default simulator port');
    assert.ok(
      nodes.some((n) => n.type === 'comment' && String(n.info).length > 100),
      'each example explains itself',
    );
    assert.ok(!nodes.some((n) => 'credentials' in n), 'no credentials in the example file (the comment names the simulator default)');
    const flow = nodes.map((n) => {
      if (n.type === 'icws-config') return { ...n, url: s.url };
      if (n.type === 'debug') return { id: n.id, z: n.z, type: 'helper', name: n.name, wires: [] };
      return n;
    });
    await helper.load([nodeSet('icws'), catchNode, ...core], flow as never, { [String(cfg.id)]: DEMO_CREDENTIALS['icws-config'] });
    const byName = (name: string): string => {
      const n = nodes.find((x) => x.name === name);
      assert.ok(n, `no node named ${name}`);
      return String(n.id);
    };
    const collected = new Map<string, N[]>();
    for (const n of nodes.filter((x) => x.type === 'debug')) collected.set(String(n.name), collect(helper.getNode(String(n.id))));
    return { byName, out: (name) => collected.get(name) as N[], nodes };
  }

  const click = (id: string): void => helper.getNode(id).receive({});
  const session = () => [...s.sessions.values()][0];

  it('basic-dialer-flow: log in → ready → Available → preview pop placed → disposition → next call → log off → last disposition → granted', async () => {
    const f = await run('basic-dialer-flow.json');
    click(f.byName('1 log in'));
    await waitFor(() => f.out('result').length === 1);
    click(f.byName('2 ready for calls'));
    await waitFor(() => f.out('result').length === 2);
    click(f.byName('3 Available'));
    await waitFor(() => f.out('data pop').length >= 1, 3000, 'data pop');
    assert.equal(f.out('data pop')[0].callType, 'preview');
    await waitFor(() => session()?.dialer.call?.callPlaced === true, 3000, 'preview placed by the flow');
    click(f.byName('4 disposition: Success'));
    // the flow sets Available again after the disposition: the next call pops
    await waitFor(() => session()?.dialer.popsSent === 2 && session()?.dialer.call?.callPlaced === true, 3000, 'second call placed');
    click(f.byName('5 log off (granted after the next disposition)'));
    await waitFor(() => f.out('result').length === 8, 3000, 'log-off answered');
    assert.equal(session()?.dialer.pendingLogoff?.length, 0, 'log-off deferred until the disposition');
    assert.ok(!f.out('Dialer message').some((m) => m.topic === 'urn:inin.com:dialer:logoutGrantedMessage'), 'not granted during the call');
    click(f.byName('6 last disposition: Success'));
    await waitFor(() => f.out('Dialer message').some((m) => m.topic === 'urn:inin.com:dialer:logoutGrantedMessage'), 3000, 'logout granted');
    await waitFor(() => f.out('result').length === 9, 3000, 'the last disposition answered');
    await sleep(100);
    assert.equal(f.out('error code').length, 0, JSON.stringify(f.out('error code')));
    assert.deepEqual(
      session()?.dialer.dispositions.map((d) => d.label),
      ['Success', 'Success'],
    );
    assert.deepEqual(
      f.out('result').map((m) => m.operation),
      ['logIn', 'readyForCalls', 'setStatus', 'placePreviewCall', 'disposition', 'setStatus', 'placePreviewCall', 'logOff', 'disposition'],
      'no Available after the last disposition',
    );
  });

  it('breaks: break pending → on break → not on break', async () => {
    const f = await run('breaks.json');
    click(f.byName('log in'));
    await waitFor(() => f.out('break').length === 1);
    click(f.byName('request break'));
    await waitFor(() => f.out('break').length === 3);
    click(f.byName('end break'));
    await waitFor(() => f.out('break').length === 4);
    assert.deepEqual(
      f.out('break').map((m) => m.payload),
      ['not on break', 'break pending', 'on break', 'not on break'],
    );
    assert.deepEqual(
      f.out('answer').map((m) => (m.vendor as N).status),
      [200, 202, 202],
    );
  });

  it('callback-disposition: Call Back Later, tomorrow, for agent1', async () => {
    const f = await run('callback-disposition.json');
    click(f.byName('get a call: log in'));
    await waitFor(() => f.out('result').length === 1);
    click(f.byName('ready for calls'));
    await waitFor(() => f.out('result').length === 2);
    click(f.byName('Available'));
    await waitFor(() => f.out('call and its dispositions').length === 1, 3000, 'pop');
    click(f.byName('note on the call (update call data)'));
    await waitFor(() => f.out('result').length === 4 || f.out('error code').length > 0);
    assert.equal(f.out('error code').length, 0, JSON.stringify(f.out('error code')));
    const call = session()?.dialer.call;
    assert.ok(call, 'a call is up');
    assert.deepEqual(session()?.dialer.callData, [
      { callId: call.interactionId, campaignId: call.campaignId, callAttributes: { is_attr_Note: 'prefers a call in the morning' } },
    ]);
    const before = Math.floor(Date.now() / 1000) + 86400;
    click(f.byName('callback tomorrow'));
    await waitFor(() => f.out('callback result').length === 1 || f.out('error code').length > 0);
    assert.equal(f.out('callback result')[0].vendor && (f.out('callback result')[0].vendor as N).status, 200);
    assert.equal(f.out('error code').length, 0, JSON.stringify(f.out('error code')));
    const [d] = session()?.dialer.dispositions ?? [];
    assert.equal(d.label, 'Call Back Later');
    assert.equal(d.scheduledAgent, 'agent1');
    assert.ok(Math.abs((d.scheduledTime ?? 0) - before) <= 2, `scheduledTime ${d.scheduledTime} vs ${before}`);
    assert.deepEqual(d.callAttributes, { is_attr_Note: 'asked for a call tomorrow' });
  });

  it('dialer-events: routes by type and reports the reconnect after an expiry', async () => {
    const f = await run('dialer-events.json');
    click(f.byName('log in'));
    await waitFor(() => f.out('campaigns').length === 1 && f.out('other').length === 2);
    assert.equal(f.out('campaigns')[0].topic, 'urn:inin.com:dialer:availableCampaignsMessage');
    s.expire();
    await waitFor(() => f.out('session re-established').length === 1, 4000, 'reconnected');
    await waitFor(() => session()?.dialer.loggedIn === true, 3000, 'Dialer restored');
    s.push({ __type: 'urn:inin.com:dialer:autoLogoutMessage', isDelta: false, campaignIds: ['C-Win-Back'], initiatorName: 'supervisor' });
    await waitFor(() => f.out('campaigns').some((m) => m.topic === 'urn:inin.com:dialer:autoLogoutMessage'));
  });
});
