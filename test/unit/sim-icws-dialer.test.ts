/**
 * The ICWS simulator against docs/vendors/icws.md, with plain fetch / node:http requests only:
 * Dialer over short polling (messaging version 1) and over server-sent events (version 2).
 * Set-up in sim-icws-support.ts.
 */
import * as assert from 'node:assert/strict';
import type { IcwsSimulator } from '../../simulators/icws';
import { CONNECT_BODY, call, connect, on, openStream, poll, simIcwsHooks, sleep, types } from './sim-icws-support';

describe('ICWS simulator', function () {
  let sim: IcwsSimulator;
  let base: string;
  simIcwsHooks(this, (s, b) => ([sim, base] = [s, b]));

  describe('Dialer over short polling (messaging version 1)', () => {
    beforeEach(() => sim.configure({ messagingVersion: 1 }));

    it('reports messaging 1 and answers an SSE request with the JSON array', async () => {
      const a = await call(base, 'POST', '/icws/connection?include=features', CONNECT_BODY());
      assert.deepEqual((a.body as { features: unknown[] }).features[0], { featureId: 'messaging', version: 1 });
      const s = await connect(base);
      const r = await on(s, 'GET', 'messaging/messages', undefined, { accept: 'text/event-stream' });
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, []);
    });

    it('runs the documented Dialer flow: log in → ready → Available → preview pop → place → disposition → log off', async () => {
      const s = await connect(base);
      assert.deepEqual(await poll(s), []);
      const login = await on(s, 'POST', 'dialer/log-in', {});
      assert.equal(login.status, 200);
      assert.equal(login.body, undefined);
      const afterLogin = await poll(s);
      assert.deepEqual(types(afterLogin), ['urn:inin.com:dialer:breakStatusMessage', 'urn:inin.com:dialer:availableCampaignsMessage']);
      assert.equal(afterLogin[0].breakStatus, 0);
      const camps = afterLogin[1] as {
        agentHasLogonCampaignRight: boolean;
        campaignsAdded: Array<{ id: string; isLoggedIn: boolean; campaignType: number; status: number }>;
      };
      assert.equal(camps.agentHasLogonCampaignRight, false);
      assert.deepEqual(
        camps.campaignsAdded.map((c) => [c.id, c.isLoggedIn]),
        [
          ['C-Spring-Renewals', true],
          ['C-Win-Back', true],
        ],
      );
      assert.equal((await on(s, 'POST', 'dialer/ready-for-calls', { campaignIds: ['C-Spring-Renewals'] })).status, 200);
      assert.deepEqual(await poll(s), [], 'no pop before Available');
      const st = await on(s, 'PUT', 'status/user-statuses/agent1', { statusId: 'Available' });
      assert.equal(st.status, 202);
      const requestId = (st.body as { requestId: string }).requestId;
      assert.match(requestId, /^[0-9a-f-]{36}$/);
      const pops = await poll(s);
      assert.deepEqual(types(pops), ['urn:inin.com:dialer:dataPopMessage', 'urn:inin.com:messaging:asyncOperationCompletedMessage']);
      assert.equal(pops[1].requestId, requestId);
      const call1 = pops[0].call as Record<string, unknown>;
      assert.equal(call1.__type, 'urn:inin.com:dialer:previewPop');
      assert.equal(call1.campaignId, 'C-Spring-Renewals');
      assert.equal(call1.callPlaced, false);
      assert.equal(call1.allowSkip, true);
      assert.equal(call1.dialingMode, 0);
      assert.ok(Array.isArray(call1.dispositions) && call1.dispositions.length > 1);
      assert.equal(typeof (call1.attributes as Record<string, string>).is_attr_Phone, 'string');

      assert.equal((await on(s, 'POST', 'dialer/place-preview-call', { callAttributes: { is_attr_Note: 'VIP' } })).status, 200);
      const placed = await poll(s);
      assert.equal(placed.length, 1);
      assert.equal(placed[0].isDelta, true);
      assert.deepEqual(placed[0].call, {
        __type: 'urn:inin.com:dialer:previewPop',
        interactionId: call1.interactionId,
        campaignId: 'C-Spring-Renewals',
        callPlaced: true,
      });
      assert.equal((await on(s, 'POST', 'dialer/place-preview-call', {})).status, 404, 'already placed');

      const badLabel = await on(s, 'POST', 'dialer/disposition', { label: 'Nope' });
      assert.equal(badLabel.status, 400);
      assert.equal((await on(s, 'POST', 'dialer/disposition', { label: 'Call Back Later', scheduledAgent: 'agent1' })).status, 400, 'agent without time');
      assert.equal((await on(s, 'POST', 'dialer/disposition', { label: 'Call Back Later', scheduledTime: '2025-05-02' })).status, 400, 'time as string');
      const disp = await on(s, 'POST', 'dialer/disposition', { label: 'Call Back Later', scheduledTime: 1746180000, scheduledAgent: 'agent1' });
      assert.equal(disp.status, 200);
      assert.deepEqual(sim.sessions.get(s.sid)?.dialer.dispositions, [
        { interactionId: call1.interactionId, label: 'Call Back Later', scheduledTime: 1746180000, scheduledAgent: 'agent1' },
      ]);
      assert.equal(sim.userStatus.get('agent1'), 'Follow Up');
      assert.equal((await on(s, 'POST', 'dialer/disposition', { label: 'Success' })).status, 404, 'nothing left to disposition');
      assert.deepEqual(await poll(s), []);

      assert.equal((await on(s, 'POST', 'dialer/log-off', { campaignIds: [] })).status, 200);
      const bye = await poll(s);
      assert.deepEqual(types(bye), ['urn:inin.com:dialer:logoutGrantedMessage']);
      assert.deepEqual(bye[0].campaigns, [
        { id: 'C-Spring-Renewals', name: 'Spring Renewals' },
        { id: 'C-Win-Back', name: 'Win Back' },
        { id: '', name: '' },
      ]);
      assert.equal((await on(s, 'POST', 'dialer/ready-for-calls', {})).status, 400, 'logged off');
    });

    it('pops a regular call (dataPop) when scripted, and a skip label only for previews with allowSkip', async () => {
      const s = await connect(base);
      sim.queueCall({ type: 'regular', allowAgentCallbacks: false });
      await on(s, 'POST', 'dialer/log-in', {});
      await on(s, 'POST', 'dialer/ready-for-calls', {});
      await on(s, 'PUT', 'status/user-statuses/agent1', { statusId: 'Available' });
      const pop = (await poll(s)).find((m) => m.__type === 'urn:inin.com:dialer:dataPopMessage');
      const c = pop?.call as Record<string, unknown>;
      assert.equal(c.__type, 'urn:inin.com:dialer:dataPop');
      assert.equal(c.dialingMode, 2);
      assert.equal(c.allowSkip, undefined);
      assert.equal((await on(s, 'POST', 'dialer/place-preview-call', {})).status, 404, 'not a preview');
      assert.equal((await on(s, 'POST', 'dialer/disposition', { label: 'Skipped - Agent Skip' })).status, 400);
      assert.equal(
        (await on(s, 'POST', 'dialer/disposition', { label: 'Success', scheduledTime: 1746180000, scheduledAgent: 'agent1' })).status,
        400,
        'no agent callbacks',
      );
      assert.equal((await on(s, 'POST', 'dialer/disposition', { label: 'Success' })).status, 200);
      await poll(s);
      await on(s, 'PUT', 'status/user-statuses/agent1', { statusId: 'Available' });
      const next = (await poll(s)).find((m) => m.__type === 'urn:inin.com:dialer:dataPopMessage');
      assert.equal((next?.call as Record<string, unknown>).__type, 'urn:inin.com:dialer:previewPop');
      assert.equal((await on(s, 'POST', 'dialer/disposition', { label: 'Skipped - Agent Skip' })).status, 200);
    });

    it('grants a break only after the current call is dispositioned; end-break is 202 at once', async () => {
      const s = await connect(base);
      await on(s, 'POST', 'dialer/log-in', {});
      await on(s, 'POST', 'dialer/ready-for-calls', {});
      await on(s, 'PUT', 'status/user-statuses/agent1', { statusId: 'Available' });
      await poll(s);
      const rb = await on(s, 'POST', 'dialer/request-break', {});
      assert.equal(rb.status, 202);
      assert.deepEqual(
        (await poll(s)).map((m) => m.breakStatus),
        [1],
      );
      await on(s, 'POST', 'dialer/disposition', { label: 'Success' });
      assert.deepEqual(
        (await poll(s)).map((m) => m.breakStatus),
        [2],
      );
      await on(s, 'PUT', 'status/user-statuses/agent1', { statusId: 'Available' });
      assert.deepEqual(types(await poll(s)), ['urn:inin.com:messaging:asyncOperationCompletedMessage'], 'no pop on break');
      assert.equal((await on(s, 'POST', 'dialer/end-break', {})).status, 202);
      const after = await poll(s);
      assert.deepEqual(types(after), ['urn:inin.com:dialer:breakStatusMessage', 'urn:inin.com:dialer:dataPopMessage']);
      assert.equal(after[0].breakStatus, 0);
    });

    it('grants a break at once when no call is active', async () => {
      const s = await connect(base);
      await on(s, 'POST', 'dialer/log-in', {});
      await poll(s);
      await on(s, 'POST', 'dialer/request-break', {});
      assert.deepEqual(
        (await poll(s)).map((m) => m.breakStatus),
        [1, 2],
      );
    });

    it('defers log-off until the call is dispositioned; accepts {} and no body', async () => {
      const s = await connect(base);
      await on(s, 'POST', 'dialer/log-in', {});
      await on(s, 'POST', 'dialer/ready-for-calls', {});
      await on(s, 'PUT', 'status/user-statuses/agent1', { statusId: 'Available' });
      await poll(s);
      assert.equal((await on(s, 'POST', 'dialer/log-off')).status, 200);
      assert.deepEqual(await poll(s), []);
      await on(s, 'POST', 'dialer/disposition', { label: 'No Answer' });
      const m = await poll(s);
      assert.deepEqual(types(m), ['urn:inin.com:dialer:logoutGrantedMessage']);
      await on(s, 'POST', 'dialer/log-in', {});
      await poll(s);
      assert.equal((await on(s, 'POST', 'dialer/log-off', {})).status, 200);
      assert.deepEqual(types(await poll(s)), ['urn:inin.com:dialer:logoutGrantedMessage']);
    });

    it('logs off one campaign at once while on a call of another', async () => {
      const s = await connect(base);
      await on(s, 'POST', 'dialer/log-in', {});
      await on(s, 'POST', 'dialer/ready-for-calls', { campaignIds: ['C-Spring-Renewals'] });
      await on(s, 'PUT', 'status/user-statuses/agent1', { statusId: 'Available' });
      await poll(s);
      await on(s, 'POST', 'dialer/log-off', { campaignIds: ['C-Win-Back'] });
      const m = await poll(s);
      assert.deepEqual(m[0].campaigns, [{ id: 'C-Win-Back', name: 'Win Back' }]);
    });

    it('update-call-data answers 202 and needs callId, campaignId, callAttributes', async () => {
      const s = await connect(base);
      const ok = await on(s, 'POST', 'dialer/update-call-data', {
        callId: '2001184312',
        campaignId: 'C-Spring-Renewals',
        callAttributes: { is_attr_Outcome: 'Promise' },
      });
      assert.equal(ok.status, 202);
      assert.equal((await on(s, 'POST', 'dialer/update-call-data', { callId: '1', callAttributes: {} })).status, 400);
      assert.deepEqual(sim.sessions.get(s.sid)?.dialer.callData, [
        { callId: '2001184312', campaignId: 'C-Spring-Renewals', callAttributes: { is_attr_Outcome: 'Promise' } },
      ]);
    });

    it('answers 403 for campaign log-in without the right and without a Dialer licence', async () => {
      const s = await connect(base);
      const r = await on(s, 'POST', 'dialer/log-in', { campaignId: 'C-Spring-Renewals' });
      assert.equal(r.status, 403);
      assert.equal((r.body as { errorId: string }).errorId, 'error.request.dialer.noLogonCampaignRight');
      sim.configure({ dialerLicence: false });
      assert.equal((await on(s, 'POST', 'dialer/log-in', {})).status, 403);
    });

    it('with the Logon Campaign right, lists campaigns and pops only after a campaign log-in', async () => {
      sim.configure({ logonCampaignRight: true });
      const s = await connect(base);
      await on(s, 'POST', 'dialer/log-in', {});
      const m = await poll(s);
      assert.equal(m[1].agentHasLogonCampaignRight, true);
      assert.ok((m[1].campaignsAdded as Array<{ isLoggedIn: boolean }>).every((c) => !c.isLoggedIn));
      await on(s, 'POST', 'dialer/ready-for-calls', {});
      await on(s, 'PUT', 'status/user-statuses/agent1', { statusId: 'Available' });
      assert.deepEqual(types(await poll(s)), ['urn:inin.com:messaging:asyncOperationCompletedMessage']);
      assert.equal((await on(s, 'POST', 'dialer/log-in', { campaignId: 'C-Win-Back' })).status, 200);
      const changed = await poll(s);
      assert.deepEqual(changed[0].campaignsChanged, [
        { id: 'C-Win-Back', name: 'Win Back', workgroup: 'Outbound', status: 1, campaignType: 1, isLoggedIn: true },
      ]);
      assert.deepEqual(await poll(s), [], 'ready must be repeated after a campaign log-in');
      await on(s, 'POST', 'dialer/ready-for-calls', {});
      const pop = await poll(s);
      assert.equal((pop[0].call as { campaignId: string }).campaignId, 'C-Win-Back');
    });

    it('gates endpoints by the reported dialer version', async () => {
      sim.configure({ dialerVersion: 2 });
      const s = await connect(base);
      await on(s, 'POST', 'dialer/log-in', {});
      assert.equal((await on(s, 'POST', 'dialer/place-preview-call', {})).status, 404);
      assert.equal((await on(s, 'POST', 'dialer/update-call-data', { callId: '1', campaignId: 'c', callAttributes: {} })).status, 404);
      assert.equal((await on(s, 'POST', 'dialer/ready-for-calls', { campaignIds: ['C-Win-Back'] })).status, 400);
      sim.configure({ dialerVersion: 1 });
      assert.equal((await on(s, 'POST', 'dialer/log-in', {})).status, 404);
    });

    it('setStatus: 202 with requestId; 400 unknown status; 404 unknown user', async () => {
      const s = await connect(base);
      assert.equal((await on(s, 'PUT', 'status/user-statuses/agent1', { statusId: 'Sleeping' })).status, 400);
      assert.equal((await on(s, 'PUT', 'status/user-statuses/ghost', { statusId: 'Available' })).status, 404);
      assert.equal((await on(s, 'PUT', 'status/user-statuses/agent2', { statusId: 'At Lunch' })).status, 202);
      assert.equal(sim.userStatus.get('agent2'), 'At Lunch');
    });

    it('drop-session sends connectionStateChangeMessage down, then the session is gone', async () => {
      const s = await connect(base);
      const r = await call(base, 'POST', '/__sim/drop-session', { sessionId: s.sid });
      assert.deepEqual(r.body, { ok: true, result: { dropped: 1 } });
      assert.equal((await on(s, 'POST', 'dialer/log-in', {})).status, 401);
      const m = await poll(s);
      assert.deepEqual(m, [
        {
          __type: 'urn:inin.com:connection:connectionStateChangeMessage',
          isDelta: false,
          previousConnectionState: 1,
          newConnectionState: 2,
          reason: 'The session was closed by the server.',
        },
      ]);
      assert.equal((await on(s, 'GET', 'messaging/messages')).status, 401);
    });
  });

  describe('Dialer over server-sent events (messaging version 2)', () => {
    it('streams each message as one data: line; pings; no CSRF needed', async () => {
      sim.configure({ pingMs: 50 });
      const s = await connect(base);
      const st = await openStream(s);
      assert.equal(st.status, 200);
      assert.match(st.contentType, /^text\/event-stream/);
      await on(s, 'POST', 'dialer/log-in', {});
      const bs = await st.next((m) => m.__type === 'urn:inin.com:dialer:breakStatusMessage');
      assert.deepEqual(bs, { __type: 'urn:inin.com:dialer:breakStatusMessage', isDelta: false, breakStatus: 0 });
      await st.next((m) => m.__type === 'urn:inin.com:dialer:availableCampaignsMessage');
      await on(s, 'POST', 'dialer/ready-for-calls', {});
      await on(s, 'PUT', 'status/user-statuses/agent1', { statusId: 'Available' });
      const pop = await st.next((m) => m.__type === 'urn:inin.com:dialer:dataPopMessage');
      assert.equal((pop.call as { __type: string }).__type, 'urn:inin.com:dialer:previewPop');
      await sleep(120);
      assert.match(st.raw, /^:ping\n\n/);
      assert.ok((st.raw.match(/:ping\n\n/g) ?? []).length >= 2);
      assert.match(st.raw, /\nid: 1\ndata: \{"__type":"urn:inin.com:dialer:breakStatusMessage"/);
      for (const line of st.raw.split('\n').filter((l) => l.startsWith('data:'))) JSON.parse(line.slice(5));
      assert.doesNotMatch(st.raw, /^event:/m);
      st.close();
      await st.ended;
    });

    it('delivers messages queued while no stream was open, once', async () => {
      const s = await connect(base);
      await on(s, 'POST', 'dialer/log-in', {});
      const st = await openStream(s);
      await st.next((m) => m.__type === 'urn:inin.com:dialer:breakStatusMessage');
      await st.next((m) => m.__type === 'urn:inin.com:dialer:availableCampaignsMessage');
      st.close();
      await st.ended;
      await sleep(20);
      const st2 = await openStream(s, { 'last-event-id': '2' });
      await sleep(50);
      assert.deepEqual(st2.events, []);
      assert.equal(sim.sessions.get(s.sid)?.delivered.length, 2);
      st2.close();
      await st2.ended;
    });

    it('expire ends the stream, and reopening it gets 401', async () => {
      const s = await connect(base);
      const st = await openStream(s);
      const r = await call(base, 'POST', '/__sim/expire', {});
      assert.deepEqual(r.body, { ok: true, result: { expired: 1 } });
      await st.ended;
      const again = await openStream(s);
      assert.equal(again.status, 401);
      await again.ended;
      assert.equal((await on(s, 'POST', 'dialer/log-in', {})).status, 401);
    });

    it('drop-session writes connectionStateChangeMessage down and closes the stream', async () => {
      const s = await connect(base);
      const st = await openStream(s);
      sim.dropSession();
      await st.ended;
      assert.deepEqual(types(st.events), ['urn:inin.com:connection:connectionStateChangeMessage']);
      assert.equal(sim.sessions.size, 0);
    });
  });
});
