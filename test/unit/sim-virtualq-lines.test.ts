/**
 * The virtualQ simulator (docs/vendors/virtualq.md): lines, line groups, its failure answers and
 * the scripting hooks. Set-up in sim-virtualq-support.ts.
 */
import * as assert from 'node:assert/strict';
import type { VirtualQSimulator } from '../../simulators/virtualq';
import { KEY, virtualqSimHooks } from './sim-virtualq-support';

describe('virtualQ simulator', function () {
  let sim: VirtualQSimulator;
  const { call, control, lineUpDoc, data, list, error0 } = virtualqSimHooks(this, (x) => (sim = x));

  describe('lines', () => {
    it('GET lines/418?check_active=true answers the line with its group', async () => {
      const a = await call('GET', '/api/v2/lines/418?check_active=true');
      assert.equal(a.status, 200);
      const d = data(a);
      assert.equal(d.id, '418');
      assert.equal(d.type, 'lines');
      assert.equal(d.attributes.name, 'Hotline DE');
      assert.equal(d.attributes['virtualq-line-state'], 'active');
      assert.equal(d.attributes['service-phone-number'], '+4930123456');
      assert.deepEqual(d.attributes['line-group'], {
        id: 77,
        name: 'Consumer',
        allow_callback: true,
        allow_sms: false,
        service_waiters_count: 4,
        virtualq_ewt: 300,
        virtualq_waiters_count: 0,
      });
      assert.equal(data(await call('GET', '/api/v2/lines/419')).attributes['virtualq-line-state'], 'inactive');
    });
    it('answers 404 not-found for an unknown line', async () => {
      const a = await call('GET', '/api/v2/lines/9999?check_active=true');
      assert.equal(a.status, 404);
      assert.equal(error0(a).code, 'not-found');
    });
    it('setLine over HTTP switches a line off', async () => {
      await control('setLine', { id: 418, state: 'inactive' });
      assert.equal(data(await call('GET', '/api/v2/lines/418')).attributes['virtualq-line-state'], 'inactive');
    });
    it('log_call_offered counts an offered call and answers 204', async () => {
      const a = await call('POST', '/api/v2/lines/418/log_call_offered', { data: { type: 'lines', attributes: { line_id: 418 } } });
      assert.equal(a.status, 204);
      assert.equal(sim.state.lines.get(418)?.callsOffered, 1);
      assert.equal((await call('POST', '/api/v2/lines/9999/log_call_offered', { data: { type: 'lines', attributes: { line_id: 9999 } } })).status, 404);
    });
    it('lists lines by call center, line group and query', async () => {
      const ids = async (q: string) => list(await call('GET', `/api/v2/lines?${q}`)).map((l) => l.id);
      assert.deepEqual(await ids('call_center_id=12'), ['418', '419', '420']);
      assert.deepEqual(await ids('call_center_id=12&line_group_id=77'), ['418', '419']);
      assert.deepEqual(await ids('call_center_id=12&line_group_id=77&q=hotline%20en'), ['419']);
      assert.deepEqual(await ids('call_center_id=12&q=nothing'), []);
      await control('switches', { notFoundOnEmpty: true });
      assert.equal((await call('GET', '/api/v2/lines?call_center_id=12&q=nothing')).status, 404);
    });
  });

  describe('line groups', () => {
    it('PUT line_groups/77 stores the figures and moves the EWT', async () => {
      const body = {
        data: {
          type: 'line_groups',
          attributes: {
            service_ewt: 100,
            service_agents_count: 6,
            service_idle_agents_count: 1,
            service_average_talk_time: 210,
            service_waiters_count: 9,
            service_open: true,
            service_agent_list: ['A-17', 'A-22'],
            service_calls_per_hour: 48,
          },
        },
      };
      const a = await call('PUT', '/api/v2/line_groups/77', body);
      assert.equal(a.status, 200);
      assert.equal(data(a).id, '77');
      assert.equal(data(a).type, 'line_groups');
      assert.equal(data(a).attributes['service-waiters-count'], 9);
      const s = sim.state.lineGroups.get(77)?.service;
      assert.deepEqual(s, {
        ewt: 100,
        agentsCount: 6,
        idleAgentsCount: 1,
        averageTalkTime: 210,
        waitersCount: 9,
        open: true,
        agentList: ['A-17', 'A-22'],
        callsPerHour: 48,
      });
      await call('POST', '/api/v2/waiters', lineUpDoc());
      const b = await call('POST', '/api/v2/waiters', lineUpDoc({ phone: '+4915199999999' }));
      assert.equal(data(b).attributes.ewt, 100 + 35);
    });
    it('refuses bad figures (422), an unknown group (404) and a wrong type (409)', async () => {
      const doc = (a: Record<string, unknown>) => ({ data: { type: 'line_groups', attributes: a } });
      assert.equal((await call('PUT', '/api/v2/line_groups/77', doc({ service_open: 'yes' }))).status, 422);
      assert.equal((await call('PUT', '/api/v2/line_groups/77', doc({ service_ewt: 1.5 }))).status, 422);
      assert.equal((await call('PUT', '/api/v2/line_groups/9999', doc({ service_ewt: 1 }))).status, 404);
      assert.equal((await call('PUT', '/api/v2/line_groups/77', { data: { type: 'waiters', attributes: {} } })).status, 409);
    });
    it('lists the line groups of a call center with the nested call center', async () => {
      const a = list(await call('GET', '/api/v2/line_groups?call_center_id=12'));
      assert.deepEqual(
        a.map((g) => g.id),
        ['77', '78'],
      );
      assert.equal(a[0].attributes.name, 'Consumer');
      assert.equal(a[0].attributes['allow-callback'], true);
      assert.equal(a[0].attributes['allow-sms'], false);
      assert.equal(a[0].attributes['virtualq-waiters-count'], 0);
      assert.deepEqual(a[0].attributes['call-center'], { id: 12, name: 'Berlin', call_center_open: true, virtualq_active: true });
      const u = list(await call('GET', '/api/v2/line_groups?call_center_id=12', undefined, { 'x-keys-format': 'underscore' }));
      assert.equal(u[0].attributes.allow_callback, true);
      assert.deepEqual(list(await call('GET', '/api/v2/line_groups?call_center_id=99')), []);
    });
  });

  describe('faults and scripting', () => {
    it('answers 429 with Retry-After and a JSON:API error while rate limiting is on', async () => {
      assert.equal((await control('rateLimit', { retryAfter: 2, times: 2 })).status, 200);
      for (let i = 0; i < 2; i++) {
        const a = await call('GET', '/api/v2/lines/418');
        assert.equal(a.status, 429);
        assert.equal(a.headers.get('retry-after'), '2');
        assert.equal(error0(a).status, '429');
      }
      assert.equal((await call('GET', '/api/v2/lines/418')).status, 200);
    });
    it('applies scripted faults from /__sim/faults (HTML 503, drop, delay)', async () => {
      await fetch(`${sim.url}/__sim/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          path: '/api/v2/waiters',
          status: 503,
          body: '<html>Service Unavailable</html>',
          headers: { 'content-type': 'text/html' },
          times: 1,
        }),
      });
      const a = await call('GET', '/api/v2/waiters?active=true');
      assert.equal(a.status, 503);
      assert.match(a.headers.get('content-type') ?? '', /text\/html/);
      assert.equal((await call('GET', '/api/v2/waiters?active=true')).status, 200);
      sim.server.addFault({ path: '/api/v2/lines', drop: true, times: 1 });
      await assert.rejects(call('GET', '/api/v2/lines/418'));
      sim.server.addFault({ path: '/api/v2/lines', delayMs: 150, times: 1 });
      const t0 = Date.now();
      assert.equal((await call('GET', '/api/v2/lines/418')).status, 200);
      assert.ok(Date.now() - t0 >= 140);
    });
    it('records every request with raw query and headers for tests in other processes', async () => {
      await call('GET', '/api/v2/waiters?currently_up=true&phone=%2B4915112345678&line_id=418');
      const r = (await (await fetch(`${sim.url}/__sim/requests`)).json()) as {
        count: number;
        requests: { rawQuery: string; headers: Record<string, string> }[];
      };
      assert.equal(r.count >= 1, true);
      const last = r.requests[r.requests.length - 1];
      assert.equal(last.rawQuery, 'currently_up=true&phone=%2B4915112345678&line_id=418');
      assert.equal(last.headers['x-api-key'], KEY);
    });
    it('answers 404 JSON:API for unknown routes and dumps / resets its world over HTTP', async () => {
      const a = await call('GET', '/api/v2/unknown');
      assert.equal(a.status, 404);
      assert.equal(error0(a).code, 'not-found');
      await call('POST', '/api/v2/waiters', lineUpDoc());
      const dump = await control('dump');
      assert.equal((dump.json.result as { waiters: unknown[] }).waiters.length, 1);
      await control('reset');
      assert.equal(sim.state.waiters.size, 0);
      await control('addLine', { id: 430, name: 'Extra', lineGroupId: 78 });
      assert.equal(data(await call('GET', '/api/v2/lines/430')).attributes.name, 'Extra');
      assert.equal((await control('notify', { id: 1 })).status, 400);
    });
  });
});
