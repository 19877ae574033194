/** ameyo-click-to-dial in a real Node-RED against the Ameyo simulator. */
import * as assert from 'node:assert/strict';
import { catchNode, collect, helper, onTab, LogCapture, nodeSet, sim, statuses, waitFor, type TestNode } from '../helpers';
import type { AmeyoSimulator } from '../../simulators/ameyo';

const HASH = 'hk-SECRET-7f3a9c';

function flow(url: string, extra: Record<string, unknown> = {}): unknown[] {
  return onTab([
    { id: 'cfg', type: 'ameyo-config', url, requestingHost: 'acme-crm', policyName: '', timeout: 5000 },
    { id: 'dial', type: 'ameyo-click-to-dial', config: 'cfg', wires: [['out']], ...extra },
    { id: 'out', type: 'helper' },
  ]);
}

describe('ameyo-click-to-dial node', function () {
  this.timeout(15000);
  let s: AmeyoSimulator;
  const log = new LogCapture();

  before(async () => {
    s = await sim<AmeyoSimulator>('ameyo', { hashKey: HASH, requestingHost: 'acme-crm', delayMs: 5 });
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
    s.server.clearRequests();
    s.server.clearFaults();
    s.calls.length = 0;
    s.config.hashKey = HASH;
  });

  async function load(extra: Record<string, unknown> = {}, hashKey = HASH) {
    await helper.load([nodeSet('ameyo'), catchNode], flow(s.url, extra) as never, { cfg: { hashKey } });
    return { dial: helper.getNode('dial'), out: collect(helper.getNode('out')), caught: collect(helper.getNode('caught')) };
  }

  it('sends the exact request and answers a connected call, keeping the msg', async () => {
    const { dial, out } = await load();
    dial.receive({
      topic: 'crm',
      custom: 42,
      payload: { campaignId: 14, userId: 'ravi.k', phone: '98765-43210', additionalParams: { CaseID: 'CS-5512' }, shouldAddCustomer: false },
    });
    await waitFor(() => out.length === 1);
    const req = s.server.requests[0];
    assert.equal(req.method, 'POST');
    assert.equal(req.path, '/ameyowebaccess/command/');
    assert.equal(req.rawQuery, 'command=clickToDialWithToken');
    assert.equal(req.headers['hash-key'], HASH);
    assert.equal(req.headers['requesting-host'], 'acme-crm');
    assert.equal(req.headers['policy-name'], 'token-based-authorization-policy');
    assert.match(String(req.headers['content-type']), /^application\/x-www-form-urlencoded; charset=UTF-8$/);
    assert.ok(req.body.startsWith('data=%7B'));
    const data = JSON.parse(new URLSearchParams(req.body).get('data') ?? '');
    assert.deepEqual(data, { userId: 'ravi.k', campaignId: '14', phone: '9876543210', additionalParams: { CaseID: 'CS-5512' }, shouldAddCustomer: false });
    const msg = out[0];
    assert.equal(msg.topic, 'crm');
    assert.equal(msg.custom, 42);
    const p = msg.payload as Record<string, unknown>;
    assert.equal(p.connected, true);
    assert.equal(p.outcome, 'connected');
    assert.equal(p.party, null);
    assert.match(String(p.reason), /^\{node\.flow\.id=\d+, metaData=\d+\}$/);
    assert.equal(typeof p.nodeFlowId, 'string');
    const vendor = msg.vendor as { status: number; headers: Record<string, string> };
    assert.equal(vendor.status, 200);
    assert.equal(vendor.headers['hash-key'], undefined);
  });

  it('classifies a refusal as a normal output', async () => {
    const { dial, out, caught } = await load();
    dial.receive({ payload: { campaignId: '14', userId: 'agent.break', phone: '9876543210' } });
    await waitFor(() => out.length === 1);
    assert.equal(caught.length, 0);
    assert.equal((out[0].payload as { outcome: string }).outcome, 'agent_not_in_campaign');
  });

  it('reads parameters from other TypedInput types (str, json, flow, jsonata)', async () => {
    const { dial, out } = await load({
      campaignId: '77',
      campaignIdType: 'str',
      userId: 'agent',
      userIdType: 'flow',
      phone: '"+49" & payload.n',
      phoneType: 'jsonata',
      additionalParams: '{"LeadID":"L-1"}',
      additionalParamsType: 'json',
    });
    (dial as unknown as { context(): { flow: { set(k: string, v: unknown): void } } }).context().flow.set('agent', 'ravi.k');
    dial.receive({ payload: { n: '301234567' } });
    await waitFor(() => out.length === 1);
    const data = JSON.parse(new URLSearchParams(s.server.requests[0].body).get('data') ?? '');
    assert.deepEqual(data, { userId: 'ravi.k', campaignId: '77', phone: '+49301234567', additionalParams: { LeadID: 'L-1' } });
  });

  it('rejects bad input with INVALID_INPUT naming the field, sending nothing', async () => {
    const { dial, caught, out } = await load();
    const st = statuses(dial);
    dial.receive({ payload: { campaignId: '14', phone: '9876543210' } });
    dial.receive({ payload: { campaignId: '14', userId: 'a', phone: '98x' } });
    dial.receive({ payload: { campaignId: '14', userId: 'a', phone: '1', additionalParams: 'nope' } });
    dial.receive({ payload: { campaignId: '14', userId: 'a', phone: '1', shouldAddCustomer: 'false' } });
    await waitFor(() => caught.length === 4);
    const errors = caught.map((m) => m.error as { code: string; message: string });
    assert.deepEqual(
      errors.map((e) => e.code),
      ['INVALID_INPUT', 'INVALID_INPUT', 'INVALID_INPUT', 'INVALID_INPUT'],
    );
    assert.match(errors[0].message, /userId/);
    assert.match(errors[1].message, /phone/);
    assert.match(errors[2].message, /additionalParams/);
    assert.match(errors[3].message, /shouldAddCustomer/);
    assert.equal(s.server.requests.length, 0);
    assert.equal(out.length, 0);
    assert.deepEqual(st.at(-1), { fill: 'red', shape: 'ring', text: 'INVALID_INPUT' });
  });

  it('maps a wrong hash key to AUTH_FAILED, with msg.vendor and no secret anywhere', async () => {
    const { dial, caught } = await load({}, 'wrong-' + HASH);
    dial.receive({ payload: { campaignId: '14', userId: 'ravi.k', phone: '9876543210' } });
    await waitFor(() => caught.length === 1);
    const err = caught[0].error as { code: string; message: string };
    assert.equal(err.code, 'AUTH_FAILED');
    assert.match(err.message, /Ameyo clickToDial: .*hash key/);
    assert.equal((caught[0].vendor as { body: unknown }).body, null);
    const everything = JSON.stringify(caught) + log.text();
    assert.ok(!everything.includes(HASH), 'the hash key leaked');
  });

  it('maps a slow answer to TIMEOUT (msg.requestTimeout) and a refused connection to NETWORK', async () => {
    const { dial, caught } = await load();
    s.server.addFault({ delayMs: 400, times: 1 });
    dial.receive({ requestTimeout: 100, payload: { campaignId: '14', userId: 'ravi.k', phone: '9876543210' } });
    await waitFor(() => caught.length === 1);
    const e1 = caught[0].error as { code: string; message: string };
    assert.equal(e1.code, 'TIMEOUT');
    assert.match(e1.message, /may still be placed/);
    await helper.unload();
    const closed = await sim('ameyo');
    const deadUrl = closed.url;
    await closed.close();
    await helper.load([nodeSet('ameyo'), catchNode], flow(deadUrl) as never, { cfg: { hashKey: HASH } });
    const caught2 = collect(helper.getNode('caught'));
    helper.getNode('dial').receive({ payload: { campaignId: '14', userId: 'ravi.k', phone: '9876543210' } });
    await waitFor(() => caught2.length === 1);
    assert.equal((caught2[0].error as { code: string }).code, 'NETWORK');
  });

  it('reports NOT_CONFIGURED without a config node, and reads the hash key from ${ENV}', async () => {
    await helper.load([nodeSet('ameyo'), catchNode], onTab([{ id: 'dial', type: 'ameyo-click-to-dial', wires: [[]] }]) as never);
    const caught = collect(helper.getNode('caught'));
    helper.getNode('dial').receive({ payload: { campaignId: '14', userId: 'ravi.k', phone: '9876543210' } });
    await waitFor(() => caught.length === 1);
    assert.equal((caught[0].error as { code: string }).code, 'NOT_CONFIGURED');
    await helper.unload();

    process.env.CC_TEST_AMEYO_KEY = HASH;
    const { dial, out } = await load({}, '${CC_TEST_AMEYO_KEY}');
    dial.receive({ payload: { campaignId: '14', userId: 'ravi.k', phone: '9876543210' } });
    await waitFor(() => out.length === 1);
    assert.equal(s.server.requests[0].headers['hash-key'], HASH);
    delete process.env.CC_TEST_AMEYO_KEY;
  });

  it('shows the in-flight count, then clears the status on success', async () => {
    const { dial, out } = await load();
    const st = statuses(dial as TestNode);
    s.config.delayMs = 50;
    for (let i = 0; i < 3; i++) dial.receive({ payload: { campaignId: '14', userId: 'ravi.k', phone: '98765432' + i } });
    await waitFor(() => out.length === 3);
    s.config.delayMs = 5;
    assert.deepEqual(
      st.slice(0, 3).map((x) => x.text),
      ['1', '2', '3'],
    );
    assert.deepEqual(st.at(-1), {});
  });

  it('tests the connection from the edit dialog: success, AUTH_FAILED, and the stored credential for the placeholder', async () => {
    await load();
    const probe = async (credentials: Record<string, string>, id = 'unsaved'): Promise<Record<string, unknown>> => {
      // The admin app of the test helper (RED.httpAdmin), as the editor reaches it.
      const admin = helper.request() as { post(u: string): { send(b: unknown): Promise<{ status: number; body: Record<string, unknown> }> } };
      const r = await admin
        .post('/cc-glue/test-connection/ameyo-config')
        .send({ id, settings: { url: s.url, requestingHost: 'acme-crm', policyName: '', timeout: '5000' }, credentials });
      assert.equal(r.status, 200);
      return r.body;
    };
    assert.deepEqual(await probe({ hashKey: HASH }), { ok: true });
    const bad = await probe({ hashKey: 'wrong-key-123' });
    assert.equal(bad.ok, false);
    assert.equal(bad.code, 'AUTH_FAILED');
    assert.ok(!JSON.stringify(bad).includes('wrong-key-123'));
    assert.deepEqual(await probe({ hashKey: '__PWRD__' }, 'cfg'), { ok: true });
    assert.equal(s.calls.length, 0, 'a connection test never places a call');
  });
});
