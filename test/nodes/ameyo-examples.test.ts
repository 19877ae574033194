/**
 * The Ameyo example flow as shipped (only the simulator's address moved to a free port, debug
 * nodes become test helpers): each inject makes the simulator give one of the six answers of
 * Ameyo's click-to-dial document (docs/vendors/ameyo.md 4.1), and the flow shows its outcome,
 * with `status`, `details` and `metaData` of the answer in msg.payload.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { collect, helper, nodeSet, root, sim, waitFor } from '../helpers';
import { DEMO_CREDENTIALS, type AmeyoSimulator, type Rendering } from '../../simulators/ameyo';

const core = [
  require('@node-red/nodes/core/common/20-inject.js'),
  require('@node-red/nodes/core/common/25-catch.js'),
  require('@node-red/nodes/core/common/90-comment.js'),
  require('@node-red/nodes/core/function/10-switch.js'),
] as unknown[];

type N = Record<string, unknown>;
type Payload = { outcome: string; connected: boolean; status: unknown; details: unknown; metaData: unknown; nodeFlowId: unknown; party: unknown };

const FILE = path.join(root, 'examples', 'ameyo', 'click-to-dial.json');

/** inject name → the outcome it must produce and the Switch branch (debug node) it must reach. */
const EXPECTED: Record<string, { outcome: string; branch: string }> = {
  'connected call': { outcome: 'connected', branch: 'connected: the agent talks to the customer' },
  'customer does not answer': { outcome: 'customer_no_answer', branch: 'customer side: try again later' },
  'agent on break': { outcome: 'agent_not_in_campaign', branch: 'agent side: pick another agent' },
  'agent not logged in': { outcome: 'agent_not_available', branch: 'agent side: pick another agent' },
  'agent does not answer': { outcome: 'agent_no_answer', branch: 'agent side: pick another agent' },
  'no channel for the customer': { outcome: 'channel_unavailable', branch: 'customer side: try again later' },
};

describe('ameyo example flow', function () {
  this.timeout(20000);
  let s: AmeyoSimulator;

  before(async () => {
    s = await sim<AmeyoSimulator>('ameyo', { delayMs: 5 });
  });
  after(async () => {
    await s.close();
  });
  afterEach(async () => {
    await helper.unload();
    s.config.rendering = 'clean';
    s.calls.length = 0;
    s.server.clearRequests();
  });

  const shipped = (): N[] => JSON.parse(fs.readFileSync(FILE, 'utf8')) as N[];

  async function load(): Promise<{ press(name: string): void; out(name: string): N[] }> {
    const text = fs.readFileSync(FILE, 'utf8').split('http://127.0.0.1:18084').join(s.url);
    const nodes = (JSON.parse(text) as N[]).map((n) => (n.type === 'debug' ? { ...n, type: 'helper' } : n));
    const creds: Record<string, unknown> = {};
    for (const n of nodes) if (DEMO_CREDENTIALS[String(n.type)]) creds[String(n.id)] = DEMO_CREDENTIALS[String(n.type)];
    await helper.load([nodeSet('ameyo'), ...core], nodes as never, creds);
    const outs = new Map<string, N[]>();
    for (const n of nodes) if (n.type === 'helper') outs.set(String(n.name), collect(helper.getNode(String(n.id))));
    const press = (name: string): void => {
      const n = nodes.find((x) => x.type === 'inject' && x.name === name);
      if (!n) throw new Error(`no inject named ${name}`);
      helper.getNode(String(n.id)).receive({});
    };
    return { press, out: (name) => outs.get(name) ?? [] };
  }

  it('has one inject per documented outcome, and debug nodes that show the outcome', () => {
    const nodes = shipped();
    const injects = nodes.filter((n) => n.type === 'inject').map((n) => String(n.name));
    assert.deepEqual([...injects].sort(), Object.keys(EXPECTED).sort());
    assert.equal(new Set(Object.values(EXPECTED).map((e) => e.outcome)).size, 6);
    const debugs = nodes.filter((n) => n.type === 'debug' && n.name !== 'error code');
    assert.ok(debugs.length >= 4);
    for (const d of debugs) assert.equal(d.statusVal, 'payload.outcome', `${String(d.name)} shows the outcome under the node`);
  });

  for (const rendering of ['clean', 'seed-multiline'] as Rendering[]) {
    it(`${rendering}: each inject produces its outcome over the wire, with status, details and metaData`, async () => {
      s.config.rendering = rendering;
      const ex = await load();
      let n = 0;
      const reached = new Map<string, number>();
      for (const [name, want] of Object.entries(EXPECTED)) {
        ex.press(name);
        n++;
        await waitFor(() => ex.out('outcome').length === n, 5000, name);
        const p = ex.out('outcome')[n - 1].payload as Payload;
        assert.equal(p.outcome, want.outcome, name);
        assert.equal(p.connected, want.outcome === 'connected', name);
        reached.set(want.branch, (reached.get(want.branch) ?? 0) + 1);
        const branch = ex.out(want.branch);
        await waitFor(() => branch.length === reached.get(want.branch), 5000, `${name} on its branch`);
        assert.equal((branch.at(-1)?.payload as Payload | undefined)?.outcome, want.outcome, `${name} reaches "${want.branch}"`);
        if (want.outcome === 'agent_not_in_campaign' || want.outcome === 'agent_not_available') {
          assert.equal(p.status, 'error', name);
          assert.equal(
            p.details,
            want.outcome === 'agent_not_in_campaign' ? 'Agent: agent is not working in campaign: 14' : 'Agent is not available to take the call',
          );
          assert.equal(p.metaData, null);
          assert.equal(p.nodeFlowId, null);
        } else {
          assert.equal(p.status, null, name);
          assert.equal(p.details, null, name);
          assert.match(String(p.metaData), /^\d+$/, name);
          assert.match(String(p.nodeFlowId), /^\d+$/, name);
          assert.notEqual(p.metaData, p.nodeFlowId);
        }
      }
      // What the simulator received, in order: one call per inject, as the injects asked.
      assert.deepEqual(
        s.calls.map((c) => `${String(c.userId)} ${String(c.phone)}`),
        ['ravi.k 9876543210', 'ravi.k 9876543202', 'agent.break 9876543210', 'agent.offline 9876543210', 'agent.noanswer 9876543210', 'ravi.k 9876543201'],
      );
      assert.equal(ex.out('error code').length, 0);
      const branches = Object.values(EXPECTED).map((e) => e.branch);
      assert.equal(
        [...new Set(branches)].reduce((sum, b) => sum + ex.out(b).length, 0),
        6,
        'each answer took exactly one branch',
      );
    });
  }

  it('metaData is the id the answer carries (the simulator numbers it apart from node.flow.id)', async () => {
    const ex = await load();
    ex.press('connected call');
    await waitFor(() => ex.out('outcome').length === 1);
    const p = ex.out('outcome')[0].payload as Payload & { raw: string };
    assert.match(p.raw, new RegExp(`metaData\\\\u003d${String(p.metaData)}\\b`));
    assert.match(p.raw, new RegExp(`node\\.flow\\.id\\\\u003d${String(p.nodeFlowId)}\\b`));
  });
});
