/**
 * The Diyalog client (lib/diyalog) against the Diyalog simulator over the wire: what is sent
 * (paths, headers, bodies, signatures), what comes out, and the contract's error codes.
 */
import { strict as assert } from 'node:assert';
import { createHmac } from 'node:crypto';
import * as net from 'node:net';
import { CcError } from '../../lib/errors';
import { DiyalogApiClient, DiyalogQueueClient, readQueueAnswer, signature, NOT_DELIVERED_PATH, type ApiSettings } from '../../lib/diyalog';
import { start, type DiyalogSimulator } from '../../simulators/diyalog';

const TOKEN = 's3cr3t-shared-token';
const SECRET = 'demo-secret-key';
const fast = { retryBaseMs: 5, retryMaxMs: 50 };

async function rejectsWith(p: Promise<unknown>, code: string, message?: RegExp): Promise<CcError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof CcError, `expected a CcError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    return err;
  }
  assert.fail(`expected ${code}`);
}

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('Diyalog client', function () {
  let sim: DiyalogSimulator;
  const clients: Array<{ close(): void }> = [];
  const queue = (authToken: string | undefined = TOKEN, url?: string): DiyalogQueueClient => {
    const c = new DiyalogQueueClient({ url: url ?? sim.queueUrl, authToken, timeout: 2000 }, fast);
    clients.push(c);
    return c;
  };
  const api = (over: Partial<ApiSettings> = {}): DiyalogApiClient => {
    const c = new DiyalogApiClient({ url: sim.url, accessKeyId: 'AK-7f3e21', accessKeySecret: SECRET, requesterUserId: '45186', timeout: 2000, ...over }, fast);
    clients.push(c);
    return c;
  };
  before(async () => {
    sim = await start({ port: 0, authToken: TOKEN });
  });
  after(async () => {
    await sim.close();
  });
  beforeEach(() => {
    sim.reset();
    sim.server.clearRequests();
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });

  describe('readQueueAnswer', () => {
    it('reads strict JSON, the "=" sample of Diyalog\'s document, and extracts from anything worse', () => {
      assert.deepEqual(readQueueAnswer('{"success":true,"errorMessage":null,"result":{"interactionId":42}}'), {
        success: true,
        errorMessage: null,
        interactionId: '42',
        json: { success: true, errorMessage: null, result: { interactionId: 42 } },
        via: 'json',
      });
      const sample = '{\n"success" : true,\n"errorMessage" : null,\n"result" : {\n"interactionId" = "2121212121212"\n}\n}';
      const r = readQueueAnswer(sample);
      assert.equal(r?.via, 'repaired');
      assert.equal(r?.interactionId, '2121212121212');
      const worse = '{"success" = false, "errorMessage" = "Queue \\"V\\" closed", "result" = null';
      const x = readQueueAnswer(worse);
      assert.deepEqual({ ...x }, { success: false, errorMessage: 'Queue "V" closed', interactionId: null, via: 'extracted' });
      assert.equal(readQueueAnswer('<html>busy</html>'), null);
      assert.equal(readQueueAnswer(''), null);
      assert.equal(readQueueAnswer('{"ok":true}'), null);
    });
  });

  describe('createInteraction', () => {
    it('POSTs the array form with Auth-Token and returns the interaction id', async () => {
      const { result, vendor } = await queue().createInteraction({
        identityNumber: 10000000146,
        customerId: 'CUS-77812',
        attachedData: { TRX: 'LoanApplication', ProcessType: 'VideoCall' },
      });
      const [req] = sim.server.requestsTo('/queue/CreateInteraction', 'POST');
      assert.equal(req.headers['content-type'], 'application/json');
      assert.equal(req.headers['auth-token'], TOKEN);
      assert.equal(
        req.body,
        '{"identityNumber":"10000000146","customerId":"CUS-77812","attachedData":[{"TRX":"LoanApplication"},{"ProcessType":"VideoCall"}]}',
      );
      assert.match(result.interactionId, /^IX-/);
      assert.deepEqual(result, { success: true, errorMessage: null, interactionId: result.interactionId });
      assert.equal(vendor.status, 200);
      assert.deepEqual(vendor.body, { success: true, errorMessage: null, result: { interactionId: result.interactionId } });
      assert.ok(!JSON.stringify(vendor).includes(TOKEN));
    });

    it('sends the object form when asked, an array param as given, and leaves out what is missing', async () => {
      await queue().createInteraction({ customerId: 7, attachedData: [{ a: '1' }, { b: '2' }] }, { attachedDataShape: 'object' });
      await queue().createInteraction({ customerId: 'C', attachedData: [{ a: '1', c: '3' }, { b: '2' }] });
      await queue().createInteraction({ customerId: 'C' });
      const bodies = sim.server.requestsTo('/queue/CreateInteraction').map((r) => r.body);
      assert.deepEqual(bodies, [
        '{"customerId":"7","attachedData":{"a":"1","b":"2"}}',
        '{"customerId":"C","attachedData":[{"a":"1","c":"3"},{"b":"2"}]}',
        '{"customerId":"C"}',
      ]);
    });

    it('refuses bad input with INVALID_INPUT naming the field, sending nothing', async () => {
      const e1 = await rejectsWith(queue().createInteraction({} as never), 'INVALID_INPUT', /customerId/);
      assert.equal(e1.field, 'customerId');
      await rejectsWith(queue().createInteraction({ customerId: '  ' }), 'INVALID_INPUT', /customerId/);
      const e2 = await rejectsWith(queue().createInteraction({ customerId: 'C', attachedData: [{ a: 1 }, 'x'] }), 'INVALID_INPUT', /attachedData\[1\]/);
      assert.equal(e2.field, 'attachedData[1]');
      await rejectsWith(queue().createInteraction({ customerId: 'C', attachedData: 'x' as never }), 'INVALID_INPUT', /attachedData/);
      assert.equal(sim.server.requests.length, 0, 'nothing was sent');
    });

    it('accepts the malformed "=" answer of Diyalog\'s document', async () => {
      sim.setQueue({ mode: 'malformed' });
      const { result, vendor } = await queue().createInteraction({ customerId: 'C' });
      assert.match(result.interactionId, /^IX-/);
      assert.equal(
        vendor.body,
        `{\n"success" : true,\n"errorMessage" : null,\n"result" : {\n"interactionId" = "${result.interactionId}"\n}\n}`,
        'msg.vendor.body is the untouched text',
      );
    });

    it('turns success:false into VENDOR_ERROR carrying errorMessage and the answer', async () => {
      sim.setQueue({ mode: 'fail', errorMessage: 'Video queue is closed' });
      const e = await rejectsWith(queue().createInteraction({ customerId: 'C' }), 'VENDOR_ERROR', /Video queue is closed/);
      assert.equal(e.detail, 'Video queue is closed');
      assert.deepEqual(e.answer?.body, { success: false, errorMessage: 'Video queue is closed', result: null });
      assert.match(e.message, /^Diyalog createInteraction: /);
    });

    it('maps 401 to AUTH_FAILED without the token in the error', async () => {
      const e = await rejectsWith(queue('wrong-token-value').createInteraction({ customerId: 'C' }), 'AUTH_FAILED');
      assert.ok(!JSON.stringify({ m: e.message, e, a: e.answer }).includes('wrong-token-value'));
      await rejectsWith(queue('').createInteraction({ customerId: 'C' }), 'AUTH_FAILED');
      assert.equal(sim.server.requestsTo('/queue')[1].headers['auth-token'], undefined, 'no header when no token is configured');
    });

    it('retries a 429 and then gives RATE_LIMITED; other statuses and unreadable bodies are VENDOR_ERROR', async () => {
      sim.server.addFault({ path: '/queue/CreateInteraction', status: 429, headers: { 'retry-after': '0' }, times: 1 });
      const ok = await queue().createInteraction({ customerId: 'C' });
      assert.match(ok.result.interactionId, /^IX-/);
      assert.equal(sim.server.requestsTo('/queue/CreateInteraction').length, 2);
      sim.server.addFault({ path: '/queue/CreateInteraction', status: 429, headers: { 'retry-after': '0' } });
      await rejectsWith(queue().createInteraction({ customerId: 'C' }), 'RATE_LIMITED');
      sim.server.clearFaults();
      sim.server.addFault({ path: '/queue/CreateInteraction', status: 500, body: '{"success":false,"errorMessage":"db down","result":null}', times: 1 });
      await rejectsWith(queue().createInteraction({ customerId: 'C' }), 'VENDOR_ERROR', /HTTP 500: db down/);
      sim.server.addFault({ path: '/queue/CreateInteraction', status: 502, body: 'Bad gateway', times: 1 });
      const before = sim.server.requestCount;
      await rejectsWith(queue().createInteraction({ customerId: 'C' }), 'VENDOR_ERROR', /HTTP 502/);
      assert.equal(sim.server.requestCount - before, 1, 'a create is not repeated after a 502');
      sim.server.addFault({ path: '/queue/CreateInteraction', status: 200, body: 'OK', times: 1 });
      await rejectsWith(queue().createInteraction({ customerId: 'C' }), 'VENDOR_ERROR', /unreadable answer: OK/);
      sim.server.addFault({ path: '/queue/CreateInteraction', status: 200, body: '{"success":true,"result":{}}', times: 1 });
      await rejectsWith(queue().createInteraction({ customerId: 'C' }), 'VENDOR_ERROR', /interactionId/);
    });

    it('maps a slow service to TIMEOUT and a closed port to NETWORK', async () => {
      sim.setQueue({ delayMs: 300 });
      await rejectsWith(queue().createInteraction({ customerId: 'C' }, { timeout: 80 }), 'TIMEOUT');
      const port = await closedPort();
      await rejectsWith(queue(TOKEN, `http://127.0.0.1:${port}/queue`).createInteraction({ customerId: 'C' }), 'NETWORK');
      await rejectsWith(queue(TOKEN, '').createInteraction({ customerId: 'C' }), 'NOT_CONFIGURED');
    });
  });

  describe('deleteInteraction', () => {
    it('DELETEs the percent-encoded id with Auth-Token and no body', async () => {
      const c = queue();
      const { result: created } = await c.createInteraction({ customerId: 'C' });
      const { result, vendor } = await c.deleteInteraction({ interactionId: created.interactionId });
      assert.deepEqual(result, { success: true, interactionId: created.interactionId });
      assert.equal(vendor.status, 200);
      sim.state.interactions.set('A/B C', { interactionId: 'A/B C', customerId: 'x', attachedData: {}, attachedDataShape: 'none', body: {}, createdAt: 0 });
      await c.deleteInteraction({ interactionId: 'A/B C' });
      const dels = sim.server.requestsTo('/queue/', 'DELETE');
      assert.deepEqual(
        dels.map((r) => r.path),
        [`/queue/${created.interactionId}`, '/queue/A%2FB%20C'],
      );
      assert.equal(dels[0].headers['auth-token'], TOKEN);
      assert.equal(dels[0].body, '');
      assert.deepEqual(sim.state.deleted, [created.interactionId, 'A/B C']);
    });

    it('accepts 204 and 202, maps 404 to NOT_FOUND and success:false to VENDOR_ERROR', async () => {
      const c = queue();
      for (const status of [204, 202] as const) {
        sim.setQueue({ deleteStatus: status });
        const { result: created } = await c.createInteraction({ customerId: 'C' });
        const { result, vendor } = await c.deleteInteraction({ interactionId: created.interactionId });
        assert.equal(result.success, true);
        assert.equal(vendor.status, status);
      }
      await rejectsWith(c.deleteInteraction({ interactionId: 'IX-nope' }), 'NOT_FOUND', /IX-nope/);
      sim.setQueue({ mode: 'fail', errorMessage: 'already with an agent' });
      await rejectsWith(c.deleteInteraction({ interactionId: 'IX-1' }), 'VENDOR_ERROR', /already with an agent/);
      await rejectsWith(c.deleteInteraction({ interactionId: '' }), 'INVALID_INPUT', /interactionId/);
    });

    it('repeats a DELETE after a 503 (idempotent)', async () => {
      const c = queue();
      const { result: created } = await c.createInteraction({ customerId: 'C' });
      sim.server.addFault({ path: '/queue/', method: 'DELETE', status: 503, times: 1 });
      const { result } = await c.deleteInteraction({ interactionId: created.interactionId });
      assert.equal(result.success, true);
      assert.equal(sim.server.requestsTo('/queue/', 'DELETE').length, 2);
    });
  });

  describe('interactionNotDelivered', () => {
    it('matches the project test vector', () => {
      const body = '{"interactionId":"IX-20250101-0042","message":"No agent is free right now, please try again later."}';
      assert.equal(signature(SECRET, 'Tue, 09 Mar 2021 13:28:32 GMT', body, NOT_DELIVERED_PATH, 'lf'), 'Oeh9jlPV3YFCCB5ial0sJ8JQj+Qp2EWd3AUyg0WL7DE=');
      assert.equal(signature(SECRET, 'Tue, 09 Mar 2021 13:28:32 GMT', body, NOT_DELIVERED_PATH, 'nolf'), 'KN84z7v7zXxn3WaK+r//Is7+tbFClF9wTV/UZDya8+c=');
    });

    it('sends a request whose signature matches one computed independently, and reads the answer', async () => {
      sim.state.addWaiting({ interactionId: 'IX-1', sessionId: 'S-1' });
      const { result, vendor } = await api().interactionNotDelivered({ interactionId: 'IX-1', sessionId: 'S-1', message: 'Sorry, ğüşiöç' });
      assert.deepEqual(result, { success: true, message: 'Customer waiting will be stopped.' });
      assert.equal(vendor.status, 200);
      const [req] = sim.server.requestsTo(NOT_DELIVERED_PATH, 'POST');
      assert.equal(req.headers['content-type'], 'application/json');
      assert.equal(req.headers['x-dlg-requester-userid'], '45186');
      assert.match(String(req.headers['x-dlg-date']), /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
      assert.equal(req.body, '{"interactionId":"IX-1","sessionId":"S-1","message":"Sorry, ğüşiöç"}');
      const expected = createHmac('sha256', SECRET)
        .update(`POST\napplication/json\n${String(req.headers['x-dlg-date'])}\n${req.body}\n${NOT_DELIVERED_PATH}`, 'utf8')
        .digest('base64');
      assert.equal(req.headers['x-dlg-authorization'], `DLGA AK-7f3e21:${expected}`);
      assert.deepEqual(sim.acceptedSignatureForms, ['lf']);
    });

    it('signs the path prefix of the url', async () => {
      sim.state.addWaiting({ interactionId: 'IX-1' });
      await api({ url: `${sim.url}/gateway/` }).interactionNotDelivered({ interactionId: 'IX-1' });
      assert.equal(sim.server.requestsTo('/gateway' + NOT_DELIVERED_PATH).length, 1);
    });

    it('re-signs once without the line feed after 401 "Authorization failed" and keeps that form', async () => {
      sim.server.addFault({ path: NOT_DELIVERED_PATH, status: 401, body: 'Authorization failed', times: 1 });
      sim.setApi({ requireWaiting: false });
      const c = api();
      const { result } = await c.interactionNotDelivered({ sessionId: 'S-1' });
      assert.equal(result.success, true);
      assert.equal(c.form, 'nolf');
      await c.interactionNotDelivered({ sessionId: 'S-2' });
      assert.deepEqual(sim.acceptedSignatureForms, ['nolf', 'nolf']);
      assert.equal(sim.server.requestsTo(NOT_DELIVERED_PATH).length, 3);
    });

    it('maps a wrong secret to AUTH_FAILED after one re-sign, with no secret or signature in the error', async () => {
      const e = await rejectsWith(
        api({ accessKeySecret: 'not-the-secret' }).interactionNotDelivered({ interactionId: 'IX-1' }),
        'AUTH_FAILED',
        /Authorization failed/,
      );
      const reqs = sim.server.requestsTo(NOT_DELIVERED_PATH);
      assert.equal(reqs.length, 2);
      const sigs = reqs.map((r) => String(r.headers['x-dlg-authorization']).split(':')[1]);
      const all = JSON.stringify({ m: e.message, e, a: e.answer, s: e.stack });
      for (const s of ['not-the-secret', ...sigs]) assert.ok(!all.includes(s), 'leaked ' + s);
      assert.ok(!('x-dlg-authorization' in (e.answer?.headers ?? {})));
    });

    it('maps clock skew (403) to AUTH_FAILED saying so, also with JSON-quoted texts', async () => {
      sim.setApi({ clockOffsetMs: 3600000, errorTextStyle: 'quoted' });
      await rejectsWith(api().interactionNotDelivered({ interactionId: 'IX-1' }), 'AUTH_FAILED', /clock skew/);
      sim.server.addFault({ path: NOT_DELIVERED_PATH, status: 400, body: '"Required headers not found"', times: 1 });
      await rejectsWith(api().interactionNotDelivered({ interactionId: 'IX-1' }), 'AUTH_FAILED', /Required headers not found/);
    });

    it('maps errorCode 402 → NOT_FOUND, 403 → CONFLICT, 400 → VENDOR_ERROR, 500 → VENDOR_ERROR', async () => {
      await rejectsWith(api().interactionNotDelivered({ interactionId: 'IX-9' }), 'NOT_FOUND', /no customer waiting/);
      sim.state.addWaiting({ interactionId: 'IX-A', sessionId: 'S-A' });
      await rejectsWith(api().interactionNotDelivered({ interactionId: 'IX-B', sessionId: 'S-A' }), 'CONFLICT', /different interaction/);
      sim.server.addFault({ path: NOT_DELIVERED_PATH, status: 200, body: '{"isSuccess":false,"message":"bad","errorCode":400}', times: 1 });
      await rejectsWith(api().interactionNotDelivered({ interactionId: 'IX-A' }), 'VENDOR_ERROR', /bad/);
      sim.server.addFault({ path: NOT_DELIVERED_PATH, status: 500, body: 'Object reference not set', times: 1 });
      const e = await rejectsWith(api().interactionNotDelivered({ interactionId: 'IX-A' }), 'VENDOR_ERROR', /HTTP 500: Object reference not set/);
      assert.equal(e.answer?.body, 'Object reference not set');
    });

    it('refuses missing ids (INVALID_INPUT) and missing credentials (NOT_CONFIGURED) before sending', async () => {
      await rejectsWith(api().interactionNotDelivered({ message: 'x' }), 'INVALID_INPUT', /interactionId or sessionId/);
      await rejectsWith(api({ accessKeySecret: '' }).interactionNotDelivered({ interactionId: 'IX' }), 'NOT_CONFIGURED', /accessKeySecret/);
      await rejectsWith(api({ accessKeyId: '' }).interactionNotDelivered({ interactionId: 'IX' }), 'NOT_CONFIGURED', /accessKeyId/);
      await rejectsWith(api({ requesterUserId: '' }).interactionNotDelivered({ interactionId: 'IX' }), 'NOT_CONFIGURED', /requesterUserId/);
      await rejectsWith(api().interactionNotDelivered({ interactionId: 'IX', message: 5 as never }), 'INVALID_INPUT', /message/);
      assert.equal(sim.server.requests.length, 0, 'nothing was sent');
    });
  });
});
