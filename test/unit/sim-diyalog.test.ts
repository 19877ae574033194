/**
 * The Diyalog simulator against docs/vendors/diyalog.md, over plain HTTP: the queueing service role, its control API and faults.
 * Shared set-up in sim-diyalog-support.ts.
 */
import { strict as assert } from 'node:assert';
import { start, type DiyalogSimulator } from '../../simulators/diyalog';
import { control, request, simulatorHooks } from './sim-diyalog-support';

describe('Diyalog simulator', function () {
  let sim: DiyalogSimulator;
  simulatorHooks((s) => (sim = s));

  describe('queueing service role', () => {
    const seedArray =
      '{"identityNumber":"10000000146","customerId":"CUS-77812","attachedData":[{"TRX":"LoanApplication"},{"ProcessType":"VideoCall"},{"Branch":"0042"}]}';
    const flat = { TRX: 'LoanApplication', ProcessType: 'VideoCall', Branch: '0042' };

    it('answers CreateInteraction (array form) with the documented envelope and a string id', async () => {
      const a = await request('POST', `${sim.url}/queue/CreateInteraction`, { 'content-type': 'application/json' }, seedArray);
      assert.equal(a.status, 200);
      assert.equal(a.headers['content-type'], 'application/json; charset=utf-8');
      const body = a.json as { success: boolean; errorMessage: null; result: { interactionId: string } };
      assert.equal(body.success, true);
      assert.equal(body.errorMessage, null);
      assert.match(body.result.interactionId, /^IX-\d{8}-0001$/);
      const ix = sim.state.interactions.get(body.result.interactionId);
      assert.ok(ix);
      assert.deepEqual(ix.attachedData, flat);
      assert.equal(ix.attachedDataShape, 'array');
      assert.equal(ix.identityNumber, '10000000146');
      assert.equal(sim.server.requestsTo('/queue/CreateInteraction', 'POST')[0].body, seedArray);
    });

    it('accepts the flat attachedData form, a numeric identityNumber, no identityNumber, and keeps sessionId', async () => {
      const a = await request(
        'POST',
        `${sim.url}/queue/CreateInteraction`,
        { 'content-type': 'application/json' },
        JSON.stringify({ identityNumber: 10000000146, customerId: 77812, attachedData: flat, sessionId: 'S-1' }),
      );
      assert.equal(a.status, 200);
      const id = (a.json as { result: { interactionId: string } }).result.interactionId;
      const ix = sim.state.interactions.get(id);
      assert.ok(ix);
      assert.deepEqual(ix.attachedData, flat);
      assert.equal(ix.attachedDataShape, 'object');
      assert.equal(ix.identityNumber, '10000000146');
      assert.equal(ix.customerId, '77812');
      assert.equal(ix.sessionId, 'S-1');
      const b = await request('POST', `${sim.url}/queue/CreateInteraction`, {}, JSON.stringify({ customerId: 'C' }));
      assert.equal(b.status, 200, 'no content type and no identityNumber are fine');
      const c = await request(
        'POST',
        `${sim.url}/queue/CreateInteraction`,
        { 'content-type': 'text/plain' },
        JSON.stringify({ customerId: 'C', attachedData: null }),
      );
      assert.equal(c.status, 200);
      assert.deepEqual(
        sim.state.waiting.map((w) => w.customerId),
        ['77812', 'C', 'C'],
      );
    });

    for (const [name, body, msg] of [
      ['malformed JSON', '{"customerId":', /not valid JSON/],
      ['a non-object body', '[1,2]', /JSON object/],
      ['a missing customerId', '{"attachedData":[]}', /customerId/],
      ['an empty customerId', '{"customerId":""}', /customerId/],
      ['a string attachedData', '{"customerId":"C","attachedData":"x"}', /attachedData/],
      ['an attachedData element that is not an object', '{"customerId":"C","attachedData":[{"a":"1"},"b"]}', /attachedData\[1\]/],
    ] as const) {
      it(`rejects ${name} with 400 and the envelope`, async () => {
        const a = await request('POST', `${sim.url}/queue/CreateInteraction`, { 'content-type': 'application/json' }, body);
        assert.equal(a.status, 400);
        const env = a.json as { success: boolean; errorMessage: string; result: null };
        assert.equal(env.success, false);
        assert.equal(env.result, null);
        assert.match(env.errorMessage, msg);
        assert.equal(sim.state.interactions.size, 0);
      });
    }

    it('checks Auth-Token when one is configured (401 envelope, token not echoed)', async () => {
      sim.setQueue({ authToken: 's3cr3t-shared-token' });
      const body = JSON.stringify({ customerId: 'C' });
      const none = await request('POST', `${sim.url}/queue/CreateInteraction`, {}, body);
      const wrong = await request('POST', `${sim.url}/queue/CreateInteraction`, { 'Auth-Token': 's3cr3t-shared-tokeN' }, body);
      const right = await request('POST', `${sim.url}/queue/CreateInteraction`, { 'AUTH-TOKEN': 's3cr3t-shared-token' }, body);
      assert.equal(none.status, 401);
      assert.equal(wrong.status, 401);
      assert.deepEqual(Object.keys(wrong.json as object), ['success', 'errorMessage', 'result']);
      assert.ok(!wrong.text.includes('s3cr3t'));
      assert.equal(right.status, 200);
      const del = await request('DELETE', `${sim.url}/queue/IX-1`, {});
      assert.equal(del.status, 401, 'DELETE is checked too');
    });

    it('answers success:false with HTTP 200 in fail mode (set over HTTP)', async () => {
      const c = await control(sim, 'queue', { mode: 'fail', errorMessage: 'Video queue is closed' });
      assert.equal(c.status, 200);
      const a = await request('POST', `${sim.url}/queue/CreateInteraction`, {}, JSON.stringify({ customerId: 'C' }));
      assert.equal(a.status, 200);
      assert.deepEqual(a.json, { success: false, errorMessage: 'Video queue is closed', result: null });
      assert.equal(sim.state.interactions.size, 0);
    });

    it('sends the malformed "=" body of Diyalog\'s document in malformed mode', async () => {
      await control(sim, 'queue', { mode: 'malformed' });
      const a = await request('POST', `${sim.url}/queue/CreateInteraction`, {}, JSON.stringify({ customerId: 'C' }));
      assert.equal(a.status, 200);
      assert.equal(a.json, undefined, 'not valid JSON');
      const id = [...sim.state.interactions.keys()][0];
      assert.equal(a.text, `{\n"success" : true,\n"errorMessage" : null,\n"result" : {\n"interactionId" = "${id}"\n}\n}`);
    });

    it('answers 401 in unauthorized mode and slowly with delayMs', async () => {
      await control(sim, 'queue', { mode: 'unauthorized' });
      const a = await request('POST', `${sim.url}/queue/CreateInteraction`, {}, JSON.stringify({ customerId: 'C' }));
      assert.equal(a.status, 401);
      assert.equal((a.json as { success: boolean }).success, false);
      await control(sim, 'queue', { mode: 'ok', delayMs: 150 });
      const t0 = Date.now();
      const b = await request('POST', `${sim.url}/queue/CreateInteraction`, {}, JSON.stringify({ customerId: 'C' }));
      assert.equal(b.status, 200);
      assert.ok(Date.now() - t0 >= 140, 'answer was delayed');
    });

    it('rejects bad queue settings over HTTP with 400', async () => {
      const a = await control(sim, 'queue', { mode: 'sometimes' });
      assert.equal(a.status, 400);
      const b = await control(sim, 'queue', { deleteStatus: 201 });
      assert.equal(b.status, 400);
    });

    it('deletes a known interaction (percent-decoded id) and removes the waiting customer', async () => {
      const a = await request('POST', `${sim.url}/queue/CreateInteraction`, {}, JSON.stringify({ customerId: 'C' }));
      const id = (a.json as { result: { interactionId: string } }).result.interactionId;
      assert.equal(sim.state.waiting.length, 1);
      const d = await request('DELETE', `${sim.url}/queue/${encodeURIComponent(id)}`);
      assert.equal(d.status, 200);
      assert.deepEqual(d.json, { success: true, errorMessage: null, result: null });
      assert.equal(sim.state.interactions.size, 0);
      assert.equal(sim.state.waiting.length, 0);
      assert.deepEqual(sim.state.deleted, [id]);
      sim.state.interactions.set('A/B C', { interactionId: 'A/B C', customerId: 'x', attachedData: {}, attachedDataShape: 'none', body: {}, createdAt: 0 });
      const e = await request('DELETE', `${sim.url}/queue/A%2FB%20C`);
      assert.equal(e.status, 200);
      assert.deepEqual(sim.state.deleted, [id, 'A/B C']);
    });

    it('answers 404 for an unknown id, 204/202 when scripted, 400 for an empty id', async () => {
      const u = await request('DELETE', `${sim.url}/queue/IX-404`);
      assert.equal(u.status, 404);
      assert.match((u.json as { errorMessage: string }).errorMessage, /IX-404/);
      for (const status of [204, 202] as const) {
        await control(sim, 'queue', { deleteStatus: status });
        const a = await request('POST', `${sim.url}/queue/CreateInteraction`, {}, JSON.stringify({ customerId: 'C' }));
        const id = (a.json as { result: { interactionId: string } }).result.interactionId;
        const d = await request('DELETE', `${sim.url}/queue/${id}`);
        assert.equal(d.status, status);
        if (status === 204) assert.equal(d.text, '');
        else assert.deepEqual(d.json, { success: true, errorMessage: null, result: null });
      }
      const e = await request('DELETE', `${sim.url}/queue/`);
      assert.equal(e.status, 400);
    });

    it('answers 405 for other methods and 404 for other routes', async () => {
      assert.equal((await request('GET', `${sim.url}/queue/CreateInteraction`)).status, 405);
      assert.equal((await request('PUT', `${sim.url}/queue/IX-1`, {}, '{}')).status, 405);
      assert.equal((await request('DELETE', `${sim.url}/queue/a/b`)).status, 404);
      assert.equal((await request('GET', `${sim.url}/elsewhere`)).status, 404);
    });

    it('honours a custom queue path', async () => {
      const other = await start({ port: 0, queuePath: 'diyalog/q/' });
      try {
        assert.equal(other.queueUrl, `${other.url}/diyalog/q`);
        const a = await request('POST', `${other.queueUrl}/CreateInteraction`, {}, JSON.stringify({ customerId: 'C' }));
        assert.equal(a.status, 200);
        assert.equal((await request('POST', `${other.url}/queue/CreateInteraction`, {}, '{}')).status, 404);
      } finally {
        await other.close();
      }
    });

    it('applies scripted faults (429 with Retry-After, dropped connection) before the vendor logic', async () => {
      const f = await request(
        'POST',
        `${sim.url}/__sim/faults`,
        { 'content-type': 'application/json' },
        JSON.stringify({ path: '/queue/CreateInteraction', status: 429, headers: { 'retry-after': '1' }, times: 1 }),
      );
      assert.equal(f.status, 200);
      const a = await request('POST', `${sim.url}/queue/CreateInteraction`, {}, JSON.stringify({ customerId: 'C' }));
      assert.equal(a.status, 429);
      assert.equal(a.headers['retry-after'], '1');
      const b = await request('POST', `${sim.url}/queue/CreateInteraction`, {}, JSON.stringify({ customerId: 'C' }));
      assert.equal(b.status, 200, 'fault applied once');
      sim.server.addFault({ path: '/queue', drop: true, times: 1 });
      await assert.rejects(request('DELETE', `${sim.url}/queue/IX-1`));
    });
  });
});
