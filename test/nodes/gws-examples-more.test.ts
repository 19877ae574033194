/**
 * The GWS example flows added for the e-mail and read/update operations
 * (examples/gws/answer-an-email.json, read-update-reject.json), deployed together with every other
 * GWS example as `npm start` does and driven by their injects against the simulator; and each
 * notification shown once in the debug sidebar (issue #18: two tabs printed every one).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { collect, helper, nodeSet, root, sim, waitFor, type TestNode } from '../helpers';
import type { GwsSimulator } from '../../simulators/gws';
import { coreNodes, loadExamples, loadOnce, type Json, type NodeModule } from './gws-examples-support';

const EMAIL = 'answer-an-email.json';
const READ = 'read-update-reject.json';

describe('GWS example flows: e-mail, reads and updates, every operation', function () {
  this.timeout(30000);
  let s: GwsSimulator;

  before(() => helper.startServer());
  after(() => helper.stopServer());
  beforeEach(async () => {
    s = await sim<GwsSimulator>('gws', { cometdTimeoutMs: 500 });
  });
  afterEach(async () => {
    await helper.unload();
    await s.close();
  });

  async function deploy() {
    const { flow, byName } = loadExamples(s.url);
    await loadOnce([nodeSet('gws') as NodeModule, ...coreNodes], flow, { gws0000000000cfg: { username: 'agent01', password: 'agent01-pass' } });
    const node = (file: string, name: string): TestNode => {
      const id = byName.get(`${file}:${name}`);
      assert.ok(id, `${file}: no node named ${name}`);
      return helper.getNode(id) as unknown as TestNode;
    };
    await waitFor(() => [...s.bayeux.clients.values()].some((c) => c.subscriptions.size >= 2), 8000, 'CometD subscriptions');
    return { flow, node, rec: (file: string, name: string): Json[] => collect(node(file, name)) };
  }

  it('together, the GWS examples use every operation of interaction-op', () => {
    const dir = path.join(root, 'examples', 'gws');
    const used = new Set<string>();
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json'))) {
      for (const n of JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Json[]) {
        if (n.type === 'interaction-op' && n.operation !== 'msg') used.add(String(n.operation));
        // "from msg.operation" nodes: the operations their injects set.
        if (n.type === 'inject') for (const p of (n.props as Json[]) ?? []) if (p.p === 'operation') used.add(String(p.v));
      }
    }
    const spec = (require('../../nodes/gws/spec') as { interactionOp: { operations: string[] } }).interactionOp;
    assert.deepEqual(
      spec.operations.filter((o) => !used.has(o)),
      [],
    );
  });

  it('answer an e-mail: reply + update + send + stop, forward + cancel + complete, reply-all + cancel + queue', async () => {
    const { node, rec } = await deploy();
    const errors = rec(EMAIL, 'errors');
    const answered = rec(EMAIL, 'e-mail answered');
    const forwardDropped = rec(EMAIL, 'forward dropped');
    const queued = rec(EMAIL, 'reply-all dropped, e-mail queued');
    const byExample = (tag: string) => [...s.interactions.values()].find((i) => i.userData.Example === tag)!;

    node(EMAIL, 'reply and send').receive({});
    await waitFor(() => answered.length === 1 || errors.length > 0, 8000, 'reply sent');
    assert.deepEqual(errors, []);
    const inbound = byExample('email-reply');
    assert.equal(inbound.state, 'Completed');
    assert.equal(s.sentEmails.length, 1);
    assert.equal(s.sentEmails[0].parentId, inbound.id);
    assert.equal(s.sentEmails[0].userData.Body, 'Dear customer, your new card is on its way.');
    assert.equal(s.sentEmails[0].userData.Subject, 'Re: Card blocked');

    node(EMAIL, 'forward, then cancel').receive({});
    await waitFor(() => forwardDropped.length === 1 || errors.length > 0, 8000, 'forward dropped');
    const fwd = byExample('email-forward');
    assert.equal(fwd.state, 'Completed');
    assert.equal([...s.interactions.values()].find((i) => i.parentId === fwd.id)!.state, 'Completed');

    node(EMAIL, 'reply to all, then cancel').receive({});
    await waitFor(() => queued.length === 1 || errors.length > 0, 8000, 'reply-all dropped');
    const all = byExample('email-replyall');
    assert.equal(all.queueName, 'Email_Escalation');
    assert.equal(all.owner, '');
    assert.equal(s.sentEmails.length, 1, 'only the reply was sent');
    assert.deepEqual(errors, []);
    const posted = s.server.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/api/v2/me/interactions/'));
    const names = posted.map((r) => (JSON.parse(r.body) as Json).operationName);
    for (const o of ['Reply', 'Send', 'StopProcessing', 'Forward', 'CancelReply', 'Complete', 'ReplyAll', 'Cancel', 'PlaceInQueue'])
      assert.ok(names.includes(o), o);
    assert.ok(
      s.server.requests.some((r) => r.method === 'PUT'),
      'update sent',
    );
  });

  it('read, update, reject: the lists, user data changed and read back, a rejected invite, an operation by name', async () => {
    const { node, rec } = await deploy();
    const errors = rec(READ, 'errors');
    const lists = rec(READ, 'lists');
    const readBack = rec(READ, 'read back');
    const rejected = rec(READ, 'rejected');
    const byName = rec(READ, 'sent by name');

    node(READ, 'change user data').receive({});
    await waitFor(() => readBack.length === 1 || errors.length > 0, 8000, 'read back');
    assert.deepEqual(errors, []);
    assert.deepEqual((readBack[0].payload as Json).userData, { Example: 'data', Segment: 'platinum' });

    node(READ, 'list all (URIs)').receive({});
    node(READ, 'list mine').receive({});
    node(READ, 'list mine (URIs)').receive({});
    await waitFor(() => lists.length === 3, 8000, 'three lists');
    const [all, mine, uris] = lists.map((m) => m.payload as Json[]);
    const id = String((readBack[0].payload as Json).id);
    assert.deepEqual(all, [{ id, uri: `${s.url}/api/v2/interactions/${id}` }]);
    assert.equal(mine[0].id, id);
    assert.equal(mine[0].state, 'Processing');
    assert.deepEqual(uris, all);

    node(READ, 'reject an invite').receive({});
    await waitFor(() => rejected.length === 1, 8000, 'rejected');
    assert.equal([...s.interactions.values()].find((i) => i.userData.Example === 'reject')!.state, 'Revoked');

    node(READ, 'other operation').receive({});
    await waitFor(() => byName.length === 1, 8000, 'other operation');
    assert.equal([...s.interactions.values()].find((i) => i.userData.Example === 'other')!.userData.Via, 'other operation');
    assert.deepEqual(errors, []);
  });

  it('shows each notification once: one debug node in all the GWS tabs prints every interaction notification', async () => {
    const { flow } = await deploy();
    const debugs = flow
      .filter((n) => n.type === 'helper')
      .map((n) => ({ name: String(n.name), got: collect(helper.getNode(String(n.id)) as unknown as TestNode) }));
    // An invite the examples leave alone (tagged), shown as it arrives.
    const i = s.invite({ userData: { Example: 'sidebar' } });
    // Every listener gets a notification in one pass, in order: once a later one is shown, the first reached every debug node it would.
    const marker = s.invite({ userData: { Example: 'marker' } });
    const idOf = (m: Json): unknown => ((m.payload as Json).interaction as Json | undefined)?.id;
    await waitFor(() => debugs.some((d) => d.got.some((m) => idOf(m) === marker.id)), 8000, 'the marker shown');
    const shown = debugs.filter((d) => d.got.some((m) => idOf(m) === i.id));
    assert.deepEqual(
      shown.map((d) => d.name),
      ['all notifications'],
    );
  });
});
