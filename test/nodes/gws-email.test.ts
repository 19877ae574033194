/**
 * interaction-op's e-mail operations, `listMineUris` and "other operation" in a real Node-RED
 * against the GWS simulator (docs/contract.md 2.4, docs/vendors/gws.md 3.2): what goes over the
 * wire, the draft's notification on interaction-events, and bad input refused with nothing sent
 * (`msg.operation` stays an allowlist; the free operation name comes from the node's own field).
 */
import * as assert from 'node:assert/strict';
import { catchNode, collect, helper, onTab, nodeSet, sim, waitFor, type TestNode } from '../helpers';
import type { GwsSimulator } from '../../simulators/gws';

const PASSWORD = 'S3cret-Agent01!';
type Json = Record<string, unknown>;

describe('GWS nodes: e-mail, listMineUris, other operation', function () {
  this.timeout(20000);
  let s: GwsSimulator;

  before(() => helper.startServer());
  after(() => helper.stopServer());
  beforeEach(async () => {
    s = await sim<GwsSimulator>('gws', { users: [{ userName: 'agent01', password: PASSWORD }], cometdTimeoutMs: 500, cometdMaxIntervalMs: 1000 });
  });
  afterEach(async () => {
    await helper.unload();
    await s.close();
  });

  async function load(nodes: Array<Record<string, unknown>> = []) {
    const flow = onTab([
      { id: 'cfg', type: 'gws-config', url: s.url, timeout: 5000 },
      { id: 'op', type: 'interaction-op', config: 'cfg', operation: 'msg', wires: [['out']] },
      { id: 'events', type: 'interaction-events', config: 'cfg', channels: '/v2/me/interactions', wires: [['ev']] },
      { id: 'out', type: 'helper' },
      { id: 'ev', type: 'helper' },
      ...nodes,
    ]);
    await helper.load([nodeSet('gws'), catchNode], flow as never, { cfg: { username: 'agent01', password: PASSWORD } });
    const get = (id: string): TestNode => helper.getNode(id) as unknown as TestNode;
    await waitFor(() => [...s.bayeux.clients.values()].some((c) => c.subscriptions.size > 0), 8000, 'CometD subscription');
    return { op: get('op'), get, out: collect(get('out')), ev: collect(get('ev')), caught: collect(get('caught')) };
  }
  const posts = () => s.server.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/api/v2/me/interactions/'));
  const lastBody = (): Json => JSON.parse(posts().at(-1)!.body) as Json;
  const interactionOf = (m: Json): Json => (m.payload as Json).interaction as Json;

  it('answers an inbound e-mail: Accept, Reply (the draft arrives with its parent), Send, StopProcessing', async () => {
    const { op, out, ev } = await load();
    const mail = s.email({ from: 'ann@example.com', subject: 'Card blocked' });
    await waitFor(() => ev.some((m) => interactionOf(m).id === mail.id));
    const run = async (operation: string, interactionId: string): Promise<Json> => {
      const n = out.length;
      op.receive({ operation, topic: operation, payload: { interactionId } });
      await waitFor(() => out.length === n + 1, 5000, operation);
      assert.deepEqual(lastBody(), { operationName: operation });
      assert.equal(posts().at(-1)!.path, `/api/v2/me/interactions/${mail.id === interactionId ? mail.id : interactionId}`);
      return out[n];
    };
    await run('Accept', mail.id);
    const reply = await run('Reply', mail.id);
    assert.equal((reply.payload as Json).ok, true);
    const ref = (reply.payload as Json).referenceId;
    // The draft's id comes as a notification with the same referenceId and the parent's id.
    await waitFor(() => ev.some((m) => interactionOf(m).parentId === mail.id));
    const note = ev.find((m) => interactionOf(m).parentId === mail.id)!;
    assert.equal((note.payload as Json).referenceId, ref);
    const draftId = interactionOf(note).id as string;
    assert.equal(interactionOf(note).direction, 'outbound');
    assert.deepEqual((interactionOf(note).userData as Json).Subject, 'Re: Card blocked');
    await run('Send', draftId);
    await run('StopProcessing', mail.id);
    assert.deepEqual(
      s.sentEmails.map((m) => [m.id, m.parentId]),
      [[draftId, mail.id]],
    );
    assert.equal(s.interactions.get(mail.id)!.state, 'Completed');
  });

  it('ReplyAll, Forward and CancelReply over the wire; a refusal is CONFLICT with msg.vendor', async () => {
    const { op, out, caught } = await load();
    const mail = s.email({ subject: 'Address change' });
    for (const operation of ['Accept', 'ReplyAll', 'Forward']) op.receive({ operation, payload: { interactionId: mail.id } });
    await waitFor(() => out.length === 3);
    const drafts = [...s.interactions.values()].filter((i) => i.parentId === mail.id);
    assert.deepEqual(drafts.map((d) => d.origin).sort(), ['Forward', 'ReplyAll']);
    op.receive({ operation: 'StopProcessing', payload: { interactionId: mail.id } });
    await waitFor(() => caught.length === 1);
    const err = caught[0].error as { code: string; message: string };
    assert.equal(err.code, 'CONFLICT');
    assert.match(err.message, /outbound e-mail in progress/);
    assert.equal((caught[0].vendor as { status: number }).status, 400);
    for (const d of drafts) op.receive({ operation: 'CancelReply', payload: { interactionId: d.id } });
    await waitFor(() => out.length === 5);
    assert.deepEqual(lastBody(), { operationName: 'CancelReply' });
    assert.ok(drafts.every((d) => d.state === 'Completed'));
    assert.equal(s.sentEmails.length, 0);
  });

  it('listMineUris: the plain URI list as {id, uri}', async () => {
    const { op, out } = await load();
    const mail = s.email({ id: 'MAIL-1' });
    op.receive({ operation: 'listMineUris', payload: {} });
    await waitFor(() => out.length === 1);
    assert.deepEqual(out[0].payload, [{ id: mail.id, uri: `${s.url}/api/v2/interactions/MAIL-1` }]);
    const get = s.server.requests.filter((r) => r.method === 'GET' && r.path === '/api/v2/me/interactions').at(-1)!;
    assert.deepEqual(get.query, {});
  });

  it('other operation: the name from the node field and the JSON body; msg.operation="other" uses the node field too', async () => {
    const { get, out } = await load([
      {
        id: 'other',
        type: 'interaction-op',
        config: 'cfg',
        operation: 'other',
        operationName: 'AttachUserData',
        body: '{"userData":{"Promo":"SPRING25"}}',
        bodyType: 'json',
        interactionId: 'payload.id',
        interactionIdType: 'msg',
        wires: [['out']],
      },
    ]);
    const mail = s.email();
    get('op').receive({ operation: 'Accept', payload: { interactionId: mail.id } });
    await waitFor(() => out.length === 1);
    get('other').receive({ payload: { id: mail.id } });
    await waitFor(() => out.length === 2);
    assert.deepEqual(lastBody(), { operationName: 'AttachUserData', userData: { Promo: 'SPRING25' } });
    assert.equal(s.interactions.get(mail.id)!.userData.Promo, 'SPRING25');
    assert.equal((out[1].payload as Json).ok, true);
    // msg.operation = "other" reaches the same node field: the msg's own operationName is ignored.
    get('other').receive({ operation: 'other', operationName: 'Complete', payload: { id: mail.id, operationName: 'Complete' } });
    await waitFor(() => out.length === 3);
    assert.equal(lastBody().operationName, 'AttachUserData');
    assert.equal(s.interactions.get(mail.id)!.state, 'Processing');
  });

  it('msg.operation stays an allowlist: a vendor name or "other" without a configured name is INVALID_INPUT, nothing sent', async () => {
    const { op, caught, out } = await load();
    const mail = s.email();
    const before = posts().length;
    op.receive({ operation: 'Redirect', operationName: 'Redirect', payload: { interactionId: mail.id } });
    op.receive({ operation: 'other', operationName: 'Accept', payload: { interactionId: mail.id, operationName: 'Accept' } });
    await waitFor(() => caught.length === 2);
    const [list, other] = caught.map((c) => c.error as { code: string; message: string });
    assert.equal(list.code, 'INVALID_INPUT');
    assert.match(list.message, /^GWS Redirect: operation must be one of/);
    assert.equal(other.code, 'INVALID_INPUT');
    assert.match(other.message, /^GWS other: operationName is required/);
    assert.equal(posts().length, before);
    assert.equal(out.length, 0);
  });

  it('other operation: a malformed name or body in the node is INVALID_INPUT naming the field, nothing sent', async () => {
    const node = (id: string, operationName: string, body = '', bodyType = 'json') => ({
      id,
      type: 'interaction-op',
      config: 'cfg',
      operation: 'other',
      operationName,
      body,
      bodyType,
      wires: [['out']],
    });
    const { get, caught } = await load([
      node('badName', 'Place In Queue'),
      node('pathName', '../Accept'),
      node('badBody', 'Complete', '[1,2]'),
      node('nameInBody', 'Complete', '{"operationName":"Reject"}'),
      node('notJson', 'Complete', '{oops'),
    ]);
    const mail = s.email();
    const before = posts().length;
    for (const id of ['badName', 'pathName', 'badBody', 'nameInBody', 'notJson']) get(id).receive({ payload: { interactionId: mail.id } });
    await waitFor(() => caught.length === 5);
    const byField = caught.map((c) => {
      const e = c.error as { code: string; message: string; field?: string };
      assert.equal(e.code, 'INVALID_INPUT', e.message);
      // The message names the field first: "GWS <operation>: <field> <problem>".
      return /^GWS \S+: (\w+) /.exec(e.message)?.[1] ?? e.message;
    });
    assert.deepEqual(byField.sort(), ['body', 'body', 'body', 'operationName', 'operationName']);
    assert.equal(posts().length, before);
  });
});
