/** The virtualQ nodes in a real Node-RED against the virtualQ simulator. */
import * as assert from 'node:assert/strict';
import { catchNode, collect, helper, onTab, LogCapture, nodeSet, sim, statuses, waitFor } from '../helpers';
import type { VirtualQSimulator } from '../../simulators/virtualq';
import type { RecordedRequest } from '../../simulators/common';

const KEY = 'vq-SECRET-4c1d2e9f';
const PHONE = '+4915112345678';

type Msg = Record<string, unknown>;

describe('virtualQ nodes', function () {
  this.timeout(15000);
  let s: VirtualQSimulator;
  const log = new LogCapture();

  before(async () => {
    s = await sim<VirtualQSimulator>('virtualq', { apiKeys: [KEY] });
    await helper.startServer();
    log.start();
  });
  after(async () => {
    log.stop();
    await helper.stopServer();
    await s.close();
  });
  afterEach(async () => {
    await helper.unload();
    s.reset();
    s.server.clearRequests();
  });

  const reqs = (): RecordedRequest[] => s.server.requests;
  const body = (r: RecordedRequest): unknown => JSON.parse(r.body);

  /** One node of `type` wired to helper `out`, its config node pointing at the simulator. */
  async function load(type: string, extra: Record<string, unknown> = {}, apiKey: string | null = KEY, url = s.url) {
    const flow = onTab([
      { id: 'cfg', type: 'virtualq-config', url, timeout: 3000 },
      { id: 'n', type, config: 'cfg', wires: [['out']], ...extra },
      { id: 'out', type: 'helper' },
    ]);
    await helper.load([nodeSet('virtualq'), catchNode], flow as never, apiKey === null ? {} : { cfg: { apiKey } });
    const node = helper.getNode('n');
    return { node, st: statuses(node), out: collect(helper.getNode('out')), caught: collect(helper.getNode('caught')) };
  }

  async function lineUpDirect(phone = PHONE, lineId = 418): Promise<void> {
    const res = await fetch(`${s.url}/api/v2/waiters`, {
      method: 'POST',
      headers: { 'x-api-key': KEY, 'content-type': 'application/vnd.api+json' },
      body: JSON.stringify({ data: { type: 'waiters', attributes: { line_id: lineId, phone, channel: 'CallIn', source: 'Phone' } } }),
    });
    assert.equal(res.status, 201);
    await res.text();
    s.server.clearRequests();
  }

  /** The key is in the X-Api-Key header of each request and nowhere else: not in URLs, bodies, msgs, statuses or logs. */
  function noSecret(...things: unknown[]): void {
    const everything = JSON.stringify(things) + log.text();
    assert.ok(!everything.includes(KEY), 'the API key leaked');
    for (const r of reqs()) {
      assert.ok(!`${r.path}?${r.rawQuery} ${r.body}`.includes(KEY), 'the API key went over the wire outside its header');
      assert.equal(r.headers.authorization, undefined);
    }
  }

  describe('virtualq-line-up', () => {
    it('sends the JSON:API line-up and outputs the caller on the same msg', async () => {
      const { node, out, st } = await load('virtualq-line-up');
      node.receive({
        _msgid: 'm-1',
        topic: 'ivr',
        custom: { keep: true },
        payload: {
          lineId: 418,
          phone: '+49 151 1234 5678',
          channel: 'CallBack',
          source: 'Phone',
          lang: 'de',
          skills: ['billing'],
          properties: { crmId: 'C-991' },
        },
      });
      await waitFor(() => out.length === 1);
      const r = reqs()[0];
      assert.equal(r.method, 'POST');
      assert.equal(r.path, '/api/v2/waiters');
      assert.equal(r.headers['x-api-key'], KEY);
      assert.equal(r.headers['content-type'], 'application/vnd.api+json');
      assert.deepEqual(body(r), {
        data: {
          type: 'waiters',
          attributes: { line_id: 418, phone: PHONE, channel: 'CallBack', source: 'Phone', lang: 'de', skills: ['billing'], properties: { crmId: 'C-991' } },
        },
      });
      const msg = out[0];
      assert.equal(msg._msgid, 'm-1');
      assert.equal(msg.topic, 'ivr');
      assert.deepEqual(msg.custom, { keep: true });
      const p = msg.payload as Msg;
      assert.equal(p.id, 70001);
      assert.equal(p.lineId, 418);
      assert.equal(p.lineName, 'Hotline DE');
      assert.equal(p.state, 'Waiting');
      assert.equal(p.ewt, 300);
      assert.deepEqual(p.properties, { crmId: 'C-991' });
      const vendor = msg.vendor as { status: number; headers: Record<string, string> };
      assert.equal(vendor.status, 201);
      assert.equal(vendor.headers['x-api-key'], undefined);
      assert.deepEqual(st.at(-1), {});
      noSecret(out);
    });
    it('reads parameters from other TypedInputs (num, str, json, flow, jsonata)', async () => {
      const { node, out } = await load('virtualq-line-up', {
        lineId: '420',
        lineIdType: 'num',
        channel: 'CallIn',
        channelType: 'str',
        source: 'src',
        sourceType: 'flow',
        phone: '"+49151" & payload.n',
        phoneType: 'jsonata',
        skills: '["a","b"]',
        skillsType: 'json',
      });
      (node as unknown as { context(): { flow: { set(k: string, v: unknown): void } } }).context().flow.set('src', 'Widget');
      node.receive({ payload: { n: '12345678' } });
      await waitFor(() => out.length === 1);
      assert.deepEqual(body(reqs()[0]), {
        data: { type: 'waiters', attributes: { line_id: 420, phone: PHONE, channel: 'CallIn', source: 'Widget', skills: ['a', 'b'] } },
      });
    });
    it('refuses bad input with INVALID_INPUT naming the field, sending nothing', async () => {
      const { node, out, caught, st } = await load('virtualq-line-up');
      const ok = { lineId: 418, phone: PHONE, channel: 'CallBack', source: 'Phone' };
      node.receive({ payload: { ...ok, lineId: undefined } });
      node.receive({ payload: { ...ok, phone: '0151 12345678' } });
      node.receive({ payload: { ...ok, channel: 'callback' } });
      node.receive({ payload: { ...ok, source: '' } });
      node.receive({ payload: { ...ok, skills: 'billing' } });
      await waitFor(() => caught.length === 5);
      const errors = caught.map((m) => m.error as { code: string; message: string });
      assert.deepEqual(
        errors.map((e) => e.code),
        Array(5).fill('INVALID_INPUT'),
      );
      ['lineId', 'phone', 'channel', 'source', 'skills'].forEach((f, i) => assert.match(errors[i].message, new RegExp(`^virtualQ lineUp: ${f} `)));
      assert.equal(caught[1].topic, undefined);
      assert.equal(reqs().length, 0);
      assert.equal(out.length, 0);
      assert.deepEqual(st.at(-1), { fill: 'red', shape: 'ring', text: 'INVALID_INPUT' });
    });
    it('does not repeat a line-up after a 503: one request, VENDOR_ERROR with msg.vendor', async () => {
      const { node, caught } = await load('virtualq-line-up');
      s.server.addFault({ path: '/api/v2/waiters', status: 503, body: 'down for maintenance', times: 3 });
      node.receive({ topic: 't', payload: { lineId: 418, phone: PHONE, channel: 'CallBack', source: 'Phone' } });
      await waitFor(() => caught.length === 1);
      assert.equal((caught[0].error as { code: string }).code, 'VENDOR_ERROR');
      assert.equal((caught[0].vendor as { status: number; body: string }).body, 'down for maintenance');
      assert.equal(caught[0].topic, 't');
      assert.equal(reqs().length, 1);
    });
  });

  describe('virtualq-caller', () => {
    it('runs the connector loop: verify on call-in, notify connected, notify transferred', async () => {
      await lineUpDirect();
      s.notify({ lineId: 418, phone: PHONE });
      const { node, out } = await load('virtualq-caller', { operation: 'msg' });
      node.receive({ operation: 'verify', payload: { lineId: 418, phone: PHONE } });
      await waitFor(() => out.length === 1);
      assert.equal(reqs()[0].rawQuery, 'currently_up=true&phone=%2B4915112345678&line_id=418');
      const v = out[0].payload as { up: boolean; caller: Msg };
      assert.equal(v.up, true);
      assert.equal(v.caller.state, 'Notified');
      assert.equal(out[0].operation, 'verify');

      node.receive({ operation: 'notifyConnected', payload: { lineId: 418, phone: PHONE } });
      await waitFor(() => out.length === 2);
      assert.equal(reqs()[1].method, 'PUT');
      assert.equal(reqs()[1].path, '/api/v2/waiters/0');
      assert.deepEqual(body(reqs()[1]), { data: { type: 'waiters', attributes: { line_id: 418, phone: PHONE, service_waiter_state: 'Connected' } } });
      assert.equal((out[1].payload as Msg).state, 'Connected');

      node.receive({ operation: 'notifyTransferred', payload: { lineId: 418, phone: PHONE, waitTimeWhenUp: 35, agentId: 'A-17' } });
      await waitFor(() => out.length === 3);
      assert.deepEqual(body(reqs()[2]), {
        data: { type: 'waiters', attributes: { line_id: 418, phone: PHONE, service_waiter_state: 'Finished', wait_time_when_up: 35, agent_id: 'A-17' } },
      });
      assert.equal((out[2].payload as Msg).state, 'Finished');
      noSecret(out);
    });
    it('verify and get answer "no such caller" on a 404 filtered list, not an error', async () => {
      s.switches.notFoundOnEmpty = true;
      const { node, out, caught } = await load('virtualq-caller', { operation: 'verify' });
      node.receive({ payload: { lineId: 418, phone: PHONE } });
      await waitFor(() => out.length === 1);
      assert.deepEqual(out[0].payload, { up: false, caller: null });
      assert.equal((out[0].vendor as { status: number }).status, 404);
      await helper.unload();
      const g = await load('virtualq-caller', { operation: 'get' });
      g.node.receive({ payload: { lineId: 418, phone: PHONE } });
      await waitFor(() => g.out.length === 1);
      assert.equal(g.out[0].payload, null);
      assert.equal(caught.length + g.caught.length, 0);
    });
    it('update sends only the given fields; {ok:true} when virtualQ answers without a body', async () => {
      await lineUpDirect();
      s.switches.writeResponses = 'empty';
      const { node, out } = await load('virtualq-caller', { operation: 'update' });
      node.receive({ payload: { lineId: 418, phone: PHONE, serviceState: 'Deferred', ewt: 240, callCenterId: 12 } });
      await waitFor(() => out.length === 1);
      assert.deepEqual(body(reqs()[0]), {
        data: { type: 'waiters', attributes: { line_id: 418, phone: PHONE, service_waiter_ewt: 240, service_waiter_state: 'Deferred' } },
      });
      assert.deepEqual(out[0].payload, { ok: true });
    });
    it('listWaiting outputs an array of callers', async () => {
      await lineUpDirect();
      await lineUpDirect('+4915122222222', 420);
      const { node, out } = await load('virtualq-caller', { operation: 'listWaiting' });
      node.receive({ payload: { callCenterId: 12, lineId: 420 } });
      await waitFor(() => out.length === 1);
      assert.equal(reqs()[0].rawQuery, 'call_center_id=12&line_id=420&active=true');
      const list = out[0].payload as Msg[];
      assert.equal(list.length, 1);
      assert.equal(list[0].phone, '+4915122222222');
    });
    it('maps an unknown waiter to NOT_FOUND with msg.vendor on the caught msg', async () => {
      const { node, caught, st } = await load('virtualq-caller', { operation: 'notifyConnected' });
      node.receive({ topic: 'x', payload: { lineId: 418, phone: PHONE } });
      await waitFor(() => caught.length === 1);
      const e = caught[0].error as { code: string; message: string };
      assert.equal(e.code, 'NOT_FOUND');
      assert.match(e.message, /^virtualQ notifyConnected: .*Not found: No active waiter/);
      assert.equal((caught[0].vendor as { status: number }).status, 404);
      assert.equal(caught[0].topic, 'x');
      assert.deepEqual(st.at(-1), { fill: 'red', shape: 'ring', text: 'NOT_FOUND' });
    });
    it('refuses an operation outside the list, and bad per-operation input, sending nothing', async () => {
      const { node, caught } = await load('virtualq-caller', { operation: 'msg' });
      node.receive({ operation: 'delete', payload: { lineId: 418, phone: PHONE } });
      node.receive({ payload: { lineId: 418, phone: PHONE } });
      node.receive({ operation: 'update', payload: { lineId: 418, phone: PHONE, serviceState: 'Transferred' } });
      node.receive({ operation: 'listWaiting', payload: { lineId: 418 } });
      await waitFor(() => caught.length === 4);
      const errors = caught.map((m) => m.error as { code: string; message: string });
      assert.ok(errors.every((e) => e.code === 'INVALID_INPUT'));
      assert.match(errors[0].message, /operation must be one of verify, get, notifyConnected, notifyTransferred, update, listWaiting/);
      assert.match(errors[2].message, /serviceState/);
      assert.match(errors[3].message, /callCenterId is required/);
      assert.equal(reqs().length, 0);
    });
  });

  describe('virtualq-line', () => {
    it('isActive, callOffered and list', async () => {
      const { node, out } = await load('virtualq-line', { operation: 'msg' });
      node.receive({ operation: 'isActive', payload: { lineId: 419 } });
      await waitFor(() => out.length === 1);
      assert.equal(reqs()[0].path, '/api/v2/lines/419');
      assert.equal(reqs()[0].rawQuery, 'check_active=true');
      const a = out[0].payload as { active: boolean; line: Msg };
      assert.equal(a.active, false);
      assert.equal(a.line.virtualqLineState, 'inactive');
      node.receive({ operation: 'callOffered', payload: { lineId: 418 } });
      await waitFor(() => out.length === 2);
      assert.deepEqual(out[1].payload, { ok: true });
      assert.deepEqual(body(reqs()[1]), { data: { type: 'lines', attributes: { line_id: 418 } } });
      assert.equal(s.state.lines.get(418)?.callsOffered, 1);
      node.receive({ operation: 'list', payload: { callCenterId: 12, query: 'Hotline' } });
      await waitFor(() => out.length === 3);
      assert.equal(reqs()[2].rawQuery, 'call_center_id=12&q=Hotline');
      assert.deepEqual(
        (out[2].payload as Msg[]).map((l) => l.id),
        [418, 419],
      );
    });
    it('an unknown line is NOT_FOUND', async () => {
      const { node, caught } = await load('virtualq-line', { operation: 'isActive' });
      node.receive({ payload: { lineId: 9999 } });
      await waitFor(() => caught.length === 1);
      assert.equal((caught[0].error as { code: string }).code, 'NOT_FOUND');
    });
  });

  describe('virtualq-line-group', () => {
    it('pushes the figures from fixed fields and lists the groups', async () => {
      const { node, out } = await load('virtualq-line-group', {
        operation: 'update',
        lineGroupId: '77',
        lineGroupIdType: 'num',
        open: 'true',
        openType: 'bool',
      });
      node.receive({ payload: { ewt: 300, agentsCount: 6, agentList: ['A-17'] } });
      await waitFor(() => out.length === 1);
      assert.equal(reqs()[0].method, 'PUT');
      assert.equal(reqs()[0].path, '/api/v2/line_groups/77');
      assert.deepEqual(body(reqs()[0]), {
        data: { type: 'line_groups', attributes: { service_ewt: 300, service_agents_count: 6, service_open: true, service_agent_list: ['A-17'] } },
      });
      assert.deepEqual(out[0].payload, { ok: true });
      assert.equal(s.state.lineGroups.get(77)?.service.agentsCount, 6);
      await helper.unload();
      const l = await load('virtualq-line-group', { operation: 'list' });
      l.node.receive({ payload: { callCenterId: 12 } });
      await waitFor(() => l.out.length === 1);
      const groups = l.out[0].payload as Msg[];
      assert.equal(groups[0].id, 77);
      assert.deepEqual(groups[0].callCenter, { id: 12, name: 'Berlin', callCenterOpen: true, virtualqActive: true });
    });
  });

  describe('configuration and secrets', () => {
    it('a wrong API key is AUTH_FAILED and the key appears nowhere but the header', async () => {
      const wrong = `${KEY}-old`;
      const { node, caught, st } = await load('virtualq-line', { operation: 'isActive' }, wrong);
      node.receive({ payload: { lineId: 418 } });
      await waitFor(() => caught.length === 1);
      const e = caught[0].error as { code: string; message: string };
      assert.equal(e.code, 'AUTH_FAILED');
      assert.match(e.message, /401 Unauthorized/);
      assert.equal(reqs()[0].headers['x-api-key'], wrong);
      noSecret(caught, st);
      assert.ok(!JSON.stringify(caught).includes(wrong));
    });
    it('NOT_CONFIGURED without a config node or without an API key', async () => {
      await helper.load([nodeSet('virtualq'), catchNode], onTab([{ id: 'n', type: 'virtualq-line', operation: 'isActive', wires: [[]] }]) as never);
      const caught = collect(helper.getNode('caught'));
      helper.getNode('n').receive({ payload: { lineId: 418 } });
      await waitFor(() => caught.length === 1);
      assert.equal((caught[0].error as { code: string }).code, 'NOT_CONFIGURED');
      await helper.unload();
      const { node, caught: c2 } = await load('virtualq-line', { operation: 'isActive' }, null);
      node.receive({ payload: { lineId: 418 } });
      await waitFor(() => c2.length === 1);
      assert.equal((c2[0].error as { code: string }).code, 'NOT_CONFIGURED');
      assert.equal(reqs().length, 0);
    });
    it('reads the API key from ${ENV} and shows the in-flight count', async () => {
      process.env.CC_TEST_VQ_KEY = KEY;
      try {
        const { node, out, st } = await load('virtualq-line', { operation: 'isActive' }, '${CC_TEST_VQ_KEY}');
        s.server.addFault({ delayMs: 60, times: 3 });
        for (let i = 0; i < 3; i++) node.receive({ payload: { lineId: 418 } });
        await waitFor(() => out.length === 3);
        assert.equal(reqs()[0].headers['x-api-key'], KEY);
        assert.deepEqual(
          st.slice(0, 3).map((x) => (x as { text?: string }).text),
          ['1', '2', '3'],
        );
        assert.deepEqual(st.at(-1), {});
      } finally {
        delete process.env.CC_TEST_VQ_KEY;
      }
    });
    it('tests the connection from the edit dialog: success, AUTH_FAILED without echoing the key, the stored key for the placeholder', async () => {
      await load('virtualq-line', { operation: 'isActive' });
      const probe = async (credentials: Record<string, string>, id = 'unsaved'): Promise<Record<string, unknown>> => {
        // The admin app of the test helper (RED.httpAdmin), as the editor reaches it.
        const admin = helper.request() as { post(u: string): { send(b: unknown): Promise<{ status: number; body: Record<string, unknown> }> } };
        const r = await admin.post('/cc-glue/test-connection/virtualq-config').send({ id, settings: { url: s.url, timeout: '5000' }, credentials });
        assert.equal(r.status, 200);
        return r.body;
      };
      assert.deepEqual(await probe({ apiKey: KEY }), { ok: true });
      const bad = await probe({ apiKey: 'wrong-key-123' });
      assert.equal(bad.ok, false);
      assert.equal(bad.code, 'AUTH_FAILED');
      assert.ok(!JSON.stringify(bad).includes('wrong-key-123'));
      assert.deepEqual(await probe({ apiKey: '__PWRD__' }, 'cfg'), { ok: true });
      assert.deepEqual(
        reqs().map((r) => `${r.method} ${r.path}`),
        ['GET /api/v2/line_groups', 'GET /api/v2/line_groups', 'GET /api/v2/line_groups'],
      );
      noSecret(bad);
    });
    it('msg.requestTimeout turns a slow answer into TIMEOUT', async () => {
      const { node, caught } = await load('virtualq-line', { operation: 'isActive' });
      s.server.addFault({ delayMs: 400, times: 3 });
      node.receive({ requestTimeout: 80, payload: { lineId: 418 } });
      await waitFor(() => caught.length === 1);
      assert.equal((caught[0].error as { code: string }).code, 'TIMEOUT');
      s.server.clearFaults();
    });
  });

  it('registers every node type of the contract with a literal registerType in the generated editor file', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const html = fs.readFileSync(path.join(__dirname, '..', '..', 'nodes', 'virtualq', 'virtualq.html'), 'utf8');
    for (const t of ['virtualq-config', 'virtualq-line-up', 'virtualq-caller', 'virtualq-line', 'virtualq-line-group']) {
      assert.ok(html.includes(`RED.nodes.registerType('${t}',`), t);
    }
  });
});
