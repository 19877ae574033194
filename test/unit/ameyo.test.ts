/** The Ameyo client against its simulator: every answer of Ameyo's click-to-dial document (docs/vendors/ameyo.md) in every rendering. */
import * as assert from 'node:assert/strict';
import { AmeyoClient, classify, readAnswer } from '../../lib/ameyo';
import { CcError } from '../../lib/errors';
import { start, type AmeyoSimulator, type Rendering } from '../../simulators/ameyo';

const HASH = 'unit-hash-XYZ';

describe('Ameyo client over the wire', function () {
  this.timeout(10000);
  let s: AmeyoSimulator;
  let client: AmeyoClient;

  before(async () => {
    s = await start({ port: 0, hashKey: HASH, requestingHost: 'crm', delayMs: 0 });
    client = new AmeyoClient({ url: s.url, hashKey: HASH, requestingHost: 'crm' }, { retryBaseMs: 5 });
  });
  after(async () => {
    client.close();
    await s.close();
  });
  afterEach(() => {
    s.config.rendering = 'clean';
    s.config.authMode = 'null';
    s.server.clearFaults();
    s.server.clearRequests();
  });

  const cases: Array<[string, string, string, string, string | null]> = [
    ['agent on break', 'agent.break', '9876543210', 'agent_not_in_campaign', 'agent'],
    ['agent not logged in', 'agent.offline', '9876543210', 'agent_not_available', 'agent'],
    ['telephony channel unavailable', 'ravi.k', '9876543201', 'channel_unavailable', '9876543201'],
    ['agent does not answer', 'agent.noanswer', '9876543210', 'agent_no_answer', 'agent'],
    ['customer does not answer', 'ravi.k', '9876543202', 'customer_no_answer', '9876543202'],
    ['connected', 'ravi.k', '9876543210', 'connected', null],
  ];
  for (const rendering of ['clean', 'seed', 'seed-multiline'] as Rendering[]) {
    for (const [title, userId, phone, outcome, party] of cases) {
      it(`${rendering}: ${title} → ${outcome}`, async () => {
        s.config.rendering = rendering;
        const { result, vendor } = await client.clickToDial({ campaignId: 14, userId, phone });
        assert.equal(result.outcome, outcome);
        assert.equal(result.connected, outcome === 'connected');
        assert.equal(result.party, party);
        assert.ok(result.raw.trim().startsWith('{'));
        let isJson = true;
        try {
          JSON.parse(result.raw);
        } catch {
          isJson = false;
        }
        assert.equal(isJson, rendering === 'clean' || (rendering === 'seed' && outcome.startsWith('agent_not')) || outcome === 'agent_not_available');
        assert.equal(typeof vendor.body === 'string', !isJson, 'msg.vendor.body is the text where the answer is not JSON');
        assert.ok(result.reason && !result.reason.includes('\\'), `reason not decoded: ${result.reason}`);
        assert.ok(!/\\u003d/.test(result.reason ?? ''));
        if (outcome === 'agent_not_in_campaign') assert.match(result.reason ?? '', /not working in campaign: ?14/);
        if (!['agent_not_in_campaign', 'agent_not_available'].includes(outcome)) {
          assert.match(result.nodeFlowId ?? '', /^\d+$/);
          assert.match(result.reason ?? '', /^\{node\.flow\.id=\d+, metaData=\d+/);
        }
        assert.equal(vendor.status, 200);
      });
    }
  }

  it('keeps the raw body text exactly as received', async () => {
    s.config.rendering = 'seed';
    const { result } = await client.clickToDial({ campaignId: '14', userId: 'ravi.k', phone: '9876543202' });
    assert.ok(result.raw.startsWith('{"result":"FAILURE","reason":{node.flow.id\\'));
  });

  it('treats the null answer of a wrong hash key, 401 and 403 as AUTH_FAILED', async () => {
    const bad = new AmeyoClient({ url: s.url, hashKey: 'nope', requestingHost: 'crm' });
    for (const mode of ['null', '401', '403'] as const) {
      s.config.authMode = mode;
      await assert.rejects(
        bad.clickToDial({ campaignId: '14', userId: 'a', phone: '123456' }),
        (e: CcError) => e.code === 'AUTH_FAILED' && !e.message.includes('nope'),
      );
    }
    bad.close();
  });

  it('retries a 429 (not processed) and then reports RATE_LIMITED, honouring Retry-After', async () => {
    s.server.addFault({ status: 429, headers: { 'retry-after': '0' }, times: 1 });
    const ok = await client.clickToDial({ campaignId: '14', userId: 'ravi.k', phone: '9876543210' });
    assert.equal(ok.result.outcome, 'connected');
    assert.equal(s.server.requests.length, 2);
    s.server.clearRequests();
    s.server.addFault({ status: 429, headers: { 'retry-after': '0' } });
    await assert.rejects(client.clickToDial({ campaignId: '14', userId: 'ravi.k', phone: '9876543210' }), (e: CcError) => e.code === 'RATE_LIMITED');
    assert.equal(s.server.requests.length, 3, 'one try and two retries');
  });

  it('never repeats a 5xx, a reset or a timeout (a repeat would dial again)', async () => {
    s.server.addFault({ status: 503, body: 'busy', times: 1 });
    await assert.rejects(
      client.clickToDial({ campaignId: '14', userId: 'ravi.k', phone: '9876543210' }),
      (e: CcError) => e.code === 'VENDOR_ERROR' && /503/.test(e.message),
    );
    s.server.addFault({ drop: true, times: 1 });
    await assert.rejects(client.clickToDial({ campaignId: '14', userId: 'ravi.k', phone: '9876543210' }), (e: CcError) => e.code === 'NETWORK');
    s.server.addFault({ delayMs: 300, times: 1 });
    await assert.rejects(
      client.clickToDial({ campaignId: '14', userId: 'ravi.k', phone: '9876543210' }, { timeout: 50 }),
      (e: CcError) => e.code === 'TIMEOUT',
    );
    assert.equal(s.server.requests.length, 3);
  });

  it('maps an HTML page, a 404 and an unrecognised answer to VENDOR_ERROR; an empty 200 to AUTH_FAILED', async () => {
    s.server.addFault({ status: 200, body: '<html>login</html>', times: 1 });
    await assert.rejects(client.clickToDial({ campaignId: '14', userId: 'a', phone: '123456' }), (e: CcError) => e.code === 'VENDOR_ERROR');
    s.server.addFault({ status: 200, body: '{"foo":1}', times: 1 });
    await assert.rejects(
      client.clickToDial({ campaignId: '14', userId: 'a', phone: '123456' }),
      (e: CcError) => e.code === 'VENDOR_ERROR' && /unrecognised/.test(e.message),
    );
    s.server.addFault({ status: 200, body: '', times: 1 });
    await assert.rejects(client.clickToDial({ campaignId: '14', userId: 'a', phone: '123456' }), (e: CcError) => e.code === 'AUTH_FAILED');
    const wrongPath = new AmeyoClient({ url: s.url + '/prefix', hashKey: HASH, requestingHost: 'crm' });
    await assert.rejects(
      wrongPath.clickToDial({ campaignId: '14', userId: 'a', phone: '123456' }),
      (e: CcError) => e.code === 'VENDOR_ERROR' && /404/.test(e.message),
    );
    wrongPath.close();
  });

  it('is NOT_CONFIGURED without url, hash key or requesting host, and sends nothing', async () => {
    for (const settings of [
      { url: '', hashKey: HASH, requestingHost: 'crm' },
      { url: s.url, hashKey: '', requestingHost: 'crm' },
      { url: s.url, hashKey: HASH, requestingHost: '' },
    ]) {
      const c = new AmeyoClient(settings);
      await assert.rejects(c.clickToDial({ campaignId: '14', userId: 'a', phone: '123456' }), (e: CcError) => e.code === 'NOT_CONFIGURED');
      c.close();
    }
    assert.equal(s.server.requests.length, 0);
  });

  it('a click-to-dial that never got a connection before its deadline says it was not sent (not "may still be placed")', async () => {
    const one = new AmeyoClient({ url: s.url, hashKey: HASH, requestingHost: 'crm' }, { maxSockets: 1 });
    try {
      s.server.addFault({ delayMs: 600, times: 1 });
      const first = one.clickToDial({ campaignId: '14', userId: 'ravi.k', phone: '9876543210' }, { timeout: 2000 });
      const second = await one.clickToDial({ campaignId: '14', userId: 'ravi.k', phone: '9876543211' }, { timeout: 150 }).catch((e: CcError) => e);
      assert.ok(second instanceof CcError);
      assert.equal(second.code, 'TIMEOUT');
      assert.equal(second.detail, 'NOT_SENT');
      assert.match(second.message, /not sent/);
      assert.doesNotMatch(second.message, /may still be placed/);
      await first;
      assert.equal(s.server.requests.length, 1, 'only the first call reached Ameyo');
    } finally {
      one.close();
    }
  });
});

describe('Ameyo answer classification rules', () => {
  const req = { phone: '9876543210', userId: '4711' };
  it('an auth-looking status:error is found by words, any other status:error is failed', () => {
    const a = readAnswer('{"status":"error","reason":"Something else","details":"x"}');
    assert.equal(classify(a!, '', req)?.outcome, 'failed');
  });
  it('who did not answer: numeric user ids, suffix phones, names', () => {
    const mk = (p: string) =>
      `{"result":"FAILURE","reason":"{node.flow.id\\u003d1, metaData\\u003d2, node.flow.error.reason\\u003d[\\"Party.did.not.answer\\", \\"${p}\\"]}"}`;
    const cls = (p: string) => classify(readAnswer(mk(p))!, mk(p), req)?.outcome;
    assert.equal(cls('+919876543210'), 'customer_no_answer');
    assert.equal(cls('4711'), 'agent_no_answer');
    assert.equal(cls('555 12345'), 'customer_no_answer');
    assert.equal(cls('supervisor'), 'agent_no_answer');
  });
  it('case-insensitive keys (Result/Reason) and unknown error codes fall to failed', () => {
    const t = '{"Result":"FAILURE","Reason":"{node.flow.id\\u003d9, metaData\\u003d8, node.flow.error.reason\\u003d[\\"Party.busy\\", \\"123456\\"]}"}';
    const r = classify(readAnswer(t)!, t, req);
    assert.equal(r?.outcome, 'failed');
    assert.equal(r?.party, '123456');
    assert.equal(r?.nodeFlowId, '9');
  });
});
