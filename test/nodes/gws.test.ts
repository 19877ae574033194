/** gws-agent and interaction-op in a real Node-RED against the GWS simulator: operations on the wire, input checks, refusals. Set-up in gws-support.ts. */
import * as assert from 'node:assert/strict';
import { helper, sleep, statuses, waitFor } from '../helpers';
import type { GwsSimulator } from '../../simulators/gws';
import { PASSWORD, b64, gwsHarness, type Json } from './gws-support';

describe('GWS nodes', function () {
  let s: GwsSimulator;
  const { load, wire } = gwsHarness(this, { get: () => s, set: (x) => (s = x) });

  it('gws-agent: starts a session with Basic, cookie and CSRF, and keeps the msg', async () => {
    const { agent, out } = await load();
    agent.receive({ operation: 'startSession', topic: 'crm', custom: 42, payload: { channels: ['email', 'chat'], place: 'Place_7012' } });
    await waitFor(() => out.length === 1);
    const [me, post] = wire();
    assert.equal(`${me.method} ${me.path}`, 'GET /api/v2/me');
    assert.equal(me.headers.authorization, 'Basic ' + b64('agent01', PASSWORD));
    const session = [...s.sessions.values()][0];
    assert.equal(post.headers.cookie, `JSESSIONID=${session.id}`);
    assert.equal(post.headers['x-csrf-token'], session.csrfToken);
    assert.deepEqual(JSON.parse(post.body), { operationName: 'StartContactCenterSession', channels: ['email', 'chat'], place: 'Place_7012' });
    const msg = out[0];
    assert.equal(msg.topic, 'crm');
    assert.equal(msg.custom, 42);
    assert.deepEqual(msg.payload, { ok: true });
    const vendor = msg.vendor as { status: number; headers: Json; body: unknown };
    assert.equal(vendor.status, 200);
    assert.deepEqual(vendor.body, { statusCode: 0 });
    for (const h of Object.keys(vendor.headers)) assert.ok(!/cookie|csrf|authorization/.test(h), h);
    agent.receive({ operation: 'ready', payload: { channel: 'chat' } });
    agent.receive({ operation: 'notReady', payload: {} });
    await waitFor(() => out.length === 3);
    assert.deepEqual(
      wire()
        .slice(-2)
        .map((r) => [r.path, JSON.parse(r.body)]),
      [
        ['/api/v2/me/channels/chat', { operationName: 'Ready' }],
        ['/api/v2/me', { operationName: 'NotReady' }],
      ],
    );
  });

  it('gws-agent: a fixed operation with TypedInput fields (json, str)', async () => {
    const { out } = await load([
      {
        id: 'agent2',
        type: 'gws-agent',
        config: 'cfg',
        operation: 'startSession',
        channels: '["workitem"]',
        channelsType: 'json',
        place: 'Place_1',
        placeType: 'str',
        wires: [['out']],
      },
    ]);
    helper.getNode('agent2').receive({ payload: 'anything' });
    await waitFor(() => out.length === 1);
    assert.deepEqual(JSON.parse(wire().at(-1)!.body), { operationName: 'StartContactCenterSession', channels: ['workitem'], place: 'Place_1' });
    assert.equal(s.agents.get('agent01')!.channels[0], 'workitem');
  });

  it('interaction-op: every POST operation on the wire, reads and update, msg passes through', async () => {
    const { op, out, caught } = await load();
    s.invite({ id: 'I/1', userData: { Subject: 'Card blocked' } });
    const steps: Array<[string, Json, Json]> = [
      ['Accept', {}, { operationName: 'Accept' }],
      ['AttachUserData', { userData: { Promo: 'SPRING25' } }, { operationName: 'AttachUserData', userData: { Promo: 'SPRING25' } }],
      ['UpdateUserData', { userData: { Segment: 'gold' } }, { operationName: 'UpdateUserData', userData: { Segment: 'gold' } }],
      ['DeleteUserData', { keys: ['Promo'] }, { operationName: 'DeleteUserData', userData: { Promo: '' }, keys: ['Promo'] }],
      ['PlaceInWorkbin', { workbin: 'Agent_FollowUp' }, { operationName: 'PlaceInWorkbin', workbin: 'Agent_FollowUp' }],
      ['GetWorkbinContent', { workbin: 'Agent_FollowUp' }, { operationName: 'GetWorkbinContent', workbin: 'Agent_FollowUp' }],
    ];
    for (const [operation, params, body] of steps) {
      const n = out.length;
      op.receive({ operation, mark: operation, payload: { interactionId: 'I/1', ...params } });
      await waitFor(() => out.length === n + 1 || caught.length > 0, 5000, operation);
      assert.equal(caught.length, 0, JSON.stringify(caught[0]?.error));
      const req = wire().at(-1)!;
      assert.equal(`${req.method} ${req.path}`, 'POST /api/v2/me/interactions/I%2F1');
      assert.deepEqual(JSON.parse(req.body), body);
      assert.ok(req.headers['x-csrf-token']);
      const msg = out.at(-1)!;
      assert.equal(msg.mark, operation);
      assert.equal((msg.payload as Json).ok, true);
      assert.equal(typeof (msg.payload as Json).referenceId, 'number');
    }
    s.invite({ id: 'T1' });
    for (const [operation, params] of [
      ['Accept', {}],
      ['Transfer', { userId: 'agent07' }],
    ] as Array<[string, Json]>) {
      const n = out.length;
      op.receive({ operation, payload: { interactionId: 'T1', ...params } });
      await waitFor(() => out.length === n + 1);
    }
    assert.deepEqual(JSON.parse(wire().at(-1)!.body), { operationName: 'Transfer', userId: 'agent07' });
    assert.equal(s.interactions.get('T1')!.owner, 'agent07');
    s.invite({ id: 'Q1' });
    s.invite({ id: 'R1' });
    s.invite({ id: 'C1', replied: true });
    for (const [operation, id, params] of [
      ['Accept', 'Q1', {}],
      ['PlaceInQueue', 'Q1', { queueName: 'Email_Escalation' }],
      ['Reject', 'R1', {}],
      ['Accept', 'C1', {}],
      ['Cancel', 'C1', {}],
    ] as Array<[string, string, Json]>) {
      const n = out.length;
      op.receive({ operation, payload: { interactionId: id, ...params } });
      await waitFor(() => out.length === n + 1 || caught.length > 0);
      assert.equal(caught.length, 0, JSON.stringify(caught[0]?.error));
    }
    assert.equal(s.interactions.get('Q1')!.queueName, 'Email_Escalation');
    s.invite({ id: 'D1' });
    op.receive({ operation: 'Accept', payload: { interactionId: 'D1' } });
    op.receive({ operation: 'Complete', payload: { interactionId: 'D1' } });
    s.invite({ id: 'L1', userData: { Subject: 'x' } });
    const n0 = out.length;
    op.receive({ operation: 'listAll', payload: {} });
    await waitFor(() => out.length === n0 + 3);
    const all = out.at(-1)!.payload as Json[];
    assert.ok(all.some((x) => x.id === 'L1' && String(x.uri).endsWith('/api/v2/interactions/L1')));
    op.receive({ operation: 'listMine', payload: {} });
    await waitFor(() => out.length === n0 + 4);
    assert.equal(wire().at(-1)!.rawQuery, 'fields=*');
    assert.deepEqual(
      (out.at(-1)!.payload as Json[]).map((x) => x.id),
      ['L1'],
    );
    op.receive({ operation: 'get', payload: { interactionId: 'L1' } });
    await waitFor(() => out.length === n0 + 5);
    assert.deepEqual((out.at(-1)!.payload as Json).userData, { Subject: 'x' });
    op.receive({ operation: 'update', payload: { interactionId: 'L1', interaction: { userData: { Subject: 'y' } } } });
    await waitFor(() => out.length === n0 + 6);
    assert.deepEqual(out.at(-1)!.payload, { ok: true });
    assert.equal(`${wire().at(-1)!.method} ${wire().at(-1)!.path}`, 'PUT /api/v2/interactions/L1');
    assert.deepEqual(JSON.parse(wire().at(-1)!.body), { userData: { Subject: 'y' } });
    assert.equal(s.interactions.get('D1')!.state, 'Completed');
  });

  it('interaction-op: bad input and unknown operations are INVALID_INPUT with nothing sent', async () => {
    const { op, agent, caught, out } = await load();
    const st = statuses(op);
    await sleep(200); // let the events node's session bootstrap finish
    s.server.clearRequests();
    op.receive({ operation: 'Accept', payload: {} });
    op.receive({ operation: 'PlaceInQueue', payload: { interactionId: 'x' } });
    op.receive({ operation: 'UpdateUserData', payload: { interactionId: 'x', userData: {} } });
    op.receive({ operation: 'Dial', payload: { interactionId: 'x' } });
    agent.receive({ operation: 'startSession', payload: { channels: [] } });
    await waitFor(() => caught.length === 5);
    const errors = caught.map((m) => m.error as { code: string; message: string });
    assert.deepEqual(
      errors.map((e) => e.code),
      Array(5).fill('INVALID_INPUT'),
    );
    const messages = errors.map((e) => e.message).sort();
    assert.match(messages[0], /^GWS Accept: interactionId/);
    assert.match(messages[1], /^GWS Dial: operation must be one of/);
    assert.match(messages[2], /^GWS PlaceInQueue: queueName/);
    assert.match(messages[3], /^GWS UpdateUserData: userData/);
    assert.match(messages[4], /^GWS startSession: channels/);
    assert.equal(wire().length, 0);
    assert.equal(out.length, 0);
    assert.deepEqual(st.at(-1), { fill: 'red', shape: 'ring', text: 'INVALID_INPUT' });
  });

  it('interaction-op: refusals map to CONFLICT / NOT_FOUND / VENDOR_ERROR with msg.vendor and the vendor words', async () => {
    const { op, caught, out } = await load();
    s.invite({ id: 'X1' });
    op.receive({ operation: 'Transfer', payload: { interactionId: 'X1', userId: 'agent07' } });
    await waitFor(() => caught.length === 1);
    const e1 = caught[0].error as { code: string; message: string };
    assert.equal(e1.code, 'CONFLICT');
    assert.match(e1.message, /Interaction is not in a transferable state/);
    assert.deepEqual((caught[0].vendor as Json).body, { statusCode: 2, statusMessage: 'Interaction is not in a transferable state' });
    op.receive({ operation: 'get', payload: { interactionId: '0000000000000000' } });
    await waitFor(() => caught.length === 2);
    assert.equal((caught[1].error as { code: string }).code, 'NOT_FOUND');
    op.receive({ operation: 'Accept', payload: { interactionId: 'X1' } });
    await waitFor(() => out.length === 1);
    op.receive({ operation: 'Accept', payload: { interactionId: 'X1' } });
    await waitFor(() => caught.length === 3);
    const e3 = caught[2].error as { code: string; message: string };
    assert.equal(e3.code, 'VENDOR_ERROR');
    assert.match(e3.message, /not in state Invited/);
    assert.equal((caught[2].vendor as Json).status, 400);
  });
});
