/**
 * The virtualQ client against the simulator, over the wire: error mapping, the 404-as-empty rule,
 * retries, and input checks with nothing sent. Set-up in virtualq-client-support.ts.
 */
import * as assert from 'node:assert/strict';
import { start, type VirtualQSimulator } from '../../simulators/virtualq';
import { VirtualQClient } from '../../lib/virtualq';
import { KEY, MEDIA, PHONE, rejects, virtualqClientHarness, waitUntil } from './virtualq-client-support';

describe('virtualQ client', function () {
  let sim: VirtualQSimulator;
  let client: VirtualQClient;
  const { reqs, last, lineUp } = virtualqClientHarness(this, (s, c) => ([sim, client] = [s, c]));

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
