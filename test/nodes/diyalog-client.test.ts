/**
 * diyalog-create-interaction, diyalog-delete-interaction and diyalog-interaction-not-delivered
 * in a real Node-RED against the Diyalog simulator: wire format, outputs, error codes,
 * msg pass-through, and no token or secret in any msg, status or log line.
 */
import * as assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { catchNode, collect, helper, onTab, LogCapture, nodeSet, sim, statuses, waitFor } from '../helpers';
import type { DiyalogSimulator } from '../../simulators/diyalog';

const TOKEN = 'cl-TOKEN-93be0d4a';
const KEY_ID = 'AK-node-test';
const SECRET = 'node-test-SECRET-4f1c';
const PATH = '/v1/application/interactionisnotdelivered';

describe('diyalog client nodes', function () {
  this.timeout(15000);
  let s: DiyalogSimulator;
  const log = new LogCapture();

  before(async () => {
    s = await sim<DiyalogSimulator>('diyalog', { authToken: TOKEN, apiKeys: { [KEY_ID]: SECRET } });
    log.start();
  });
  after(async () => {
    log.stop();
    await s.close();
  });
  afterEach(async () => {
    await helper.unload();
    s.reset();
    s.server.clearRequests();
  });

  async function load(
    node: Record<string, unknown>,
    creds: Record<string, unknown> = { dcfg: { authToken: TOKEN }, acfg: { accessKeyId: KEY_ID, accessKeySecret: SECRET } },
  ) {
    const f = onTab([
      { id: 'dcfg', type: 'diyalog-config', url: s.queueUrl, timeout: 3000 },
      { id: 'acfg', type: 'diyalog-api-config', url: s.url, requesterUserId: '45186', timeout: 3000 },
      { id: 'n', wires: [['out']], ...node },
      { id: 'out', type: 'helper' },
    ]);
    await helper.load([nodeSet('diyalog'), catchNode], f as never, creds);
    const n = helper.getNode('n');
    return { n, out: collect(helper.getNode('out')), caught: collect(helper.getNode('caught')), st: statuses(n) };
  }

  function noSecrets(...things: unknown[]): void {
    const all = JSON.stringify(things) + log.text();
    for (const secret of [TOKEN, SECRET]) assert.ok(!all.includes(secret), `leaked ${secret}`);
  }

  describe('diyalog-create-interaction', () => {
    it('sends the array form with Auth-Token, outputs {success, errorMessage, interactionId} and keeps the msg', async () => {
      const { n, out, st } = await load({ type: 'diyalog-create-interaction', config: 'dcfg' });
      n.receive({
        topic: 'app',
        custom: 7,
        payload: { identityNumber: '10000000146', customerId: 'CUS-77812', attachedData: { TRX: 'LoanApplication', ProcessType: 'VideoCall' } },
      });
      await waitFor(() => out.length === 1);
      const [req] = s.server.requestsTo('/queue/CreateInteraction', 'POST');
      assert.equal(req.headers['auth-token'], TOKEN);
      assert.equal(req.headers['content-type'], 'application/json');
      assert.equal(
        req.body,
        '{"identityNumber":"10000000146","customerId":"CUS-77812","attachedData":[{"TRX":"LoanApplication"},{"ProcessType":"VideoCall"}]}',
      );
      const msg = out[0];
      const id = [...s.state.interactions.keys()][0];
      assert.deepEqual(msg.payload, { success: true, errorMessage: null, interactionId: id });
      assert.equal(msg.interactionId, id);
      assert.equal(msg.topic, 'app');
      assert.equal(msg.custom, 7);
      assert.equal((msg.vendor as { status: number }).status, 200);
      assert.deepEqual(st.at(-1), {});
      noSecrets(out, st);
    });

    it('sends one flat object with attachedDataShape "object", and reads TypedInputs', async () => {
      const { n, out } = await load({
        type: 'diyalog-create-interaction',
        config: 'dcfg',
        attachedDataShape: 'object',
        customerId: 'CUS-1',
        customerIdType: 'str',
        attachedData: '{"ProcessType":"VideoCall"}',
        attachedDataType: 'json',
      });
      n.receive({ payload: {} });
      await waitFor(() => out.length === 1);
      assert.equal(s.server.requests[0].body, '{"customerId":"CUS-1","attachedData":{"ProcessType":"VideoCall"}}');
    });

    it('reads the malformed "=" answer printed in Diyalog\'s document', async () => {
      s.setQueue({ mode: 'malformed' });
      const { n, out } = await load({ type: 'diyalog-create-interaction', config: 'dcfg' });
      n.receive({ payload: { customerId: 'C' } });
      await waitFor(() => out.length === 1);
      assert.match(String(out[0].interactionId), /^IX-/);
    });

    it('turns success:false into VENDOR_ERROR with errorMessage and msg.vendor; red status', async () => {
      s.setQueue({ mode: 'fail', errorMessage: 'Video queue is closed' });
      const { n, out, caught, st } = await load({ type: 'diyalog-create-interaction', config: 'dcfg' });
      n.receive({ topic: 'keep', payload: { customerId: 'C' } });
      await waitFor(() => caught.length === 1);
      const err = caught[0].error as { code: string; message: string };
      assert.equal(err.code, 'VENDOR_ERROR');
      assert.match(err.message, /^Diyalog createInteraction: .*Video queue is closed/);
      assert.deepEqual((caught[0].vendor as { body: unknown }).body, { success: false, errorMessage: 'Video queue is closed', result: null });
      assert.equal(caught[0].topic, 'keep');
      assert.equal(out.length, 0);
      assert.deepEqual(st.at(-1), { fill: 'red', shape: 'ring', text: 'VENDOR_ERROR' });
    });

    it('refuses bad input (INVALID_INPUT naming the field) and sends nothing', async () => {
      const { n, caught } = await load({ type: 'diyalog-create-interaction', config: 'dcfg' });
      n.receive({ payload: { attachedData: { a: '1' } } });
      n.receive({ payload: { customerId: 'C', attachedData: [{ a: '1' }, 2] } });
      await waitFor(() => caught.length === 2);
      const errs = caught.map((m) => m.error as { code: string; message: string });
      assert.deepEqual(
        errs.map((e) => e.code),
        ['INVALID_INPUT', 'INVALID_INPUT'],
      );
      assert.match(errs[0].message, /customerId/);
      assert.match(errs[1].message, /attachedData\[1\]/);
      assert.equal(s.server.requests.length, 0);
    });

    it('maps a wrong token to AUTH_FAILED with no token anywhere, and a missing config to NOT_CONFIGURED', async () => {
      const wrong = 'WRONG-' + TOKEN;
      const { n, caught, st } = await load({ type: 'diyalog-create-interaction', config: 'dcfg' }, { dcfg: { authToken: wrong } });
      n.receive({ payload: { customerId: 'C' } });
      await waitFor(() => caught.length === 1);
      assert.equal((caught[0].error as { code: string }).code, 'AUTH_FAILED');
      const all = JSON.stringify([caught, st]) + log.text();
      assert.ok(!all.includes(wrong) && !all.includes(TOKEN));
      await helper.unload();
      const r = await load({ type: 'diyalog-create-interaction' });
      r.n.receive({ payload: { customerId: 'C' } });
      await waitFor(() => r.caught.length === 1);
      assert.equal((r.caught[0].error as { code: string }).code, 'NOT_CONFIGURED');
    });
  });

  describe('diyalog-delete-interaction', () => {
    it('deletes msg.interactionId, then msg.payload.interactionId, percent-encoded', async () => {
      const { n, out } = await load({ type: 'diyalog-delete-interaction', config: 'dcfg' });
      for (const id of ['IX-A', 'IX B/1'])
        s.state.interactions.set(id, { interactionId: id, customerId: 'c', attachedData: {}, attachedDataShape: 'none', body: {}, createdAt: 0 });
      n.receive({ interactionId: 'IX-A', topic: 't' });
      n.receive({ payload: { interactionId: 'IX B/1' } });
      await waitFor(() => out.length === 2);
      assert.deepEqual(
        out.map((m) => m.payload),
        [
          { success: true, interactionId: 'IX-A' },
          { success: true, interactionId: 'IX B/1' },
        ],
      );
      assert.equal(out[0].topic, 't');
      const reqs = s.server.requestsTo('/queue/', 'DELETE');
      assert.deepEqual(reqs.map((r) => r.path).sort(), ['/queue/IX%20B%2F1', '/queue/IX-A']);
      assert.equal(reqs[0].headers['auth-token'], TOKEN);
      assert.equal(reqs[0].body, '');
    });

    it('maps 404 to NOT_FOUND, and no id to INVALID_INPUT with nothing sent', async () => {
      const { n, caught } = await load({ type: 'diyalog-delete-interaction', config: 'dcfg' });
      n.receive({ payload: {} });
      await waitFor(() => caught.length === 1);
      assert.equal((caught[0].error as { code: string }).code, 'INVALID_INPUT');
      assert.equal(s.server.requests.length, 0);
      n.receive({ interactionId: 'IX-none' });
      await waitFor(() => caught.length === 2);
      assert.equal((caught[1].error as { code: string }).code, 'NOT_FOUND');
    });
  });

  describe('diyalog-interaction-not-delivered', () => {
    it('sends a request signed as an independent HMAC computes it and outputs {success, message}', async () => {
      const { n, out } = await load({ type: 'diyalog-interaction-not-delivered', config: 'acfg' });
      s.state.addWaiting({ interactionId: 'IX-1' });
      n.receive({ topic: 'nd', payload: { interactionId: 'IX-1', message: 'No agent is free right now.' } });
      await waitFor(() => out.length === 1);
      const [req] = s.server.requestsTo(PATH, 'POST');
      assert.equal(req.body, '{"interactionId":"IX-1","message":"No agent is free right now."}');
      assert.equal(req.headers['x-dlg-requester-userid'], '45186');
      assert.equal(req.headers['content-type'], 'application/json');
      const date = String(req.headers['x-dlg-date']);
      const expected = createHmac('sha256', SECRET).update(`POST\napplication/json\n${date}\n${req.body}\n${PATH}`).digest('base64');
      assert.equal(req.headers['x-dlg-authorization'], `DLGA ${KEY_ID}:${expected}`);
      assert.deepEqual(out[0].payload, { success: true, message: 'Customer waiting will be stopped.' });
      assert.equal(out[0].topic, 'nd');
      noSecrets(out);
      assert.ok(!JSON.stringify(out).includes(expected), 'the signature leaked');
    });

    it('maps errorCode 402 to NOT_FOUND and 403 to CONFLICT with msg.vendor', async () => {
      const { n, caught } = await load({ type: 'diyalog-interaction-not-delivered', config: 'acfg' });
      s.state.addWaiting({ interactionId: 'IX-A', sessionId: 'S-A' });
      n.receive({ payload: { interactionId: 'IX-9' } });
      await waitFor(() => caught.length === 1);
      n.receive({ payload: { interactionId: 'IX-B', sessionId: 'S-A' } });
      await waitFor(() => caught.length === 2);
      assert.deepEqual(
        caught.map((m) => (m.error as { code: string }).code),
        ['NOT_FOUND', 'CONFLICT'],
      );
      assert.equal((caught[0].vendor as { body: { errorCode: number } }).body.errorCode, 402);
    });

    it('maps a wrong secret to AUTH_FAILED, no secret or signature anywhere; a missing id is INVALID_INPUT', async () => {
      const { n, caught, st } = await load(
        { type: 'diyalog-interaction-not-delivered', config: 'acfg' },
        { acfg: { accessKeyId: KEY_ID, accessKeySecret: 'WRONG-' + SECRET } },
      );
      n.receive({ payload: { interactionId: 'IX-1' } });
      await waitFor(() => caught.length === 1);
      assert.equal((caught[0].error as { code: string }).code, 'AUTH_FAILED');
      const sigs = s.server.requestsTo(PATH).map((r) => String(r.headers['x-dlg-authorization']).split(':')[1]);
      assert.equal(sigs.length, 2, 'signed once more in the other form');
      const all = JSON.stringify([caught, st]) + log.text();
      for (const x of ['WRONG-' + SECRET, ...sigs]) assert.ok(!all.includes(x), 'leaked ' + x);
      n.receive({ payload: { message: 'x' } });
      await waitFor(() => caught.length === 2);
      assert.equal((caught[1].error as { code: string }).code, 'INVALID_INPUT');
      assert.equal(s.server.requestsTo(PATH).length, 2, 'nothing sent for the invalid input');
    });

    it('reports NOT_CONFIGURED when the secret is missing', async () => {
      const { n, caught } = await load({ type: 'diyalog-interaction-not-delivered', config: 'acfg' }, { acfg: { accessKeyId: KEY_ID } });
      n.receive({ payload: { interactionId: 'IX-1' } });
      await waitFor(() => caught.length === 1);
      const err = caught[0].error as { code: string; message: string };
      assert.equal(err.code, 'NOT_CONFIGURED');
      assert.match(err.message, /accessKeySecret/);
      assert.equal(s.server.requests.length, 0);
    });
  });
});
