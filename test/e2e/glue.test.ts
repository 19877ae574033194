/**
 * The cross-vendor glue flows of examples/glue, end to end: the packed package in a real
 * Node-RED (4.1 on Node 20, 5 on Node 22), the flows deployed as shipped (only the simulators'
 * addresses swapped, credentials added as `npm start` does), pressed inject by inject as a user
 * does, with the world around them (callers, virtualQ's clock, Dialer, Diyalog) played by the
 * simulators; each test checks what every simulator received, in order.
 */
import * as assert from 'node:assert/strict';
import type { RecordedRequest } from '../../simulators/common';
import { nodeRed4, nodeRed5, type Runtime } from '../support/nodered';
import { attrs, brief, closeSims, sleep, startGlueRed, startSims, waitFor, type GlueRed, type Sims } from './glue-support';

const GWS = 'virtualq-gws-connector';
const ICWS = 'virtualq-icws-connector';
const DIYALOG = 'diyalog-virtualq-callback';
const AMEYO = 'virtualq-ameyo-callbacks';

for (const [label, runtime] of [
  ['Node-RED 4.1 on Node 20', nodeRed4],
  ['Node-RED 5 on Node 22', nodeRed5],
] as Array<[string, () => Runtime]>) {
  describe(`glue flows end to end: ${label}`, function () {
    this.timeout(180000);
    let sims: Sims;
    let g: GlueRed;

    before(async () => {
      sims = await startSims();
      g = await startGlueRed(runtime(), label, sims);
    });
    after(async () => {
      await g?.red.stop();
      await closeSims(sims);
    });

    /** virtualQ requests since `from` (an index into the request log). */
    const vqSince = (from: number): RecordedRequest[] => sims.virtualq.server.requests.slice(from);
    const waiter = (lineId: number, phone: string) => [...sims.virtualq.state.waiters.values()].filter((w) => w.lineId === lineId && w.phone === phone).pop();
    const stateIs = (lineId: number, phone: string, state: string) => () => waiter(lineId, phone)?.state === state;

    it('ships four flows, each on its own tab, with no function node and no credentials', () => {
      assert.deepEqual([...g.flows.keys()], [DIYALOG, AMEYO, GWS, ICWS]);
      const tabs = new Set<string>();
      for (const [file, nodes] of g.flows) {
        const tab = nodes.filter((n) => n.type === 'tab');
        assert.equal(tab.length, 1, file);
        tabs.add(tab[0].id);
        assert.ok(
          nodes.every((n) => n.type !== 'function'),
          `${file} has a function node`,
        );
        assert.ok(
          nodes.every((n) => !('credentials' in n)),
          `${file} carries credentials`,
        );
        assert.ok(
          nodes.some((n) => n.type === 'comment' && String(n.info).length > 300),
          `${file} explains itself`,
        );
        for (const n of nodes.filter((x) => x.z)) assert.equal(n.z, tab[0].id, `${file} ${n.id}`);
      }
      assert.equal(tabs.size, 4);
    });

    it('GWS: voice call from a lined-up caller → verify → connected; agent accepts → transferred with the wait time', async () => {
      const phone = '+4915120000001';
      const from = sims.virtualq.server.requests.length;
      const gwsFrom = sims.gws.server.requests.length;
      await waitFor(
        () => [...sims.gws.bayeux.clients.values()].some((c) => c.user === 'agent07' && c.subscriptions.has('/v2/me/interactions')),
        15000,
        'agent07 subscribed',
      );
      await g.press(GWS, `1. virtualQ: line up ${phone}`);
      await waitFor(stateIs(418, phone, 'Waiting'), 10000, 'lined up');
      await g.press(GWS, '2. simulator: the caller is up');
      await waitFor(stateIs(418, phone, 'Notified'), 10000, 'notified');
      await g.press(GWS, '3. simulator: the caller rings agent07');
      await waitFor(stateIs(418, phone, 'Connected'), 10000, 'connected');
      await sleep(1100); // the caller waits for the agent
      await g.press(GWS, '4. agent07 takes the call');
      await waitFor(stateIs(418, phone, 'Finished'), 10000, 'finished');

      const vq = vqSince(from).map(brief);
      assert.deepEqual(
        vq.map((r) => [r.method, r.path, r.query]),
        [
          ['POST', '/api/v2/waiters', ''],
          ['GET', '/api/v2/waiters', 'currently_up=true&phone=%2B4915120000001&line_id=418'],
          ['PUT', '/api/v2/waiters/0', ''],
          ['PUT', '/api/v2/waiters/0', ''],
        ],
      );
      const puts = vqSince(from)
        .filter((r) => r.method === 'PUT')
        .map(attrs);
      assert.deepEqual(puts[0], { line_id: 418, phone, service_waiter_state: 'Connected' });
      const wait = puts[1].wait_time_when_up as number;
      assert.ok(Number.isInteger(wait) && wait >= 1 && wait < 30, `wait_time_when_up ${wait}`);
      assert.deepEqual(puts[1], { line_id: 418, phone, service_waiter_state: 'Finished', wait_time_when_up: wait, agent_id: 'agent07' });
      assert.equal(waiter(418, phone)?.waitTimeWhenUp, wait);

      const call = [...sims.gws.interactions.values()].find((i) => i.ani === phone);
      assert.ok(call);
      assert.deepEqual([call.mediaType, call.state, call.owner], ['voice', 'Processing', 'agent07']);
      const ops = sims.gws.server.requests
        .slice(gwsFrom)
        .filter((r) => r.method === 'POST' && r.path.startsWith('/api/v2/me/interactions/'))
        .map(brief);
      assert.deepEqual(ops, [{ method: 'POST', path: `/api/v2/me/interactions/${call.id}`, query: '', body: { operationName: 'Accept' } }]);

      // A voice call from someone virtualQ does not have up: verified, nothing else.
      const before = sims.virtualq.server.requests.length;
      sims.gws.invite({ to: 'agent07', mediaType: 'voice', ani: '+4915129999999', dnis: '+4930123456' });
      await waitFor(() => vqSince(before).length === 1, 10000, 'verify of the unknown caller');
      // A number with no virtualQ line (dnis not in the table) is not even verified.
      sims.gws.invite({ to: 'agent07', mediaType: 'voice', ani: '+4915129999998', dnis: '+4940000000' });
      await sleep(800);
      assert.deepEqual(
        vqSince(before).map((r) => [r.method, r.rawQuery]),
        [['GET', 'currently_up=true&phone=%2B4915129999999&line_id=418']],
      );
    });

    it('ICWS: Dialer pop of a virtualQ callback → verify → connected; preview call placed → transferred; a predictive pop does both', async () => {
      const phone = '+4915120000002';
      const from = sims.virtualq.server.requests.length;
      await g.press(ICWS, `1. virtualQ: line up ${phone}`);
      await waitFor(stateIs(418, phone, 'Waiting'), 10000, 'lined up');
      await g.press(ICWS, '2. simulators: callback due');
      await waitFor(() => stateIs(418, phone, 'Notified')() && sims.icws.state().queuedCalls === 1, 10000, 'notified and queued in Dialer');
      await g.press(ICWS, '3. agent2: log in, ready, Available');
      await waitFor(stateIs(418, phone, 'Connected'), 15000, 'connected');
      await sleep(1100);
      await g.press(ICWS, '4. agent2 places the call');
      await waitFor(stateIs(418, phone, 'Finished'), 10000, 'finished');
      await g.press(ICWS, '5. disposition: Success');
      const session = () => [...sims.icws.sessions.values()].find((s) => s.userID === 'agent2');
      await waitFor(() => session()?.dialer.dispositions.length === 1, 10000, 'disposition');
      assert.equal(session()?.dialer.dispositions[0].label, 'Success');

      const sid = session()!.id;
      const dialer = sims.icws.server.requests
        .filter((r) => r.path.startsWith(`/icws/${sid}/`) && r.method !== 'GET')
        .map((r) => `${r.method} ${r.path.slice(`/icws/${sid}`.length)}`);
      assert.deepEqual(dialer, [
        'POST /dialer/log-in',
        'POST /dialer/ready-for-calls',
        'PUT /status/user-statuses/agent2',
        'POST /dialer/place-preview-call',
        'POST /dialer/disposition',
      ]);
      const vq = vqSince(from);
      assert.deepEqual(
        vq.map((r) => [r.method, r.path, r.rawQuery]),
        [
          ['POST', '/api/v2/waiters', ''],
          ['GET', '/api/v2/waiters', 'currently_up=true&phone=%2B4915120000002&line_id=418'],
          ['PUT', '/api/v2/waiters/0', ''],
          ['PUT', '/api/v2/waiters/0', ''],
        ],
      );
      assert.deepEqual(attrs(vq[0]), { line_id: 418, phone, channel: 'CallBack', source: 'Phone' });
      assert.equal(attrs(vq[2]).service_waiter_state, 'Connected');
      const fin = attrs(vq[3]);
      assert.ok((fin.wait_time_when_up as number) >= 1 && (fin.wait_time_when_up as number) < 30, JSON.stringify(fin));
      assert.deepEqual(fin, { line_id: 418, phone, service_waiter_state: 'Finished', wait_time_when_up: fin.wait_time_when_up, agent_id: 'agent2' });

      // A predictive pop (the caller is already with the agent): connected and transferred at once.
      const p2 = '+4915120000022';
      const from2 = sims.virtualq.server.requests.length;
      sims.virtualq.notify({ id: sims.virtualq.state.lineUp({ lineId: 418, phone: p2, channel: 'CallBack', source: 'Phone' }).id });
      sims.icws.queueCall({ type: 'regular', attributes: { is_attr_Phone: p2, is_attr_VirtualQLine: '418' } });
      await g.press(ICWS, '3. agent2: log in, ready, Available');
      await waitFor(stateIs(418, p2, 'Finished'), 15000, 'predictive pop finished');
      const vq2 = vqSince(from2);
      assert.deepEqual(
        vq2.map((r) => (r.method === 'PUT' ? attrs(r).service_waiter_state : r.rawQuery)),
        ['currently_up=true&phone=%2B4915120000022&line_id=418', 'Connected', 'Finished'],
      );
      assert.equal(attrs(vq2[2]).wait_time_when_up, 0);
    });

    it('Diyalog: open queue → queued; too long or closed → virtualQ callback booked and the customer told; refusal explained', async () => {
      const from = sims.virtualq.server.requests.length;
      const answers: unknown[] = [];
      const drive = async (inject: string): Promise<void> => {
        await g.press(DIYALOG, inject);
        const jobId = answers.length + 1; // the simulator numbers drive jobs 1, 2, ...
        let job: { done: boolean; result?: { status: number; json: unknown }; error?: string } = { done: false };
        await waitFor(
          async () => {
            const r = await fetch(`${sims.diyalog.url}/__sim/drive-result`, { method: 'POST', body: JSON.stringify({ jobId }) });
            if (r.status !== 200) return false;
            job = ((await r.json()) as { result: typeof job }).result;
            return job.done;
          },
          10000,
          `drive job ${jobId}`,
        );
        assert.equal(job.error, undefined);
        assert.equal(job.result?.status, 200);
        answers.push(job.result?.json);
      };
      for (let i = 0; i < 3; i++) await drive('Diyalog: a customer asks for Loans');
      await drive('Diyalog: a customer asks for Cards');
      await drive('Diyalog: a customer asks for Loans');

      const ok = answers.slice(0, 2) as Array<{ success: boolean; errorMessage: null; result: { interactionId: string } }>;
      for (const a of ok) {
        assert.equal(a.success, true);
        assert.match(a.result.interactionId, /^NR-\d+$/);
      }
      assert.notEqual(ok[0].result.interactionId, ok[1].result.interactionId);
      const told = answers.slice(2) as Array<{ success: boolean; errorMessage: string; result: null }>;
      assert.deepEqual(
        told.map((a) => a.success),
        [false, false, false],
      );
      assert.match(told[0].errorMessage, /^The Loans queue is busy: we will call you back at \+4915120000031 in about \d+ minutes\.$/);
      assert.match(told[1].errorMessage, /^The Cards queue is closed: we will call you back at \+4915120000032 in about \d+ minutes\.$/);
      assert.match(told[2].errorMessage, /^The Loans queue is not available and no callback could be booked: .*already lined up/);

      const vq = vqSince(from);
      assert.deepEqual(
        vq.map((r) => [r.method, r.path]),
        [
          ['POST', '/api/v2/waiters'],
          ['POST', '/api/v2/waiters'],
          ['POST', '/api/v2/waiters'],
        ],
      );
      assert.deepEqual(attrs(vq[0]), {
        line_id: 420,
        phone: '+4915120000031',
        channel: 'CallBack',
        source: 'App',
        properties: { customerId: 'CUS-3001', queue: 'Loans' },
      });
      assert.deepEqual(attrs(vq[1]).properties, { customerId: 'CUS-3002', queue: 'Cards' });
      assert.equal(waiter(420, '+4915120000031')?.state, 'Waiting');
      assert.equal(waiter(420, '+4915120000032')?.state, 'Waiting');
    });

    it('Ameyo: due callbacks dialled; the one who answers is connected + transferred, the one who does not is deferred', async () => {
      const answers = '+4915120000041';
      const silent = '+4915120000402';
      const from = sims.virtualq.server.requests.length;
      await g.press(AMEYO, '1. virtualQ: line up two callbacks');
      await waitFor(() => stateIs(420, answers, 'Waiting')() && stateIs(420, silent, 'Waiting')(), 10000, 'lined up');
      await g.press(AMEYO, '2. simulator: both are due');
      await waitFor(() => stateIs(420, answers, 'Notified')() && stateIs(420, silent, 'Notified')(), 10000, 'notified');
      const mid = sims.virtualq.server.requests.length;
      await g.press(AMEYO, '3. check for due callbacks');
      await waitFor(() => stateIs(420, answers, 'Finished')() && waiter(420, silent)?.serviceState === 'Deferred', 10000, 'dialled');

      // The two callers are lined up, dialled and reported concurrently: compared per caller.
      const dialled = sims.ameyo.calls
        .map((c) => [c.campaignId, c.userId, c.phone, c.additionalParams])
        .sort((a, b) => String(a[2]).localeCompare(String(b[2])));
      assert.deepEqual(dialled, [
        ['14', 'ravi.k', answers, { virtualQCallerId: String(waiter(420, answers)?.id) }],
        ['14', 'ravi.k', silent, { virtualQCallerId: String(waiter(420, silent)?.id) }],
      ]);
      assert.equal(waiter(420, silent)?.state, 'Waiting');
      const vq = vqSince(from);
      assert.deepEqual(
        vq
          .slice(0, 2)
          .map((r) => [r.method, attrs(r).phone, attrs(r).channel])
          .sort(),
        [
          ['POST', answers, 'CallBack'],
          ['POST', silent, 'CallBack'],
        ],
      );
      const after = vqSince(mid);
      assert.deepEqual(brief(after[0]), { method: 'GET', path: '/api/v2/waiters', query: 'call_center_id=12&line_id=420&active=true', body: undefined });
      const byPhone = (p: string) => after.filter((r) => r.method === 'PUT' && attrs(r).phone === p).map(attrs);
      assert.deepEqual(byPhone(answers), [
        { line_id: 420, phone: answers, service_waiter_state: 'Connected' },
        { line_id: 420, phone: answers, service_waiter_state: 'Finished', wait_time_when_up: 0, agent_id: 'ravi.k' },
      ]);
      assert.deepEqual(byPhone(silent), [{ line_id: 420, phone: silent, service_waiter_state: 'Deferred' }]);
      assert.equal(after.length, 4);

      // Nothing is due any more: the next check dials nobody.
      const again = sims.virtualq.server.requests.length;
      await g.press(AMEYO, '3. check for due callbacks');
      await waitFor(() => vqSince(again).length === 1, 10000, 'second check');
      await sleep(500);
      assert.equal(sims.ameyo.calls.length, 2);
      assert.equal(vqSince(again).length, 1);
    });
  });
}
