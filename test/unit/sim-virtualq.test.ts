/**
 * The virtualQ simulator speaks docs/vendors/virtualq.md: plain HTTP requests in,
 * JSON:API answers out, including its failure answers and the scripting hooks.
 */
import * as assert from 'node:assert/strict';
import { start, DEFAULT_API_KEY, type VirtualQSimulator } from '../../simulators/virtualq';
import { startSimulator } from '../../simulators/registry';

const KEY = DEFAULT_API_KEY;
const PHONE = '+4915112345678';

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

type Item = { id: string; type: string; attributes: Record<string, unknown> };

describe('virtualQ simulator', function () {
  let sim: VirtualQSimulator;

  before(async () => {
    sim = await start({ port: 0, forbiddenKeys: ['read-only-key'] });
  });
  after(async () => {
    await sim.close();
  });
  beforeEach(() => {
    sim.reset();
    sim.server.clearRequests();
  });

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const h: Record<string, string> = { 'x-api-key': KEY, ...headers };
    if (body !== undefined && !('content-type' in h)) h['content-type'] = 'application/vnd.api+json';
    const res = await fetch(sim.url + path, {
      method,
      headers: h,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      /* not JSON */
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  async function control(name: string, body: unknown = {}): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(`${sim.url}/__sim/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  const waiterDoc = (attrs: Record<string, unknown>) => ({ data: { type: 'waiters', attributes: attrs } });
  const lineUpDoc = (over: Record<string, unknown> = {}) => waiterDoc({ line_id: 418, phone: PHONE, channel: 'CallBack', source: 'Phone', ...over });
  const data = (a: Answer): Item => a.json.data as Item;
  const list = (a: Answer): Item[] => a.json.data as Item[];
  const error0 = (a: Answer): Record<string, unknown> => (a.json.errors as Record<string, unknown>[])[0];

  describe('authentication', () => {
    it('answers 401 unauthorized without X-Api-Key', async () => {
      const a = await call('GET', '/api/v2/line_groups?call_center_id=12', undefined, { 'x-api-key': '' });
      assert.equal(a.status, 401);
      assert.match(a.headers.get('content-type') ?? '', /^application\/vnd\.api\+json/);
      assert.deepEqual(error0(a), { status: '401', code: 'unauthorized', title: 'Unauthorized', detail: 'Missing API key' });
    });
    it('answers 401 on a wrong key and ignores Authorization', async () => {
      const a = await call('GET', '/api/v2/lines/418', undefined, { 'x-api-key': 'nope', authorization: `Bearer ${KEY}` });
      assert.equal(a.status, 401);
      assert.equal(error0(a).detail, 'Invalid API key');
    });
    it('accepts the header name in any case', async () => {
      const res = await fetch(`${sim.url}/api/v2/lines/418`, { headers: { 'X-API-KEY': KEY } });
      assert.equal(res.status, 200);
      await res.text();
    });
    it('answers 403 for a key without rights', async () => {
      const a = await call('GET', '/api/v2/lines/418', undefined, { 'x-api-key': 'read-only-key' });
      assert.equal(a.status, 403);
      assert.equal(error0(a).code, 'forbidden');
    });
    it('lets keys be changed over HTTP', async () => {
      assert.equal((await control('keys', { apiKeys: ['other'] })).status, 200);
      assert.equal((await call('GET', '/api/v2/lines/418')).status, 401);
      assert.equal((await call('GET', '/api/v2/lines/418', undefined, { 'x-api-key': 'other' })).status, 200);
      await control('keys', { apiKeys: [KEY] });
    });
  });

  describe('line-up (POST waiters)', () => {
    it('creates a Waiting waiter and answers 201 with dashed keys', async () => {
      const a = await call('POST', '/api/v2/waiters', lineUpDoc({ lang: 'de', skills: ['billing'], properties: { crmId: 'C-991', nested_key: { a_b: 1 } } }));
      assert.equal(a.status, 201);
      assert.equal(a.headers.get('content-type'), 'application/vnd.api+json; charset=utf-8');
      const d = data(a);
      assert.equal(typeof d.id, 'string');
      assert.equal(d.type, 'waiters');
      const at = d.attributes;
      assert.equal(at.phone, PHONE);
      assert.equal(at.channel, 'CallBack');
      assert.equal(at.source, 'Phone');
      assert.equal(at['virtualq-waiter-state'], 'Waiting');
      assert.equal(at.ewt, 300);
      assert.equal(at['wait-time'], 0);
      assert.deepEqual(at.skills, ['billing']);
      assert.deepEqual(at.properties, { crmId: 'C-991', nested_key: { a_b: 1 } });
      assert.deepEqual(at.line, { id: 418, name: 'Hotline DE' });
      assert.match(String(at['created-at']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(at['connected-at'], null);
      assert.equal(at['notified-at'], null);
      assert.equal(Date.parse(String(at['estimated-up-time-at'])) - Date.parse(String(at['created-at'])), 300_000);
      assert.ok(!Object.keys(at).some((k) => k.includes('_')), 'top-level attribute keys are dashed');
      assert.equal(sim.state.waiters.size, 1);
    });
    it('answers with underscored keys when asked with X-Keys-Format: underscore', async () => {
      const a = await call('POST', '/api/v2/waiters', lineUpDoc(), { 'x-keys-format': 'underscore' });
      const at = data(a).attributes;
      assert.equal(at.virtualq_waiter_state, 'Waiting');
      assert.ok('created_at' in at && !('created-at' in at));
    });
    it('accepts application/json and normalises a phone written with separators', async () => {
      const a = await call('POST', '/api/v2/waiters', lineUpDoc({ phone: '+49 151 1234-5678' }), { 'content-type': 'application/json' });
      assert.equal(a.status, 201);
      assert.equal(data(a).attributes.phone, PHONE);
    });
    it('gives later callers a longer EWT', async () => {
      await call('POST', '/api/v2/waiters', lineUpDoc());
      const b = await call('POST', '/api/v2/waiters', lineUpDoc({ phone: '+4915199999999' }));
      // 300 s service EWT + one caller ahead * 180 s talk time / 4 agents
      assert.equal(data(b).attributes.ewt, 345);
    });
    it('answers 404 not-found for an unknown line', async () => {
      const a = await call('POST', '/api/v2/waiters', lineUpDoc({ line_id: 9999 }));
      assert.equal(a.status, 404);
      assert.equal(error0(a).code, 'not-found');
      assert.equal(sim.state.waiters.size, 0);
    });
    const invalid: [string, Record<string, unknown>, string][] = [
      ['a missing line_id', { line_id: undefined }, 'line_id'],
      ['a non-numeric line_id', { line_id: 'abc' }, 'line_id'],
      ['a bad phone', { phone: '0151 1234' }, 'phone'],
      ['a missing channel', { channel: undefined }, 'channel'],
      ['a missing source', { source: '' }, 'source'],
      ['skills that are not strings', { skills: [1] }, 'skills'],
      ['properties that are not an object', { properties: [1] }, 'properties'],
    ];
    for (const [what, over, attr] of invalid) {
      it(`answers 422 with a pointer for ${what}`, async () => {
        const a = await call('POST', '/api/v2/waiters', lineUpDoc(over));
        assert.equal(a.status, 422);
        const e = error0(a);
        assert.equal(e.status, '422');
        assert.deepEqual(e.source, { pointer: `/data/attributes/${attr}` });
        assert.equal(typeof e.detail, 'string');
        assert.equal(sim.state.waiters.size, 0);
      });
    }
    it('refuses a second active line-up of the same phone on a line, and an inactive line', async () => {
      await call('POST', '/api/v2/waiters', lineUpDoc());
      assert.equal((await call('POST', '/api/v2/waiters', lineUpDoc())).status, 422);
      const inactive = await call('POST', '/api/v2/waiters', lineUpDoc({ line_id: 419 }));
      assert.equal(inactive.status, 422);
      assert.match(String(error0(inactive).detail), /not active/);
    });
    it('answers 415 for another content type, 400 for bad JSON, 409 for a wrong type', async () => {
      assert.equal((await call('POST', '/api/v2/waiters', lineUpDoc(), { 'content-type': 'text/plain' })).status, 415);
      assert.equal((await call('POST', '/api/v2/waiters', '{"data":')).status, 400);
      const wrong = await call('POST', '/api/v2/waiters', { data: { type: 'lines', attributes: { line_id: 418 } } });
      assert.equal(wrong.status, 409);
      assert.equal(sim.state.waiters.size, 0);
    });
    it('can answer a line-up with 200 when switched', async () => {
      await control('switches', { lineUpStatus: 200 });
      assert.equal((await call('POST', '/api/v2/waiters', lineUpDoc())).status, 200);
    });
  });

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

  it('starts through the registry as the cc-simulate command does', async () => {
    const other = await startSimulator('virtualq', { port: 0 });
    try {
      assert.equal(other.name, 'virtualq');
      const res = await fetch(`${other.url}/api/v2/lines/418`, { headers: { 'x-api-key': KEY } });
      assert.equal(res.status, 200);
      await res.text();
    } finally {
      await other.close();
    }
  });
});
