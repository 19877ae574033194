/**
 * diyalog-interaction-in + diyalog-interaction-response in a real Node-RED runtime, served
 * by a real HTTP server (the runtime's HTTP node app, mounted under an httpNodeRoot-like
 * prefix) and driven over the wire by the Diyalog simulator's client role: requests, their validation and the Auth-Token check.
 * Set-up in diyalog-in-support.ts.
 */
import * as assert from 'node:assert/strict';
import { helper, statuses, waitFor } from '../helpers';
import { ROOT, TOKEN, inboundHarness } from './diyalog-in-support';

describe('diyalog-interaction-in / -response nodes', function () {
  this.timeout(15000);
  const h = inboundHarness();
  const { load, request, log } = h;

  it('accepts both attachedData shapes, hands the flow the same flat payload and answers the envelope', async () => {
    const { created } = await load();
    const endpoint = h.base + ROOT + '/diyalog';
    const attachedData = { TRX: 'LoanApplication', ProcessType: 'VideoCall', Branch: '0042' };
    const a = await h.sim.driver.create({ endpoint, identityNumber: '10000000146', customerId: 'CUS-77812', attachedData, shape: 'array' });
    const b = await h.sim.driver.create({ endpoint, identityNumber: '10000000146', customerId: 'CUS-77812', attachedData, shape: 'object' });
    for (const r of [a, b]) {
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(r.body, '{"success":true,"errorMessage":null,"result":{"interactionId":"IX-CUS-77812"}}');
    }
    assert.equal(created.length, 2);
    assert.deepEqual(created[0].payload, {
      identityNumber: '10000000146',
      customerId: 'CUS-77812',
      attachedData,
      attachedDataList: Object.entries(attachedData).map(([key, value]) => ({ key, value })),
    });
    assert.deepEqual(created[1].payload, created[0].payload);
    assert.equal(created[0].topic, 'CreateInteraction');
  });

  it('keeps unknown fields, makes identityNumber optional, stringifies numbers, reads any Content-Type', async () => {
    const { created } = await load();
    const r1 = await request(
      'POST',
      ROOT + '/diyalog/CreateInteraction',
      { 'content-type': 'text/plain' },
      JSON.stringify({ customerId: 77812, identityNumber: 10000000146, sessionId: 'S-9', attachedData: [{ a: '1', b: '2' }, { a: '3' }] }),
    );
    const r2 = await request('POST', ROOT + '/diyalog/CreateInteraction', {}, JSON.stringify({ customerId: 'C', attachedData: null }));
    assert.equal(r1.status, 200);
    assert.equal(r2.status, 200);
    assert.deepEqual(created[0].payload, {
      customerId: '77812',
      identityNumber: '10000000146',
      sessionId: 'S-9',
      attachedData: { a: '3', b: '2' },
      attachedDataList: [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
        { key: 'a', value: '3' },
      ],
    });
    assert.deepEqual(created[1].payload, { customerId: 'C', attachedData: {}, attachedDataList: [] });
  });

  it('routes DELETE <path>/<id> to output 2 (percent-decoded) and answers result:null', async () => {
    const { deleted, created } = await load();
    const r = await h.sim.driver.delete({ endpoint: h.base + ROOT + '/diyalog', interactionId: 'IX 2025/0042' });
    assert.equal(r.status, 200);
    assert.equal(r.body, '{"success":true,"errorMessage":null,"result":null}');
    assert.equal(deleted.length, 1);
    assert.equal(created.length, 0);
    assert.equal(deleted[0].topic, 'DeleteInteraction');
    assert.deepEqual(deleted[0].payload, { interactionId: 'IX 2025/0042' });
    assert.equal(deleted[0].interactionId, 'IX 2025/0042');
  });

  for (const [name, method, path, headers, body, status, message] of [
    ['malformed JSON', 'POST', '/diyalog/CreateInteraction', { 'content-type': 'application/json' }, '{"customerId":', 400, /not valid JSON/],
    [
      'a form body',
      'POST',
      '/diyalog/CreateInteraction',
      { 'content-type': 'application/x-www-form-urlencoded' },
      'customerId=1',
      400,
      /not valid JSON \(Content-Type application\/x-www-form-urlencoded/,
    ],
    ['an array body', 'POST', '/diyalog/CreateInteraction', {}, '[{"customerId":"1"}]', 400, /JSON object/],
    ['a missing customerId', 'POST', '/diyalog/CreateInteraction', {}, '{"attachedData":{}}', 400, /customerId is required/],
    ['an empty customerId', 'POST', '/diyalog/CreateInteraction', {}, '{"customerId":""}', 400, /customerId/],
    ['a string attachedData', 'POST', '/diyalog/CreateInteraction', {}, '{"customerId":"1","attachedData":"x"}', 400, /attachedData/],
    [
      'an attachedData element that is no object',
      'POST',
      '/diyalog/CreateInteraction',
      {},
      '{"customerId":"1","attachedData":[{"a":1},["b"]]}',
      400,
      /attachedData\[1\]/,
    ],
    [
      'a body over 100 KB',
      'POST',
      '/diyalog/CreateInteraction',
      {},
      JSON.stringify({ customerId: '1', pad: 'x'.repeat(101 * 1024) }),
      400,
      /larger than 100 KB/,
    ],
    ['an empty id on DELETE', 'DELETE', '/diyalog/', {}, undefined, 400, /interaction id is empty/],
    ['GET on CreateInteraction', 'GET', '/diyalog/CreateInteraction', {}, undefined, 405, /not allowed/],
    ['PUT on an interaction', 'PUT', '/diyalog/IX-1', {}, '{}', 405, /not allowed/],
    ['a deeper path', 'DELETE', '/diyalog/a/b', {}, undefined, 404, /no such route/],
  ] as const) {
    it(`answers ${name} with ${status} and the envelope, emitting nothing, red status ${status}`, async () => {
      const { created, deleted } = await load();
      const st = statuses(helper.getNode('in'));
      const r = await request(method, ROOT + path, headers, body);
      assert.equal(r.status, status);
      assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
      const env = r.json as { success: boolean; errorMessage: string; result: null };
      assert.deepEqual(Object.keys(env), ['success', 'errorMessage', 'result']);
      assert.equal(env.success, false);
      assert.equal(env.result, null);
      assert.match(env.errorMessage, message);
      await new Promise((res) => setTimeout(res, 30));
      assert.equal(created.length + deleted.length, 0);
      await waitFor(() => st.length > 0, 2000, 'status');
      assert.deepEqual(st.at(-1), { fill: 'red', shape: 'ring', text: String(status) });
    });
  }

  it('checks Auth-Token in constant time when configured: 401 envelope, nothing emitted, no token anywhere', async () => {
    const { created, deleted } = await load({ token: true });
    const st = statuses(helper.getNode('in'));
    const endpoint = h.base + ROOT + '/diyalog';
    const none = await h.sim.driver.create({ endpoint, customerId: 'C' });
    const wrong = await h.sim.driver.create({ endpoint, customerId: 'C', authToken: TOKEN + 'x' });
    const short = await h.sim.driver.delete({ endpoint, interactionId: 'IX-1', authToken: 'x' });
    const deeper = await request('GET', ROOT + '/diyalog/a/b');
    for (const r of [none, wrong, short, deeper]) {
      assert.equal(r.status, 401);
      assert.deepEqual(r.json, { success: false, errorMessage: 'Auth-Token header is missing or wrong', result: null });
    }
    assert.equal(created.length + deleted.length, 0);
    const ok = await h.sim.driver.create({ endpoint, customerId: 'C', authToken: TOKEN });
    const okDel = await request('DELETE', ROOT + '/diyalog/IX-1', { 'AUTH-TOKEN': TOKEN });
    assert.equal(ok.status, 200);
    assert.equal(okDel.status, 200);
    assert.equal(created.length, 1);
    const everything = JSON.stringify([created, deleted, st]) + log.text() + JSON.stringify([none, wrong, short].map((r) => r.body));
    assert.ok(!everything.includes(TOKEN), 'the token leaked');
    assert.equal(created[0].req, undefined, 'no raw request (with its headers) on the msg');
  });
});
