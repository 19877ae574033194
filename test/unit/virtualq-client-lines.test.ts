/**
 * The virtualQ client against the simulator, over the wire: lines and line groups, and answers in
 * other key casings. Set-up in virtualq-client-support.ts.
 */
import * as assert from 'node:assert/strict';
import type { VirtualQSimulator } from '../../simulators/virtualq';
import { VirtualQClient, apiBase, camelise, toCaller, type Caller } from '../../lib/virtualq';
import { PHONE, assertHeaders, rejects, virtualqClientHarness } from './virtualq-client-support';

describe('virtualQ client', function () {
  let sim: VirtualQSimulator;
  let client: VirtualQClient;
  const { last, bodyOf } = virtualqClientHarness(this, (s, c) => ([sim, client] = [s, c]));

  describe('lines and line groups', () => {
    it('isActive: GET lines/<id>?check_active=true → {active, line} in camelCase', async () => {
      const { result } = await client.isActive({ lineId: 418 });
      assert.equal(last().path, '/api/v2/lines/418');
      assert.equal(last().rawQuery, 'check_active=true');
      assert.equal(result.active, true);
      assert.equal(result.line.id, 418);
      assert.equal(result.line.name, 'Hotline DE');
      assert.equal(result.line.virtualqLineState, 'active');
      assert.equal(result.line.servicePhoneNumber, '+4930123456');
      assert.deepEqual(result.line.lineGroup, {
        id: 77,
        name: 'Consumer',
        allowCallback: true,
        allowSms: false,
        serviceWaitersCount: 4,
        virtualqEwt: 300,
        virtualqWaitersCount: 0,
      });
      assert.equal((await client.isActive({ lineId: 419 })).result.active, false);
      sim.state.lines.get(419)!.state = 'ACTIVE';
      assert.equal((await client.isActive({ lineId: 419 })).result.active, true, 'compared ignoring case');
    });
    it('isActive: an unknown line is NOT_FOUND (not an empty answer)', async () => {
      sim.switches.notFoundOnEmpty = true;
      const e = await rejects(client.isActive({ lineId: 9999 }));
      assert.equal(e.code, 'NOT_FOUND');
    });
    it('callOffered: POST lines/<id>/log_call_offered with a lines envelope → {ok:true}', async () => {
      const { result } = await client.callOffered({ lineId: '418' });
      const r = last();
      assert.equal(r.method, 'POST');
      assert.equal(r.path, '/api/v2/lines/418/log_call_offered');
      assertHeaders(r, true);
      assert.deepEqual(bodyOf(r), { data: { type: 'lines', attributes: { line_id: 418 } } });
      assert.deepEqual(result, { ok: true });
      assert.equal(sim.state.lines.get(418)?.callsOffered, 1);
      assert.equal((await rejects(client.callOffered({ lineId: 9999 }))).code, 'NOT_FOUND');
    });
    it('list lines: query values encoded; 404 → []', async () => {
      const { result } = await client.listLines({ callCenterId: 12, lineGroupId: 77, query: 'hotline en' });
      assert.equal(last().rawQuery, 'call_center_id=12&line_group_id=77&q=hotline%20en');
      assert.deepEqual(
        result.map((l) => [l.id, l.name, l.virtualqLineState]),
        [[419, 'Hotline EN', 'inactive']],
      );
      sim.switches.notFoundOnEmpty = true;
      assert.deepEqual((await client.listLines({ callCenterId: 12, query: 'a&b=c' })).result, []);
      assert.equal(last().rawQuery, 'call_center_id=12&q=a%26b%3Dc');
    });
    it('line-group update: PUT line_groups/<id> with the given service_* figures → {ok:true}', async () => {
      const { result, vendor } = await client.updateLineGroup({
        lineGroupId: 77,
        ewt: 300,
        agentsCount: '6',
        idleAgentsCount: 1,
        averageTalkTime: 210,
        waitersCount: 9,
        open: true,
        agentList: ['A-17', 'A-22'],
        callsPerHour: 48,
      });
      const r = last();
      assert.equal(r.method, 'PUT');
      assert.equal(r.path, '/api/v2/line_groups/77');
      assertHeaders(r, true);
      assert.deepEqual(bodyOf(r), {
        data: {
          type: 'line_groups',
          attributes: {
            service_ewt: 300,
            service_agents_count: 6,
            service_idle_agents_count: 1,
            service_average_talk_time: 210,
            service_waiters_count: 9,
            service_open: true,
            service_agent_list: ['A-17', 'A-22'],
            service_calls_per_hour: 48,
          },
        },
      });
      assert.deepEqual(result, { ok: true });
      assert.equal(vendor.status, 200);
      await client.updateLineGroup({ lineGroupId: 77, open: false });
      assert.deepEqual(bodyOf(last()), { data: { type: 'line_groups', attributes: { service_open: false } } });
      assert.equal((await rejects(client.updateLineGroup({ lineGroupId: 9999, ewt: 1 }))).code, 'NOT_FOUND');
    });
    it('line-group list: camelCase, nested call center too; 404 → []', async () => {
      const { result } = await client.listLineGroups({ callCenterId: 12 });
      assert.equal(last().rawQuery, 'call_center_id=12');
      const g = result[0];
      assert.equal(g.id, 77);
      assert.equal(g.name, 'Consumer');
      assert.equal(g.allowCallback, true);
      assert.equal(g.allowSms, false);
      assert.equal(g.virtualqWaitersCount, 0);
      assert.deepEqual(g.callCenter, { id: 12, name: 'Berlin', callCenterOpen: true, virtualqActive: true });
      assert.ok(Object.keys(g).every((k) => !/[-_]/.test(k)));
      sim.switches.notFoundOnEmpty = true;
      assert.deepEqual((await client.listLineGroups({ callCenterId: 99 })).result, []);
    });
  });

  describe('answers in other key casings', () => {
    it('reads underscored and camel attribute keys the same as dashed ones', async () => {
      const underscored = {
        data: [
          {
            id: '5',
            type: 'waiters',
            attributes: {
              phone: PHONE,
              virtualq_waiter_state: 'TimeOut',
              waiting_time_in_seconds: 61,
              line_id: '418',
              created_at: 't1',
              properties: { a_b: 1 },
            },
          },
        ],
      };
      sim.server.addFault({
        path: '/api/v2/waiters',
        status: 200,
        body: JSON.stringify(underscored),
        headers: { 'content-type': 'application/vnd.api+json' },
        times: 1,
      });
      const { result } = await client.get({ lineId: 418, phone: PHONE });
      const c = result as Caller;
      assert.equal(c.id, 5);
      assert.equal(c.lineId, 418);
      assert.equal(c.state, 'TimeOut');
      assert.equal(c.waitTime, 61);
      assert.equal(c.createdAt, 't1');
      assert.deepEqual(c.properties, { a_b: 1 });
      const camel = toCaller({ id: 'w-1', attributes: { virtualqWaiterState: 'Notified', waitTime: 3, line: { id: 7, name: 'L' } } });
      assert.deepEqual([camel.id, camel.state, camel.waitTime, camel.lineId, camel.lineName, camel.phone], ['w-1', 'Notified', 3, 7, 'L', null]);
      assert.deepEqual(camelise({ 'a-b': { c_d: [{ 'e-f': 1 }] }, properties: { 'x-y': 1 } }), { aB: { cD: [{ eF: 1 }] }, properties: { 'x-y': 1 } });
    });
    it('appends /api/v2 to the URL unless it is already there', () => {
      assert.equal(apiBase('https://api.virtualq.io'), 'https://api.virtualq.io/api/v2');
      assert.equal(apiBase('https://api.virtualq.io/'), 'https://api.virtualq.io/api/v2');
      assert.equal(apiBase('https://x.test/api/v2/'), 'https://x.test/api/v2');
    });
  });
});
