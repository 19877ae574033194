/**
 * The virtualQ client against the simulator, over the wire: what each operation sends
 * (method, path, query encoding, headers, envelope, casing), what it makes of the answer,
 * the 404-as-empty rule, error mapping, retries, and input checks with nothing sent.
 */
import * as assert from 'node:assert/strict';
import { start, DEFAULT_API_KEY, type VirtualQSimulator } from '../../simulators/virtualq';
import { VirtualQClient, apiBase, camelise, toCaller, type Caller } from '../../lib/virtualq';
import { CcError } from '../../lib/errors';
import type { RecordedRequest } from '../../simulators/common';

const KEY = DEFAULT_API_KEY;
const PHONE = '+4915112345678';
const MEDIA = 'application/vnd.api+json; charset=utf-8';
const CALLER_KEYS = [
  'id',
  'lineId',
  'lineName',
  'phone',
  'channel',
  'source',
  'ewt',
  'waitTime',
  'state',
  'skills',
  'properties',
  'createdAt',
  'updatedAt',
  'connectedAt',
  'notifiedAt',
  'estimatedUpTimeAt',
];

describe('virtualQ client', function () {
  this.timeout(10000);
  let sim: VirtualQSimulator;
  let client: VirtualQClient;

  before(async () => {
    sim = await start({ port: 0, forbiddenKeys: ['no-rights'] });
  });
  after(async () => {
    await sim.close();
  });
  beforeEach(() => {
    sim.reset();
    sim.server.clearRequests();
    client = new VirtualQClient({ url: sim.url, apiKey: KEY, timeout: 3000 }, { retryBaseMs: 5 });
  });
  afterEach(() => client.close());

  const reqs = (): RecordedRequest[] => sim.server.requests;
  const last = (): RecordedRequest => reqs()[reqs().length - 1];
  const bodyOf = (r: RecordedRequest): unknown => JSON.parse(r.body);
  const lineUp = (over: Record<string, unknown> = {}, timeout?: number) =>
    client.lineUp({ lineId: 418, phone: PHONE, channel: 'CallBack', source: 'Phone', ...over } as never, { timeout });

  async function rejects(p: Promise<unknown>): Promise<CcError> {
    try {
      await p;
    } catch (err) {
      assert.ok(err instanceof CcError, `not a CcError: ${String(err)}`);
      return err;
    }
    assert.fail('expected a rejection');
  }

  async function waitUntil(cond: () => boolean, ms = 2000): Promise<void> {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) assert.fail('condition not met in time');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  function assertHeaders(r: RecordedRequest, withBody: boolean): void {
    assert.equal(r.headers['x-api-key'], KEY);
    assert.equal(r.headers.authorization, undefined);
    assert.equal(r.headers['x-keys-format'], undefined);
    if (withBody) assert.equal(r.headers['content-type'], 'application/vnd.api+json');
  }

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

  describe('failures', () => {
    it('maps a wrong key (401) and a key without rights (403) to AUTH_FAILED, the key nowhere', async () => {
      const wrong = new VirtualQClient({ url: sim.url, apiKey: 'wrong-key-123' });
      const e = await rejects(wrong.listLineGroups({ callCenterId: 12 }));
      wrong.close();
      assert.equal(e.code, 'AUTH_FAILED');
      assert.match(e.message, /HTTP 401 Unauthorized: Unauthorized: Invalid API key; check the API key/);
      const limited = new VirtualQClient({ url: sim.url, apiKey: 'no-rights' });
      const f = await rejects(limited.isActive({ lineId: 418 }));
      limited.close();
      assert.equal(f.code, 'AUTH_FAILED');
      assert.equal(f.status, 403);
      assert.ok(!JSON.stringify({ ...e, m: e.message, a: e.answer }).includes('wrong-key-123'));
    });
    it('redacts the key where a server echoes it, and strips an echoed X-Api-Key header', async () => {
      sim.server.addFault({
        status: 400,
        body: JSON.stringify({ errors: [{ status: 400, title: 'Bad key', detail: `key ${KEY} is malformed` }] }),
        headers: { 'content-type': 'application/json', 'x-api-key': KEY, 'x-debug-echo': `key=${KEY}` },
        times: 1,
      });
      const e = await rejects(client.isActive({ lineId: 418 }));
      assert.equal(e.code, 'VENDOR_ERROR');
      assert.match(e.message, /Bad key: key \*\*\* is malformed/);
      assert.equal(e.answer?.headers['x-api-key'], undefined);
      assert.equal(e.answer?.headers['x-debug-echo'], 'key=***');
      assert.deepEqual(e.answer?.body, { errors: [{ status: 400, title: 'Bad key', detail: 'key *** is malformed' }] });
      assert.ok(!`${e.message} ${e.detail} ${JSON.stringify(e.answer)}`.includes(KEY));
    });
    it('reports a non-JSON error body with the HTTP status text', async () => {
      sim.server.addFault({ status: 502, body: '<html><h1>Bad Gateway</h1></html>', headers: { 'content-type': 'text/html' }, times: 3 });
      const e = await rejects(client.isActive({ lineId: 418 }));
      assert.equal(e.code, 'VENDOR_ERROR');
      assert.equal(e.message, 'virtualQ isActive: virtualQ answered HTTP 502 Bad Gateway');
      assert.equal(e.answer?.body, '<html><h1>Bad Gateway</h1></html>');
      assert.equal(reqs().length, 3, 'a read is tried three times');
    });
    it('retries reads on 503 and succeeds; gives up on 429 with RATE_LIMITED', async () => {
      sim.server.addFault({ status: 503, times: 2 });
      assert.equal((await client.isActive({ lineId: 418 })).result.active, true);
      assert.equal(reqs().length, 3);
      sim.server.clearRequests();
      sim.setRateLimit({ retryAfter: 0, times: 5 });
      const e = await rejects(client.listLineGroups({ callCenterId: 12 }));
      assert.equal(e.code, 'RATE_LIMITED');
      assert.match(e.message, /HTTP 429 Too Many Requests: Too many requests: Rate limit exceeded, retry later after retries/);
      assert.equal(reqs().length, 3);
    });
    it('does not retry the PUTs on 503', async () => {
      await lineUp();
      sim.server.clearRequests();
      sim.server.addFault({ path: '/api/v2/waiters/0', status: 503, times: 3 });
      assert.equal((await rejects(client.notifyConnected({ lineId: 418, phone: PHONE }))).code, 'VENDOR_ERROR');
      assert.equal(reqs().length, 1);
    });
    it('reads a single resource where a list was expected as a list of one', async () => {
      const one = { data: { id: '9', type: 'line_groups', attributes: { name: 'Solo', 'call-center': { id: 1 } } } };
      sim.server.addFault({ status: 200, body: JSON.stringify(one), headers: { 'content-type': MEDIA }, times: 1 });
      assert.deepEqual((await client.listLineGroups({ callCenterId: 12 })).result, [{ id: 9, name: 'Solo', callCenter: { id: 1 } }]);
    });
    it('answers an unexpected 2xx body with VENDOR_ERROR', async () => {
      sim.server.addFault({ status: 200, body: '{"data":"nothing"}', headers: { 'content-type': 'application/json' }, times: 1 });
      const e = await rejects(client.listLineGroups({ callCenterId: 12 }));
      assert.equal(e.code, 'VENDOR_ERROR');
      assert.match(e.message, /expected a list/);
    });
    it('TIMEOUT when the server is slow, NETWORK when nobody listens', async () => {
      sim.server.addFault({ delayMs: 300, times: 3 });
      const e = await rejects(client.isActive({ lineId: 418 }, { timeout: 50 }));
      assert.equal(e.code, 'TIMEOUT');
      const other = await start({ port: 0 });
      const url = other.url;
      await other.close();
      const dead = new VirtualQClient({ url, apiKey: KEY }, { retryBaseMs: 1 });
      assert.equal((await rejects(dead.get({ lineId: 418, phone: PHONE }))).code, 'NETWORK');
      dead.close();
    });
    it('a 404 page that is not the API (wrong URL) stays an error, also on lookups; an empty 404 is "none"', async () => {
      sim.server.addFault({ path: '/api/v2/waiters', status: 404, body: '<html>Not Found</html>', headers: { 'content-type': 'text/html' }, times: 1 });
      const e = await rejects(client.verify({ lineId: 418, phone: PHONE }));
      assert.equal(e.code, 'NOT_FOUND');
      assert.match(e.message, /HTTP 404 Not Found \(not an answer of the virtualQ API: check the URL\)$/);
      sim.server.addFault({ path: '/api/v2/waiters', status: 404, body: '', times: 1 });
      assert.deepEqual((await client.verify({ lineId: 418, phone: PHONE })).result, { up: false, caller: null });
    });
    it('a line-up TIMEOUT says the caller may have been lined up, and is not repeated', async () => {
      sim.server.addFault({ path: '/api/v2/waiters', delayMs: 300, times: 3 });
      const e = await rejects(lineUp({}, 60));
      assert.equal(e.code, 'TIMEOUT');
      assert.match(e.message, /^virtualQ lineUp: no answer within 60 ms; the caller may have been lined up/);
      assert.equal(reqs().length, 1);
      // The server still processes it after the client gave up: exactly what the message warns of.
      await waitUntil(() => sim.state.waiters.size === 1);
    });
    it('checkCredentials: one read proves URL and key; 401 is AUTH_FAILED; a non-API page or a 5xx fails', async () => {
      assert.deepEqual(await client.checkCredentials(), { ok: true });
      assert.equal(last().method, 'GET');
      assert.equal(last().path, '/api/v2/line_groups');
      assert.equal(last().headers['x-api-key'], KEY);
      sim.server.addFault({
        status: 422,
        body: JSON.stringify({ errors: [{ status: '422', title: 'call_center_id missing' }] }),
        headers: { 'content-type': MEDIA },
        times: 1,
      });
      assert.deepEqual(await client.checkCredentials(), { ok: true }, 'the API answered: the key was accepted');
      const wrong = new VirtualQClient({ url: sim.url, apiKey: 'wrong-key-123' });
      assert.equal((await rejects(wrong.checkCredentials())).code, 'AUTH_FAILED');
      wrong.close();
      sim.server.addFault({ status: 404, body: '<html>nginx</html>', headers: { 'content-type': 'text/html' }, times: 1 });
      assert.equal((await rejects(client.checkCredentials())).code, 'NOT_FOUND');
      sim.server.addFault({ status: 500, body: JSON.stringify({ errors: [{ title: 'boom' }] }), headers: { 'content-type': MEDIA }, times: 3 });
      assert.equal((await rejects(client.checkCredentials())).code, 'VENDOR_ERROR');
    });
    it('NOT_CONFIGURED without a URL or an API key, nothing sent', async () => {
      const noKey = new VirtualQClient({ url: sim.url, apiKey: '' });
      const e = await rejects(noKey.get({ lineId: 418, phone: PHONE }));
      noKey.close();
      assert.equal(e.code, 'NOT_CONFIGURED');
      assert.match(e.message, /apiKey/);
      assert.equal(reqs().length, 0);
    });
  });

  describe('input checks (nothing sent)', () => {
    const cases: Array<[string, () => Promise<unknown>, RegExp]> = [
      ['lineUp without lineId', () => lineUp({ lineId: undefined }), /lineId is required/],
      ['lineUp with a line id that is not a number', () => lineUp({ lineId: 'L1' }), /lineId must be a whole number/],
      ['lineUp with line id 0', () => lineUp({ lineId: 0 }), /lineId must be a positive/],
      ['lineUp without phone', () => lineUp({ phone: undefined }), /phone is required/],
      ['lineUp with a national phone', () => lineUp({ phone: '0151 12345678' }), /phone must be an international number/],
      ['lineUp with 00 instead of +', () => lineUp({ phone: '004915112345678' }), /phone/],
      ['lineUp with a too short phone', () => lineUp({ phone: '+49123' }), /phone/],
      ['lineUp with a too long phone', () => lineUp({ phone: '+4912345678901234' }), /phone/],
      ['lineUp with letters in the phone', () => lineUp({ phone: '+49151CALLME' }), /phone/],
      ['lineUp with channel SMS', () => lineUp({ channel: 'SMS' }), /channel must be one of CallBack, CallIn/],
      ['lineUp without source', () => lineUp({ source: undefined }), /source is required/],
      ['lineUp with a three-letter lang', () => lineUp({ lang: 'deu' }), /lang/],
      ['lineUp with skills as a string', () => lineUp({ skills: 'billing' }), /skills must be array/],
      ['lineUp with properties as a string', () => lineUp({ properties: 'x' }), /properties must be object/],
      ['verify without phone', () => client.verify({ lineId: 418 } as never), /phone is required/],
      ['get with a bad phone', () => client.get({ lineId: 418, phone: '12345' }), /phone/],
      ['notifyConnected without lineId', () => client.notifyConnected({ phone: PHONE } as never), /lineId is required/],
      [
        'notifyTransferred with a negative wait',
        () => client.notifyTransferred({ lineId: 418, phone: PHONE, waitTimeWhenUp: -3 }),
        /waitTimeWhenUp must be a whole number/,
      ],
      [
        'update with service state Waiting',
        () => client.update({ lineId: 418, phone: PHONE, serviceState: 'Waiting' as never }),
        /serviceState must be one of Connected, Deferred, Canceled, Finished/,
      ],
      ['update with an EWT in words', () => client.update({ lineId: 418, phone: PHONE, ewt: 'soon' }), /ewt must be a whole number/],
      ['update with a fractional talk time', () => client.update({ lineId: 418, phone: PHONE, talkTime: 1.5 }), /talkTime must be/],
      ['listWaiting without callCenterId', () => client.listWaiting({} as never), /callCenterId is required/],
      ['isActive without lineId', () => client.isActive({} as never), /lineId is required/],
      ['list lines without callCenterId', () => client.listLines({} as never), /callCenterId is required/],
      ['line-group update without lineGroupId', () => client.updateLineGroup({ ewt: 3 } as never), /lineGroupId is required/],
      ['line-group update with open as text', () => client.updateLineGroup({ lineGroupId: 77, open: 'yes' as never }), /open must be boolean/],
      ['line-group update with agents in a string', () => client.updateLineGroup({ lineGroupId: 77, agentList: 'A-1' as never }), /agentList must be array/],
      ['line-group update with a count in words', () => client.updateLineGroup({ lineGroupId: 77, agentsCount: 'six' }), /agentsCount must be a whole number/],
    ];
    for (const [what, run, message] of cases) {
      it(`refuses ${what}`, async () => {
        const e = await rejects(run());
        assert.equal(e.code, 'INVALID_INPUT');
        assert.match(e.message, /^virtualQ \w+: /);
        assert.match(e.message, message);
        assert.equal(reqs().length, 0, 'nothing was sent');
      });
    }
  });
});
