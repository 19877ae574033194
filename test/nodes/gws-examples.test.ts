/**
 * The GWS example flows (examples/gws/*.json), all deployed together as `npm start` does, run
 * against the simulator: only the server URL is pointed at the test's simulator and the debug
 * nodes are replaced by helper nodes that record what they receive.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { collect, helper, nodeSet, root, sim, waitFor, type TestNode } from '../helpers';
import type { GwsSimulator } from '../../simulators/gws';
import { coreNodes, DEFAULT_URL, loadExamples, loadOnce, type Json, type NodeModule } from './gws-examples-support';

describe('GWS example flows', function () {
  this.timeout(20000);
  let s: GwsSimulator;

  before(async () => {
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
  });
  beforeEach(async () => {
    s = await sim<GwsSimulator>('gws', { cometdTimeoutMs: 500 });
  });
  afterEach(async () => {
    await helper.unload();
    await s.close();
  });

  it('every example has a comment node, one shared server node and no credentials', () => {
    const dir = path.join(root, 'examples', 'gws');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
    assert.equal(files.length, 6);
    for (const f of files) {
      const nodes = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Json[];
      assert.ok(
        nodes.some((n) => n.type === 'comment' && String(n.info).length > 100),
        `${f}: comment`,
      );
      const cfgs = nodes.filter((n) => n.type === 'gws-config');
      assert.deepEqual(
        cfgs.map((c) => [c.id, c.url]),
        [['gws0000000000cfg', DEFAULT_URL]],
        f,
      );
    }
  });

  it('run together against the simulator: sign in, accept + attach, park in a workbin, transfer', async () => {
    const { flow, byName } = loadExamples(s.url);
    await loadOnce([nodeSet('gws') as NodeModule, ...coreNodes], flow, { gws0000000000cfg: { username: 'agent01', password: 'agent01-pass' } });
    const node = (file: string, name: string): TestNode => {
      const id = byName.get(`${file}:${name}`);
      assert.ok(id, `${file}: no node named ${name}`);
      return helper.getNode(id) as unknown as TestNode;
    };
    const rec = (file: string, name: string): Json[] => collect(node(file, name));
    const errors = [
      rec('sign-in-and-ready.json', 'errors'),
      rec('accept-and-attach.json', 'errors'),
      rec('park-in-workbin.json', 'errors'),
      rec('transfer-to-colleague.json', 'errors'),
    ];
    const noErrors = (): void =>
      assert.deepEqual(
        errors.flat().map((m) => m.error),
        [],
      );
    await waitFor(() => [...s.bayeux.clients.values()].some((c) => c.subscriptions.size >= 2), 8000, 'CometD subscriptions');
    assert.equal(s.bayeux.clients.size, 1, 'one CometD client for the shared server node');

    // 1. sign in and go ready
    const agentOut = rec('sign-in-and-ready.json', 'agent result');
    const agentState = rec('sign-in-and-ready.json', 'agent state');
    node('sign-in-and-ready.json', 'sign in (email, chat)').receive({});
    await waitFor(() => agentOut.length === 1);
    node('sign-in-and-ready.json', 'ready on all channels').receive({});
    await waitFor(() => agentOut.length === 2);
    node('sign-in-and-ready.json', 'not ready on chat').receive({});
    await waitFor(() => agentOut.length === 3);
    assert.deepEqual(
      agentOut.map((m) => m.payload),
      [{ ok: true }, { ok: true }, { ok: true }],
    );
    assert.deepEqual(s.agents.get('agent01'), {
      loggedIn: true,
      channels: ['email', 'chat'],
      place: 'Place_7012',
      ready: { email: 'Ready', chat: 'NotReady' },
    });
    await waitFor(() => agentState.length >= 3);
    assert.equal(agentState[0].topic, '/v2/me/channels');
    node('sign-in-and-ready.json', 'who am I (after sign in)').receive({});
    await waitFor(() => agentOut.length === 4);
    assert.equal((agentOut[3].payload as Json).userName, 'agent01');

    // 2. accept every invite and attach user data
    const attached = rec('accept-and-attach.json', 'attached');
    const created = rec('accept-and-attach.json', 'invite created');
    node('accept-and-attach.json', 'simulate an invite').receive({});
    await waitFor(() => attached.length === 1, 8000, 'accept + attach');
    const id = String(((created[0].payload as Json).result as Json).id);
    const i = s.interactions.get(id)!;
    assert.equal(i.state, 'Processing');
    assert.equal(i.userData.HandledBy, 'Node-RED');
    assert.equal(i.userData.Subject, 'Card blocked');

    // 3. park in a workbin and read it back
    const readOk = rec('park-in-workbin.json', 'GetWorkbinContent accepted');
    const content = rec('park-in-workbin.json', 'workbin content');
    node('park-in-workbin.json', 'park an interaction').receive({});
    await waitFor(() => readOk.length === 1 && content.length === 1, 8000, 'workbin content');
    const parked = [...s.interactions.values()].find((x) => x.userData.Example === 'workbin')!;
    assert.equal(parked.state, 'InWorkbin');
    const c = content[0].payload as Json;
    assert.equal(c.referenceId, (readOk[0].payload as Json).referenceId);
    assert.deepEqual(
      (c.interactions as Json[]).map((m) => (m.interaction as Json).id),
      [parked.id],
    );

    // 4. transfer to a colleague, and a refused transfer
    const transferred = rec('transfer-to-colleague.json', 'transferred');
    node('transfer-to-colleague.json', 'transfer to agent07').receive({});
    await waitFor(() => transferred.length === 1, 8000, 'transfer');
    const moved = [...s.interactions.values()].find((x) => x.userData.Example === 'transfer')!;
    assert.equal(moved.owner, 'agent07');
    noErrors();
    node('transfer-to-colleague.json', 'transfer before accepting').receive({});
    await waitFor(() => errors[3].length === 1, 8000, 'refused transfer');
    assert.equal((errors[3][0].error as Json).code, 'CONFLICT');
    // the accept-every-invite flow left the tagged interactions alone
    assert.equal(attached.length, 1);
  });
});
