/**
 * The virtualQ simulator (docs/vendors/virtualq.md): the caller life cycle over plain HTTP.
 * Set-up in sim-virtualq-support.ts.
 */
import * as assert from 'node:assert/strict';
import type { VirtualQSimulator } from '../../simulators/virtualq';
import { PHONE, virtualqSimHooks } from './sim-virtualq-support';

describe('virtualQ simulator', function () {
  let sim: VirtualQSimulator;
  const { call, control, waiterDoc, lineUpDoc, data, list, error0 } = virtualqSimHooks(this, (x) => (sim = x));

  describe('caller life cycle', () => {
    let id: string;
    beforeEach(async () => {
      id = data(await call('POST', '/api/v2/waiters', lineUpDoc())).id;
    });

    it('verify: not up while Waiting, up once notified (over HTTP), with %2B decoded', async () => {
      const q = `/api/v2/waiters?currently_up=true&phone=${encodeURIComponent(PHONE)}&line_id=418`;
      assert.deepEqual(list(await call('GET', q)), []);
      const n = await control('notify', { lineId: 418, phone: PHONE });
      assert.equal(n.status, 200);
      const up = list(await call('GET', q));
      assert.equal(up.length, 1);
      assert.equal(up[0].id, id);
      assert.equal(up[0].attributes['virtualq-waiter-state'], 'Notified');
      assert.notEqual(up[0].attributes['notified-at'], null);
      assert.equal(sim.server.requestsTo('/api/v2/waiters', 'GET')[0].rawQuery.includes('%2B49'), true);
    });
    it('reads an unencoded + (arriving as a space) as a leading +', async () => {
      sim.notify({ id });
      const a = await call('GET', `/api/v2/waiters?currently_up=true&phone=+4915112345678&line_id=418`);
      assert.equal(list(a).length, 1);
    });
    it('get (active=true) finds the waiter; other phones and lines find nothing', async () => {
      assert.equal(list(await call('GET', `/api/v2/waiters?active=true&phone=%2B4915112345678&line_id=418`))[0].id, id);
      assert.deepEqual(list(await call('GET', `/api/v2/waiters?active=true&phone=%2B4915100000000&line_id=418`)), []);
      assert.deepEqual(list(await call('GET', `/api/v2/waiters?active=true&phone=%2B4915112345678&line_id=420`)), []);
    });
    it('answers an empty filtered list with 404 not-found when switched (older servers)', async () => {
      await control('switches', { notFoundOnEmpty: true });
      const a = await call('GET', `/api/v2/waiters?currently_up=true&phone=%2B4915112345678&line_id=418`);
      assert.equal(a.status, 404);
      assert.deepEqual(error0(a), { status: '404', code: 'not-found', title: 'Not found', detail: 'No waiters found' });
      assert.equal((await call('GET', `/api/v2/waiters?active=true&phone=%2B4915112345678&line_id=418`)).status, 200);
    });
    it('PUT waiters/0 Connected, then Finished with wait time and agent; then the waiter is gone', async () => {
      sim.notify({ id });
      const c = await call('PUT', '/api/v2/waiters/0', waiterDoc({ line_id: 418, phone: PHONE, service_waiter_state: 'Connected' }));
      assert.equal(c.status, 200);
      assert.equal(data(c).id, id);
      assert.equal(data(c).attributes['virtualq-waiter-state'], 'Connected');
      assert.notEqual(data(c).attributes['connected-at'], null);
      const f = await call(
        'PUT',
        '/api/v2/waiters/0',
        waiterDoc({ line_id: 418, phone: PHONE, service_waiter_state: 'Finished', wait_time_when_up: 35, agent_id: 'A-17' }),
      );
      assert.equal(f.status, 200);
      assert.equal(data(f).attributes['virtualq-waiter-state'], 'Finished');
      assert.equal(data(f).attributes['wait-time-when-up'], 35);
      assert.equal(data(f).attributes['agent-id'], 'A-17');
      const again = await call('PUT', '/api/v2/waiters/0', waiterDoc({ line_id: 418, phone: PHONE, service_waiter_state: 'Connected' }));
      assert.equal(again.status, 404);
      assert.equal(error0(again).code, 'not-found');
      assert.deepEqual(list(await call('GET', `/api/v2/waiters?active=true&phone=%2B4915112345678&line_id=418`)), []);
    });
    it('computes wait_time_when_up itself when the caller was connected first', async () => {
      await control('advanceClock', { seconds: 90 });
      await call('PUT', '/api/v2/waiters/0', waiterDoc({ line_id: 418, phone: PHONE, service_waiter_state: 'Connected' }));
      const f = await call('PUT', '/api/v2/waiters/0', waiterDoc({ line_id: 418, phone: PHONE, service_waiter_state: 'Finished' }));
      assert.equal(data(f).attributes['wait-time-when-up'], 90);
      assert.equal(data(f).attributes['wait-time'], 90);
    });
    it('update: Deferred with a new EWT keeps the caller waiting; skills and properties replaced', async () => {
      const u = await call(
        'PUT',
        '/api/v2/waiters/0',
        waiterDoc({
          line_id: 418,
          phone: PHONE,
          service_waiter_state: 'Deferred',
          service_waiter_ewt: 240,
          talk_time: 12,
          skills: ['x'],
          properties: { a: 1 },
        }),
      );
      const at = data(u).attributes;
      assert.equal(at['virtualq-waiter-state'], 'Waiting');
      assert.equal(at['service-waiter-state'], 'Deferred');
      assert.equal(at.ewt, 240);
      assert.equal(at['talk-time'], 12);
      assert.deepEqual(at.skills, ['x']);
      assert.deepEqual(at.properties, { a: 1 });
    });
    it('update: 422 for an unknown service state or a non-integer time, 404 for an unknown waiter', async () => {
      const bad = await call('PUT', '/api/v2/waiters/0', waiterDoc({ line_id: 418, phone: PHONE, service_waiter_state: 'Sleeping' }));
      assert.equal(bad.status, 422);
      assert.deepEqual(error0(bad).source, { pointer: '/data/attributes/service_waiter_state' });
      assert.equal((await call('PUT', '/api/v2/waiters/0', waiterDoc({ line_id: 418, phone: PHONE, talk_time: 'long' }))).status, 422);
      assert.equal((await call('PUT', '/api/v2/waiters/0', waiterDoc({ line_id: 418, phone: '+4915100000000', talk_time: 1 }))).status, 404);
      assert.equal((await call('PUT', '/api/v2/waiters/0', waiterDoc({ phone: PHONE }))).status, 422);
    });
    it('answers the PUTs with 204 and no body when switched', async () => {
      await control('switches', { writeResponses: 'empty' });
      const a = await call('PUT', '/api/v2/waiters/0', waiterDoc({ line_id: 418, phone: PHONE, service_waiter_state: 'Connected' }));
      assert.equal(a.status, 204);
      assert.equal(a.text, '');
      assert.equal(sim.state.waiters.get(Number(id))?.state, 'Connected');
    });
    it('TimeOut (scripted over HTTP) ends the active life', async () => {
      const r = await control('setWaiterState', { id, state: 'TimeOut' });
      assert.equal(r.status, 200);
      assert.equal((await control('setWaiterState', { id, state: 'Bogus' })).status, 400);
      const w = list(await call('GET', `/api/v2/waiters?active=false&line_id=418`));
      assert.equal(w[0].attributes['virtualq-waiter-state'], 'TimeOut');
    });
    it('listWaiting: active waiters of a call center, optionally of one line', async () => {
      await call('POST', '/api/v2/waiters', lineUpDoc({ line_id: 420, phone: '+4915122222222' }));
      await call('POST', '/api/v2/waiters', lineUpDoc({ line_id: 501, phone: '+4915133333333' }));
      const all = list(await call('GET', '/api/v2/waiters?call_center_id=12&active=true'));
      assert.deepEqual(
        all.map((w) => (w.attributes.line as { id: number }).id),
        [418, 420],
      );
      const one = list(await call('GET', '/api/v2/waiters?call_center_id=12&line_id=420&active=true'));
      assert.equal(one.length, 1);
      await control('switches', { notFoundOnEmpty: true });
      assert.equal((await call('GET', '/api/v2/waiters?call_center_id=99&active=true')).status, 404);
    });
    it('moves the queue on: when the first caller is notified the next one gets the shorter EWT; Deferred re-queues', async () => {
      const second = data(await call('POST', '/api/v2/waiters', lineUpDoc({ phone: '+4915199999999' })));
      assert.equal(second.attributes.ewt, 345);
      sim.notify({ id });
      const get = (p: string) => call('GET', `/api/v2/waiters?active=true&phone=${encodeURIComponent(p)}&line_id=418`);
      assert.equal(list(await get('+4915199999999'))[0].attributes.ewt, 300);
      const back = await call('PUT', '/api/v2/waiters/0', waiterDoc({ line_id: 418, phone: PHONE, service_waiter_state: 'Deferred', service_waiter_ewt: 600 }));
      assert.equal(data(back).attributes['virtualq-waiter-state'], 'Waiting');
      assert.equal(data(back).attributes.ewt, 600);
      const line = data(await call('GET', '/api/v2/lines/418'));
      assert.equal((line.attributes['line-group'] as { virtualq_waiters_count: number }).virtualq_waiters_count, 2);
    });
    it('moves callers on by itself: Notified at the estimated up time, TimeOut when they do not call in', async () => {
      const q = `/api/v2/waiters?currently_up=true&phone=%2B4915112345678&line_id=418`;
      await control('advanceClock', { seconds: 299 });
      assert.deepEqual(list(await call('GET', q)), []);
      await control('advanceClock', { seconds: 1 });
      const up = list(await call('GET', q));
      assert.equal(up[0].attributes['virtualq-waiter-state'], 'Notified');
      assert.equal(up[0].attributes['notified-at'], up[0].attributes['estimated-up-time-at']);
      await control('advanceClock', { seconds: 300 });
      const gone = list(await call('GET', `/api/v2/waiters?active=false&line_id=418`));
      assert.equal(gone[0].attributes['virtualq-waiter-state'], 'TimeOut');
      assert.equal((await call('PUT', '/api/v2/waiters/0', waiterDoc({ line_id: 418, phone: PHONE, service_waiter_state: 'Connected' }))).status, 404);
    });
    it('a Deferred caller rejoins the queue: the estimated up time counts from then; the switch turns it all off', async () => {
      await control('advanceClock', { seconds: 200 });
      const d = await call('PUT', '/api/v2/waiters/0', waiterDoc({ line_id: 418, phone: PHONE, service_waiter_state: 'Deferred', service_waiter_ewt: 60 }));
      const at = data(d).attributes;
      assert.equal(Date.parse(String(at['estimated-up-time-at'])) - Date.parse(String(at['updated-at'])), 60_000);
      await control('switches', { autoLifeCycle: false });
      await control('advanceClock', { seconds: 3600 });
      assert.equal(list(await call('GET', `/api/v2/waiters?active=true&line_id=418`))[0].attributes['virtualq-waiter-state'], 'Waiting');
      await control('switches', { autoLifeCycle: true });
      await control('advanceClock', { seconds: 0 });
      assert.equal(list(await call('GET', `/api/v2/waiters?currently_up=true&line_id=418`)).length, 1);
    });
    it('wait-time grows with the (scripted) clock', async () => {
      await control('advanceClock', { seconds: 30 });
      const a = list(await call('GET', `/api/v2/waiters?active=true&phone=%2B4915112345678&line_id=418`));
      assert.equal(a[0].attributes['wait-time'], 30);
    });
  });
});
