/** icws-config, icws-dialer and icws-dialer-events in a real Node-RED against the ICWS simulator: the Dialer flow, inputs, errors, event filters, configuration. Set-up in icws-support.ts. */
import * as assert from 'node:assert/strict';
import { catchNode, collect, helper, onTab, nodeSet, sleep, waitFor, type TestNode } from '../helpers';
import type { IcwsSimulator } from '../../simulators/icws';
import { PASSWORD, T_POP, icwsHarness, type Msg } from './icws-support';

describe('icws nodes', function () {
  let s: IcwsSimulator;
  const { log, seen, load, op, caughtOf, events, sessionReqs } = icwsHarness(this, (x) => (s = x));

  it('runs the documented Dialer flow over the wire: log in → ready → Available → preview pop → place → disposition → update → break → log off', async () => {
    const n = await load();
    await waitFor(() => n.eventsStatus.some((x) => x.text === 'connected'), 5000, 'connected status');
    assert.deepEqual(n.eventsStatus.at(-1), { fill: 'green', shape: 'dot', text: 'connected' });
    const first = await op(n, 'logIn', {}, { topic: 'crm', custom: 42 });
    assert.equal(first.topic, 'crm');
    assert.equal(first.custom, 42);
    assert.equal(first.operation, 'logIn');
    assert.deepEqual(first.payload, { ok: true });
    const vendor = first.vendor as { status: number; headers: Record<string, string> };
    assert.equal(vendor.status, 200);
    for (const h of ['set-cookie', 'inin-icws-csrf-token', 'inin-icws-session-id', 'cookie']) assert.equal(vendor.headers[h], undefined);
    await op(n, 'readyForCalls', { campaignIds: ['C-Spring-Renewals'] });
    const st = await op(n, 'setStatus', { statusId: 'Available' });
    assert.equal((st.payload as Msg).ok, true);
    assert.match(String((st.payload as Msg).requestId), /^[0-9a-f-]{36}$/);
    await waitFor(() => events(n, T_POP).length === 1, 3000, 'data pop event');
    const pop = events(n, T_POP)[0];
    assert.equal(pop.callType, 'preview');
    const call = (pop.payload as { call: Msg }).call;
    assert.equal(call.__type, 'urn:inin.com:dialer:previewPop');
    await op(n, 'placePreviewCall', { callAttributes: { is_attr_Note: 'VIP' } });
    await waitFor(() => events(n, T_POP).length === 2, 3000, 'placed delta');
    assert.equal((events(n, T_POP)[1].payload as Msg).isDelta, true);
    await op(n, 'updateCallData', { callAttributes: { is_attr_Outcome: 'Promise' } });
    await op(n, 'disposition', { label: 'Call Back Later', scheduledTime: '2025-05-02T10:00:00Z', scheduledAgent: 'agent1' });
    const rb = await op(n, 'requestBreak');
    assert.equal((rb.vendor as Msg).status, 202);
    await waitFor(() => events(n, 'urn:inin.com:dialer:breakStatusMessage').length === 3, 3000, 'break granted');
    assert.deepEqual(
      events(n, 'urn:inin.com:dialer:breakStatusMessage').map((m) => (m.payload as Msg).breakStatus),
      [0, 1, 2],
    );
    await op(n, 'endBreak');
    await op(n, 'logOff');
    await waitFor(() => events(n, 'urn:inin.com:dialer:logoutGrantedMessage').length === 1, 3000, 'logout granted');
    assert.deepEqual(sessionReqs(), [
      ['POST', '/dialer/log-in', '{}'],
      ['POST', '/dialer/ready-for-calls', '{"campaignIds":["C-Spring-Renewals"]}'],
      ['PUT', '/status/user-statuses/agent1', '{"statusId":"Available"}'],
      ['POST', '/dialer/place-preview-call', '{"callAttributes":{"is_attr_Note":"VIP"}}'],
      [
        'POST',
        '/dialer/update-call-data',
        `{"callId":"${call.interactionId}","campaignId":"C-Spring-Renewals","callAttributes":{"is_attr_Outcome":"Promise"}}`,
      ],
      ['POST', '/dialer/disposition', '{"label":"Call Back Later","scheduledTime":1746180000,"scheduledAgent":"agent1"}'],
      ['POST', '/dialer/request-break', '{}'],
      ['POST', '/dialer/end-break', '{}'],
      ['POST', '/dialer/log-off', '{"campaignIds":[]}'],
    ]);
    assert.equal(n.caught.length, 0);
    assert.equal(s.stats.sessionsCreated, 1, 'one session shared by both nodes');
    assert.deepEqual(n.dialerStatus.at(-1), { fill: 'green', shape: 'dot', text: 'connected' });
  });

  it('a fixed operation and other TypedInput types (str, json, flow)', async () => {
    await helper.load(
      [nodeSet('icws'), catchNode],
      onTab([
        { id: 'cfg', type: 'icws-config', url: s.url, timeout: 5000 },
        {
          id: 'dialer',
          type: 'icws-dialer',
          config: 'cfg',
          operation: 'setStatus',
          statusId: 'st',
          statusIdType: 'flow',
          userId: 'agent2',
          userIdType: 'str',
          wires: [['out']],
        },
        { id: 'd2', type: 'icws-dialer', config: 'cfg', operation: 'readyForCalls', campaignIds: '["C-Win-Back"]', campaignIdsType: 'json', wires: [['out']] },
        { id: 'out', type: 'helper' },
      ]) as never,
      { cfg: { username: 'agent1', password: PASSWORD } },
    );
    const out = collect(helper.getNode('out'));
    const caught = collect(helper.getNode('caught'));
    seen.push(out, caught);
    const d = helper.getNode('dialer') as unknown as TestNode & { context(): { flow: { set(k: string, v: unknown): void } } };
    d.context().flow.set('st', 'At Lunch');
    d.receive({ payload: 'anything' });
    await waitFor(() => out.length === 1);
    helper.getNode('d2').receive({});
    await waitFor(() => caught.length === 1);
    assert.equal((caught[0].error as Msg).code, 'VENDOR_ERROR', 'not logged in');
    assert.deepEqual(sessionReqs(), [
      ['PUT', '/status/user-statuses/agent2', '{"statusId":"At Lunch"}'],
      ['POST', '/dialer/ready-for-calls', '{"campaignIds":["C-Win-Back"]}'],
    ]);
    assert.equal(s.userStatus.get('agent2'), 'At Lunch');
  });

  it('bad input is INVALID_INPUT (nothing sent); no pending preview is CONFLICT; 403 is AUTH_FAILED with msg.vendor', async () => {
    const n = await load();
    await op(n, 'logIn');
    await op(n, 'readyForCalls');
    s.queueCall({ type: 'regular' });
    await op(n, 'setStatus', { statusId: 'Available' });
    await waitFor(() => events(n, T_POP).length === 1);
    assert.equal(events(n, T_POP)[0].callType, 'dataPop');
    s.server.clearRequests();
    const bad: Array<[string, Msg, RegExp]> = [
      ['disposition', { label: 'Nope' }, /ICWS disposition: label "Nope" is not a disposition of the current call/],
      ['disposition', { label: 'Success', scheduledTime: -5 }, /scheduledTime/],
      ['disposition', { label: 'Success', scheduledAgent: 'agent1' }, /scheduledAgent needs scheduledTime/],
      ['setStatus', {}, /statusId is required/],
      ['updateCallData', { callAttributes: 'x' }, /callAttributes/],
      ['dial', {}, /operation must be one of logIn, logOff/],
    ];
    for (const [o, p, re] of bad) {
      const m = await caughtOf(n, o, p);
      const e = m.error as { code: string; message: string };
      assert.equal(e.code, 'INVALID_INPUT', `${o}: ${e.message}`);
      assert.match(e.message, re);
      assert.equal(m.vendor, undefined);
    }
    assert.deepEqual(sessionReqs(), [], 'nothing sent for bad input');
    // No preview seen: the server decides; its 404 is CONFLICT with msg.vendor.
    const conflict = await caughtOf(n, 'placePreviewCall');
    assert.equal((conflict.error as Msg).code, 'CONFLICT');
    assert.equal((conflict.vendor as Msg).status, 404);
    assert.deepEqual(sessionReqs(), [['POST', '/dialer/place-preview-call', '{}']]);
    assert.deepEqual(n.dialerStatus.at(-1), { fill: 'red', shape: 'ring', text: 'CONFLICT' });
    const e403 = await caughtOf(n, 'logIn', { campaignId: 'C-Win-Back' });
    assert.equal((e403.error as Msg).code, 'AUTH_FAILED');
    assert.match(String((e403.error as Msg).message), /Logon Campaign right/);
    assert.equal((e403.vendor as Msg).status, 403);
    assert.equal(((e403.vendor as Msg).body as Msg).errorId, 'error.request.dialer.noLogonCampaignRight');
    const ok = await op(n, 'disposition', { label: 'Success' });
    assert.equal((ok.payload as Msg).ok, true);
    assert.deepEqual(n.dialerStatus.at(-1), { fill: 'green', shape: 'dot', text: 'connected' }, 'success replaces the failure');
  });

  it('filters events by type (short and full names) and passes messages unchanged', async () => {
    const n = await load({}, { types: 'breakStatusMessage, urn:inin.com:dialer:logoutGrantedMessage' }, PASSWORD, [
      { id: 'all', type: 'icws-dialer-events', config: 'cfg', types: '', wires: [['allOut']] },
      { id: 'allOut', type: 'helper' },
    ]);
    const all = collect(helper.getNode('allOut'));
    seen.push(all);
    await op(n, 'logIn');
    await op(n, 'logOff');
    await waitFor(() => all.length === 3);
    await sleep(100);
    assert.deepEqual(
      n.ev.map((m) => m.topic),
      ['urn:inin.com:dialer:breakStatusMessage', 'urn:inin.com:dialer:logoutGrantedMessage'],
    );
    assert.deepEqual(n.ev[0].payload, { __type: 'urn:inin.com:dialer:breakStatusMessage', isDelta: false, breakStatus: 0 });
    assert.deepEqual(
      all.map((m) => m.topic),
      ['urn:inin.com:dialer:breakStatusMessage', 'urn:inin.com:dialer:availableCampaignsMessage', 'urn:inin.com:dialer:logoutGrantedMessage'],
    );
    assert.ok(!all.some((m) => String(m.topic).startsWith('urn:inin.com:messaging')), 'non-Dialer messages are not emitted');
    assert.equal(s.stats.sessionsCreated, 1);
    assert.equal([...s.sessions.values()][0].streamsOpened, 1, 'one message stream for both events nodes');
  });

  it('two config nodes are two agents: separate sessions, each its own messages', async () => {
    await helper.load(
      [nodeSet('icws'), catchNode],
      onTab([
        { id: 'cfg', type: 'icws-config', url: s.url, timeout: 5000 },
        { id: 'cfg2', type: 'icws-config', url: s.url, timeout: 5000 },
        { id: 'd1', type: 'icws-dialer', config: 'cfg', operation: 'logIn', wires: [['out']] },
        { id: 'e1', type: 'icws-dialer-events', config: 'cfg', types: '', wires: [['ev1']] },
        { id: 'e2', type: 'icws-dialer-events', config: 'cfg2', types: '', wires: [['ev2']] },
        { id: 'out', type: 'helper' },
        { id: 'ev1', type: 'helper' },
        { id: 'ev2', type: 'helper' },
      ]) as never,
      { cfg: { username: 'agent1', password: PASSWORD }, cfg2: { username: 'agent2', password: 'agent2-secret' } },
    );
    const ev1 = collect(helper.getNode('ev1'));
    const ev2 = collect(helper.getNode('ev2'));
    const out = collect(helper.getNode('out'));
    seen.push(ev1, ev2, out);
    await waitFor(() => s.sessions.size === 2, 3000, 'two sessions');
    assert.deepEqual([...s.sessions.values()].map((x) => x.userID).sort(), ['agent1', 'agent2']);
    helper.getNode('d1').receive({ payload: {} });
    await waitFor(() => ev1.length === 2);
    await sleep(100);
    assert.equal(ev2.length, 0, "agent2 sees nothing of agent1's Dialer");
  });

  it('an unknown type is INVALID_INPUT at deploy; a missing config is NOT_CONFIGURED', async () => {
    const mark = log.lines.length;
    await load({}, { types: 'urn:inin.com:status:userStatusMessage' });
    // reported while the flow starts (before a catch node could see it): in the log
    await waitFor(() => log.lines.slice(mark).some((l) => l.includes('"code":"INVALID_INPUT"') && l.includes('"field":"types"')), 3000, 'logged error');
    await sleep(100);
    assert.equal(s.stats.connectAttempts, 0, 'no session for a node that cannot work');
    await helper.unload();
    await helper.load(
      [nodeSet('icws'), catchNode],
      onTab([
        { id: 'events', type: 'icws-dialer-events', types: '', wires: [[]] },
        { id: 'dialer', type: 'icws-dialer', operation: 'logIn', wires: [[]] },
      ]) as never,
    );
    const caught = collect(helper.getNode('caught'));
    seen.push(caught);
    helper.getNode('dialer').receive({ payload: {} });
    await waitFor(() => caught.length === 1);
    assert.equal((caught[0].error as Msg).code, 'NOT_CONFIGURED');
    assert.equal(s.stats.connectAttempts, 0);
  });

  it('a config without password is NOT_CONFIGURED on both nodes and opens no session', async () => {
    const n = await load({}, {}, '');
    n.dialer.receive({ operation: 'logIn', payload: {} });
    await waitFor(() => n.caught.length === 1);
    assert.equal((n.caught[0].error as Msg).code, 'NOT_CONFIGURED');
    assert.match(String((n.caught[0].error as Msg).message), /password/);
    assert.equal(s.stats.connectAttempts, 0);
  });

  it('msg.requestTimeout bounds a request: TIMEOUT', async () => {
    const n = await load();
    await op(n, 'logIn');
    s.server.addFault({ path: '/icws/1', method: 'POST', delayMs: 500, times: 1 });
    const m = await (async () => {
      try {
        await op(n, 'requestBreak', {}, { requestTimeout: 100 });
      } catch (e) {
        return (e as { msg: Msg }).msg;
      }
      assert.fail('no timeout');
    })();
    assert.equal((m.error as Msg).code, 'TIMEOUT');
    assert.match(String((m.error as Msg).message), /ICWS requestBreak: no answer within 100 ms/);
  });
});
