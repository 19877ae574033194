/**
 * The ICWS Dialer client (lib/icws) against the ICWS simulator, over the wire: the Dialer operations,
 * their input checks and failure answers. Set-up in icws-client-support.ts.
 */
import * as assert from 'node:assert/strict';
import { IcwsClient } from '../../lib/icws';
import type { IcwsSimulator } from '../../simulators/icws';
import type { RecordedRequest } from '../../simulators/common';
import { icwsClientHarness, rejects, sleep, waitFor } from './icws-client-support';

describe('ICWS client and session (lib/icws)', function () {
  let sim: IcwsSimulator;
  const { clients, client, reqs, dialerReqs, toPop } = icwsClientHarness(this, (x) => (sim = x));

  describe('Dialer operations', () => {
    it('sends each Dialer body as the note says', async () => {
      sim.configure({ logonCampaignRight: true });
      const { c, messages } = client();
      await c.logIn({ campaignId: 'C-Spring-Renewals' });
      await c.readyForCalls({ campaignIds: ['C-Spring-Renewals'] });
      const st = await c.setStatus({ statusId: 'Available' });
      assert.match(String(st.payload.requestId), /^[0-9a-f-]{36}$/);
      assert.equal(st.vendor.status, 202);
      await waitFor(() => messages.some((m) => m.__type === 'urn:inin.com:dialer:dataPopMessage'));
      await c.placePreviewCall({ callAttributes: { is_attr_Note: 'VIP' } });
      await c.updateCallData({ callAttributes: { is_attr_Outcome: 'Promise' } });
      await c.disposition({ label: 'Call Back Later', scheduledTime: '2025-05-02T10:00:00Z', scheduledAgent: 'agent1', callAttributes: { a: 'b' } });
      const rb = await c.requestBreak();
      assert.equal(rb.vendor.status, 202);
      await c.endBreak();
      await c.logOff();
      await c.setStatus({ statusId: 'At Lunch', userId: 'agent2' });
      const [s] = sim.sessions.values();
      const pop = s.dialer.lastCall;
      const wire = dialerReqs().map((r) => [r.method, r.path.replace(/^\/icws\/\d+/, ''), r.body]);
      assert.deepEqual(wire, [
        ['POST', '/dialer/log-in', '{"campaignId":"C-Spring-Renewals"}'],
        ['POST', '/dialer/ready-for-calls', '{"campaignIds":["C-Spring-Renewals"]}'],
        ['PUT', '/status/user-statuses/agent1', '{"statusId":"Available"}'],
        ['POST', '/dialer/place-preview-call', '{"callAttributes":{"is_attr_Note":"VIP"}}'],
        [
          'POST',
          '/dialer/update-call-data',
          `{"callId":"${pop?.interactionId}","campaignId":"C-Spring-Renewals","callAttributes":{"is_attr_Outcome":"Promise"}}`,
        ],
        ['POST', '/dialer/disposition', '{"label":"Call Back Later","scheduledTime":1746180000,"scheduledAgent":"agent1","callAttributes":{"a":"b"}}'],
        ['POST', '/dialer/request-break', '{}'],
        ['POST', '/dialer/end-break', '{}'],
        ['POST', '/dialer/log-off', '{"campaignIds":[]}'],
        ['PUT', '/status/user-statuses/agent2', '{"statusId":"At Lunch"}'],
      ]);
    });

    it('converts scheduledTime from a Date and epoch ms; refuses seconds and junk', async () => {
      const { c, messages } = client();
      await toPop(c, messages);
      sim.server.clearRequests();
      await rejects(c.disposition({ label: 'Call Back Later', scheduledTime: -5 }), 'INVALID_INPUT', /scheduledTime/);
      await rejects(c.disposition({ label: 'Call Back Later', scheduledTime: 'tomorrow' }), 'INVALID_INPUT', /scheduledTime/);
      await rejects(c.disposition({ label: 'Call Back Later', scheduledTime: '2025-05-02T10:00:00' }), 'INVALID_INPUT', /time zone/);
      await rejects(c.disposition({ label: 'Call Back Later', scheduledAgent: 'agent1' }), 'INVALID_INPUT', /scheduledAgent needs scheduledTime/);
      await rejects(
        c.disposition({ label: 'Call Back Later', callAttributes: { n: 1 } as unknown as Record<string, string> }),
        'INVALID_INPUT',
        /callAttributes\.n/,
      );
      assert.equal(dialerReqs().length, 0);
      await c.disposition({ label: 'Call Back Later', scheduledTime: 1746180000999 });
      await c.setStatus({ statusId: 'Available' });
      await waitFor(() => messages.filter((m) => m.__type === 'urn:inin.com:dialer:dataPopMessage' && !m.isDelta).length === 2);
      await c.disposition({ label: 'Call Back Later', scheduledTime: new Date('2025-05-02T10:00:00.500Z') });
      const bodies = dialerReqs()
        .filter((r) => r.path.endsWith('/disposition'))
        .map((r) => JSON.parse(r.body).scheduledTime);
      assert.deepEqual(bodies, [1746180000, 1746180000]);
    });

    it('checks the disposition label against the current pop; nothing is sent on a bad one', async () => {
      const { c, messages } = client();
      sim.queueCall({ type: 'regular' });
      await toPop(c, messages);
      sim.server.clearRequests();
      const e = await rejects(
        c.disposition({ label: 'Sale!' }),
        'INVALID_INPUT',
        /ICWS disposition: label "Sale!" is not a disposition of the current call \("Success", "Call Back Later"/,
      );
      assert.equal(e.field, 'label');
      await rejects(c.disposition({ label: 'Skipped - Agent Skip' }), 'INVALID_INPUT', /label/);
      await rejects(c.disposition({ label: '' }), 'INVALID_INPUT', /label/);
      await rejects(c.disposition({} as never), 'INVALID_INPUT', /label is required/);
      assert.equal(dialerReqs().length, 0);
      await c.disposition({ label: 'No Answer' });
      // after the disposition no call is known: the server decides (404 → CONFLICT)
      await rejects(c.disposition({ label: 'Success' }), 'CONFLICT', /no Dialer call to disposition/);
      // a preview pop with allowSkip accepts the skip label
      await c.setStatus({ statusId: 'Available' });
      await waitFor(() => messages.filter((m) => m.__type === 'urn:inin.com:dialer:dataPopMessage').length === 2);
      await c.disposition({ label: 'Skipped - Agent Skip' });
    });

    it('a pop that arrives while a disposition is on the wire stays the current call', async () => {
      const { c, messages } = client();
      const first = await toPop(c, messages);
      sim.server.addFault({ path: '/icws/1', method: 'POST', delayMs: 300, times: 1 });
      const pending = c.disposition({ label: 'Success' });
      await sleep(100);
      const next = {
        __type: 'urn:inin.com:dialer:previewPop',
        interactionId: '99',
        campaignId: 'C-Win-Back',
        callPlaced: false,
        allowSkip: false,
        dispositions: [{ label: 'Done' }],
      };
      sim.push({ __type: 'urn:inin.com:dialer:dataPopMessage', isDelta: false, call: next });
      await waitFor(() => c.session.dialer.call?.interactionId === '99', 2000, 'next pop seen');
      await pending;
      assert.equal(c.session.dialer.call?.interactionId, '99', 'the new call is still known');
      assert.equal(c.session.dialer.lastCall, undefined);
      assert.notEqual(first.interactionId, '99');
      await rejects(c.disposition({ label: 'Success' }), 'INVALID_INPUT', /"Done"/);
    });

    it('placePreviewCall: the server decides when no preview was seen (its 404 is CONFLICT with msg.vendor); a second placement is refused locally', async () => {
      const { c, messages } = client();
      const places = (): RecordedRequest[] => dialerReqs().filter((r) => r.path.endsWith('place-preview-call'));
      // nothing seen and nothing pending: sent, the server's 404 becomes CONFLICT
      const e = await rejects(c.placePreviewCall(), 'CONFLICT', /no preview call to place/);
      assert.equal(e.answer?.status, 404);
      assert.equal((e.answer?.body as { errorId?: string }).errorId, 'error.request.dialer.noPreviewCall');
      assert.equal(places().length, 1);
      sim.queueCall({ type: 'regular' });
      await toPop(c, messages);
      await rejects(c.placePreviewCall(), 'CONFLICT', /no preview call to place/);
      assert.equal(places().length, 2);
      await c.disposition({ label: 'Success' });
      await c.setStatus({ statusId: 'Available' });
      await waitFor(() => messages.filter((m) => m.__type === 'urn:inin.com:dialer:dataPopMessage').length === 2);
      await c.placePreviewCall();
      await rejects(c.placePreviewCall(), 'CONFLICT', /already placed/);
      assert.equal(places().length, 3, 'the second placement of a preview seen placed is not sent');
    });

    it('placePreviewCall places a preview the session never saw (the data pop missed): the server has it pending', async () => {
      const { c, messages } = client();
      await c.logIn();
      await c.readyForCalls();
      const [s] = sim.sessions.values();
      // The message stream fails from now on: the data pop stays on the server, unseen.
      sim.server.addFault({ path: `/icws/${s.id}/messaging`, status: 500 });
      s.streams.forEach((r) => r.destroy());
      await sleep(100);
      await c.setStatus({ statusId: 'Available' });
      await waitFor(() => [...sim.sessions.values()][0].dialer.summary().call != null, 3000, 'a call pending on the server');
      assert.equal(c.session.dialer.call, undefined, 'the session saw no pop');
      assert.equal(messages.filter((m) => m.__type === 'urn:inin.com:dialer:dataPopMessage').length, 0);
      const out = await c.placePreviewCall();
      assert.equal(out.payload.ok, true);
      sim.server.clearFaults();
    });

    it('maps the failure answers: 403, 404, 400, 500, 429', async () => {
      const { c } = client();
      await rejects(
        c.logIn({ campaignId: 'C-Win-Back' }),
        'AUTH_FAILED',
        /Logon Campaign right\. \(HTTP 403, error\.request\.dialer\.noLogonCampaignRight\): no Dialer licence or a missing right/,
      );
      await rejects(c.setStatus({ statusId: 'Sleeping' }), 'VENDOR_ERROR', /Unknown status Sleeping\. \(HTTP 400/);
      await rejects(c.setStatus({ statusId: 'Available', userId: 'ghost' }), 'NOT_FOUND');
      await rejects(c.readyForCalls(), 'VENDOR_ERROR', /not logged in to Dialer/);
      sim.server.addFault({ path: '/icws/', method: 'POST', status: 500, body: '{"message":"boom"}', times: 1 });
      const e500 = await rejects(c.logIn(), 'VENDOR_ERROR', /boom \(HTTP 500\)/);
      assert.deepEqual(e500.answer?.body, { message: 'boom' });
      sim.server.clearRequests();
      sim.configure({ rateLimit: true, retryAfter: 0 });
      const rl = await rejects(c.logIn(), 'RATE_LIMITED', /Too many requests\. \(HTTP 429, error\.request\.tooManyRequests\): rate limited after retries/);
      assert.equal(rl.answer?.headers['retry-after'], '0');
      assert.equal(reqs('/icws/1', 'POST').filter((r) => r.path.endsWith('/log-in')).length, 3, 'first try + 2 retries');
      sim.configure({ rateLimit: false });
      sim.server.addFault({ path: '/icws/', method: 'POST', status: 429, headers: { 'retry-after': '0' }, times: 2 });
      assert.equal((await c.logIn()).payload.ok, true, 'two 429s are retried');
    });

    it("refuses what the server's Dialer version lacks, sending nothing", async () => {
      sim.configure({ dialerVersion: 2 });
      const { c } = client();
      await c.logIn();
      sim.server.clearRequests();
      await rejects(
        c.updateCallData({ callId: '1', campaignId: 'C', callAttributes: {} }),
        'VENDOR_ERROR',
        /updateCallData needs Dialer feature version 3; the server reports 2/,
      );
      await rejects(c.readyForCalls({ campaignIds: ['C-Win-Back'] }), 'VENDOR_ERROR', /readyForCalls with campaignIds needs Dialer feature version 4/);
      assert.equal(dialerReqs().length, 0);
      assert.equal((await c.readyForCalls()).payload.ok, true);
    });

    it('rejects malformed input before connecting', async () => {
      const { c } = client();
      await rejects(c.logIn({ campaignId: '' }), 'INVALID_INPUT', /campaignId/);
      await rejects(c.logOff({ campaignIds: 'C-1' as never }), 'INVALID_INPUT', /campaignIds/);
      await rejects(c.setStatus({} as never), 'INVALID_INPUT', /statusId is required/);
      await rejects(c.updateCallData({ callId: '1', campaignId: 'x' } as never), 'INVALID_INPUT', /callAttributes is required/);
      await rejects(c.updateCallData({ callAttributes: {} }), 'INVALID_INPUT', /callId is required/);
      await rejects(c.run('dial' as never, {}), 'INVALID_INPUT', /operation/);
      assert.equal(sim.stats.connectAttempts, 0);
      const nc = new IcwsClient({ url: sim.url, username: 'agent1', password: '' });
      clients.push(nc);
      await rejects(nc.logIn(), 'NOT_CONFIGURED', /password/);
    });
  });
});
