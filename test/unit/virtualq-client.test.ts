/**
 * The virtualQ client against the simulator, over the wire: line-up and the caller operations,
 * what each sends (method, path, query encoding, headers, envelope, casing) and what it makes of
 * the answer. Set-up in virtualq-client-support.ts.
 */
import * as assert from 'node:assert/strict';
import type { VirtualQSimulator } from '../../simulators/virtualq';
import { VirtualQClient, type Caller } from '../../lib/virtualq';
import { CALLER_KEYS, PHONE, assertHeaders, rejects, virtualqClientHarness } from './virtualq-client-support';

describe('virtualQ client', function () {
  let sim: VirtualQSimulator;
  let client: VirtualQClient;
  const { reqs, last, bodyOf, lineUp } = virtualqClientHarness(this, (s, c) => ([sim, client] = [s, c]));

  describe('lineUp', () => {
    it('POSTs a JSON:API envelope with snake_case attributes and answers the caller', async () => {
      const { result, vendor } = await lineUp({
        phone: '+49 (151) 1234-5678',
        lang: 'de',
        skills: ['billing'],
        properties: { crmId: 'C-991', 'dashed-key': 1 },
      });
      const r = last();
      assert.equal(r.method, 'POST');
      assert.equal(r.path, '/api/v2/waiters');
      assert.equal(r.rawQuery, '');
      assertHeaders(r, true);
      assert.deepEqual(bodyOf(r), {
        data: {
          type: 'waiters',
          attributes: {
            line_id: 418,
            phone: PHONE,
            channel: 'CallBack',
            source: 'Phone',
            lang: 'de',
            skills: ['billing'],
            properties: { crmId: 'C-991', 'dashed-key': 1 },
          },
        },
      });
      assert.deepEqual(Object.keys(result).sort(), [...CALLER_KEYS].sort());
      assert.equal(result.id, 70001);
      assert.equal(result.lineId, 418);
      assert.equal(result.lineName, 'Hotline DE');
      assert.equal(result.phone, PHONE);
      assert.equal(result.channel, 'CallBack');
      assert.equal(result.source, 'Phone');
      assert.equal(result.ewt, 300);
      assert.equal(result.waitTime, 0);
      assert.equal(result.state, 'Waiting');
      assert.deepEqual(result.skills, ['billing']);
      assert.deepEqual(result.properties, { crmId: 'C-991', 'dashed-key': 1 }, 'properties are kept verbatim');
      assert.match(String(result.createdAt), /Z$/);
      assert.equal(result.connectedAt, null);
      assert.equal(result.notifiedAt, null);
      assert.equal(typeof result.estimatedUpTimeAt, 'string');
      assert.equal(vendor.status, 201);
      assert.equal(vendor.headers['content-type'], 'application/vnd.api+json; charset=utf-8');
      assert.equal((vendor.body as { data: { id: string } }).data.id, '70001');
    });
    it('leaves unset optional attributes out (no nulls) and accepts a digit-string line id', async () => {
      await lineUp({ lineId: '418', channel: 'CallIn', source: 'Widget' });
      assert.deepEqual(bodyOf(last()), { data: { type: 'waiters', attributes: { line_id: 418, phone: PHONE, channel: 'CallIn', source: 'Widget' } } });
    });
    it('maps an unknown line to NOT_FOUND and a server refusal (422) to VENDOR_ERROR with its detail', async () => {
      const nf = await rejects(lineUp({ lineId: 9999 }));
      assert.equal(nf.code, 'NOT_FOUND');
      assert.equal(nf.status, 404);
      assert.match(nf.message, /^virtualQ lineUp: virtualQ answered HTTP 404 Not Found: Not found: Line 9999 not found$/);
      const inactive = await rejects(lineUp({ lineId: 419 }));
      assert.equal(inactive.code, 'VENDOR_ERROR');
      assert.match(inactive.message, /HTTP 422 .*Line 419 is not active/);
      assert.equal(inactive.detail, 'Unprocessable entity: Line 419 is not active');
      assert.equal(inactive.answer?.status, 422);
    });
    it('never repeats a line-up that may have reached the server (503, dropped connection)', async () => {
      sim.server.addFault({ path: '/api/v2/waiters', status: 503, times: 3 });
      const e = await rejects(lineUp());
      assert.equal(e.code, 'VENDOR_ERROR');
      assert.match(e.message, /HTTP 503 Service Unavailable/);
      assert.equal(reqs().length, 1);
      sim.server.clearFaults();
      sim.server.addFault({ path: '/api/v2/waiters', drop: true, times: 3 });
      assert.equal((await rejects(lineUp())).code, 'NETWORK');
      assert.equal(reqs().length, 2);
      assert.equal(sim.state.waiters.size, 0);
    });
    it('outputs the caller from the request when a 2xx line-up answer carries no waiter (never an error)', async () => {
      sim.server.addFault({ path: '/api/v2/waiters', status: 201, body: '', times: 1 });
      const { result, vendor } = await lineUp({ skills: ['x'] });
      assert.equal(vendor.status, 201);
      assert.deepEqual(result, {
        id: null,
        lineId: 418,
        lineName: null,
        phone: PHONE,
        channel: 'CallBack',
        source: 'Phone',
        ewt: null,
        waitTime: null,
        state: null,
        skills: ['x'],
        properties: null,
        createdAt: null,
        updatedAt: null,
        connectedAt: null,
        notifiedAt: null,
        estimatedUpTimeAt: null,
      });
    });
    it('repeats a line-up the server refused unprocessed with 429 (Retry-After honoured)', async () => {
      sim.setRateLimit({ retryAfter: 0, times: 1 });
      const { result } = await lineUp();
      assert.equal(result.state, 'Waiting');
      assert.equal(reqs().length, 2);
      assert.equal(sim.state.waiters.size, 1);
    });
  });

  describe('callers', () => {
    beforeEach(async () => {
      await lineUp({ skills: ['billing'] });
      sim.server.clearRequests();
    });

    it('verify: GET with the phone percent-encoded; not up while waiting, up once notified', async () => {
      const down = await client.verify({ lineId: 418, phone: PHONE });
      assert.deepEqual(down.result, { up: false, caller: null });
      const r = last();
      assert.equal(r.method, 'GET');
      assert.equal(r.path, '/api/v2/waiters');
      assert.equal(r.rawQuery, 'currently_up=true&phone=%2B4915112345678&line_id=418');
      assertHeaders(r, false);
      sim.notify({ lineId: 418, phone: PHONE });
      const up = await client.verify({ lineId: '418', phone: '+49 151 12345678' });
      assert.equal(up.result.up, true);
      assert.equal(up.result.caller?.state, 'Notified');
      assert.equal(up.result.caller?.id, 70001);
      assert.equal(typeof up.result.caller?.notifiedAt, 'string');
    });
    it('verify, get and listWaiting read a 404 on the filtered list as "no such caller"', async () => {
      sim.switches.notFoundOnEmpty = true;
      const v = await client.verify({ lineId: 418, phone: PHONE });
      assert.deepEqual(v.result, { up: false, caller: null });
      assert.equal(v.vendor.status, 404);
      assert.equal((await client.get({ lineId: 418, phone: '+4915100000000' })).result, null);
      assert.deepEqual((await client.listWaiting({ callCenterId: 13 })).result, []);
    });
    it('get: the active caller, or null', async () => {
      const { result } = await client.get({ lineId: 418, phone: PHONE });
      assert.equal(last().rawQuery, 'active=true&phone=%2B4915112345678&line_id=418');
      assert.equal((result as Caller).state, 'Waiting');
      assert.deepEqual((result as Caller).skills, ['billing']);
      assert.equal((await client.get({ lineId: 420, phone: PHONE })).result, null);
    });
    it('notifyConnected: PUT waiters/0 addressed by line_id + phone', async () => {
      const { result } = await client.notifyConnected({ lineId: 418, phone: PHONE });
      const r = last();
      assert.equal(r.method, 'PUT');
      assert.equal(r.path, '/api/v2/waiters/0');
      assertHeaders(r, true);
      assert.deepEqual(bodyOf(r), { data: { type: 'waiters', attributes: { line_id: 418, phone: PHONE, service_waiter_state: 'Connected' } } });
      assert.equal((result as Caller).state, 'Connected');
      assert.equal(typeof (result as Caller).connectedAt, 'string');
    });
    it('notifyTransferred: Finished with wait time and agent; {ok:true} when the server returns no body', async () => {
      const { result } = await client.notifyTransferred({ lineId: 418, phone: PHONE, waitTimeWhenUp: '35', agentId: 17 });
      assert.deepEqual(bodyOf(last()), {
        data: { type: 'waiters', attributes: { line_id: 418, phone: PHONE, service_waiter_state: 'Finished', wait_time_when_up: 35, agent_id: '17' } },
      });
      assert.equal((result as Caller).state, 'Finished');
      await lineUp({ phone: '+4915199999999' });
      sim.switches.writeResponses = 'empty';
      const empty = await client.notifyTransferred({ lineId: 418, phone: '+4915199999999' });
      assert.deepEqual(empty.result, { ok: true });
      assert.equal(empty.vendor.status, 204);
      assert.equal(empty.vendor.body, null);
    });
    it('update: any of the fields, snake_case, only the given ones', async () => {
      const { result } = await client.update({
        lineId: 418,
        phone: PHONE,
        serviceState: 'Deferred',
        ewt: 240,
        talkTime: 0,
        skills: ['vip'],
        properties: { snake_key: { 'a-b': 1 } },
      });
      assert.deepEqual(bodyOf(last()), {
        data: {
          type: 'waiters',
          attributes: {
            line_id: 418,
            phone: PHONE,
            skills: ['vip'],
            properties: { snake_key: { 'a-b': 1 } },
            service_waiter_ewt: 240,
            service_waiter_state: 'Deferred',
            talk_time: 0,
          },
        },
      });
      const c = result as Caller;
      assert.equal(c.ewt, 240);
      assert.equal(c.state, 'Waiting');
      assert.deepEqual(c.properties, { snake_key: { 'a-b': 1 } });
    });
    it('the PUTs map an unknown waiter to NOT_FOUND with the vendor detail and msg.vendor', async () => {
      const e = await rejects(client.notifyConnected({ lineId: 418, phone: '+4915100000000' }));
      assert.equal(e.code, 'NOT_FOUND');
      assert.match(e.message, /Not found: No active waiter with this phone on line 418/);
      assert.equal(e.answer?.status, 404);
      assert.deepEqual((e.answer?.body as { errors: Array<{ code: string }> }).errors[0].code, 'not-found');
    });
    it('listWaiting: the active callers of a call center, optionally of one line', async () => {
      await lineUp({ lineId: 420, phone: '+4915122222222' });
      const all = await client.listWaiting({ callCenterId: 12 });
      assert.equal(last().rawQuery, 'call_center_id=12&active=true');
      assert.deepEqual(
        all.result.map((c) => [c.id, c.lineId, c.lineName]),
        [
          [70001, 418, 'Hotline DE'],
          [70002, 420, 'Business Line'],
        ],
      );
      const one = await client.listWaiting({ callCenterId: '12', lineId: 420 });
      assert.equal(last().rawQuery, 'call_center_id=12&line_id=420&active=true');
      assert.equal(one.result.length, 1);
    });
    it('dispatches the node operations by name and refuses others', async () => {
      const { result } = await client.caller('get', { lineId: 418, phone: PHONE });
      assert.equal((result as Caller).id, 70001);
      assert.equal((await rejects(client.caller('delete', {}))).code, 'INVALID_INPUT');
    });
  });
});
