/**
 * The Diyalog simulator against docs/vendors/diyalog.md, over plain HTTP: the queueing
 * service role, the HMAC-checked application API, the driver role, the control API, faults.
 */
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { start, type DiyalogSimulator } from '../../simulators/diyalog';
import { cli, driveCreate, driveDelete } from '../../simulators/diyalog/driver';
import { rawRequest, type RawAnswer } from '../helpers';

type Answer = RawAnswer;

function request(method: string, url: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return rawRequest(url, { method, headers, body });
}

const control = (sim: DiyalogSimulator, name: string, body: unknown): Promise<Answer> =>
  request('POST', `${sim.url}/__sim/${name}`, { 'content-type': 'application/json' }, JSON.stringify(body));

const VECTOR = {
  secret: 'demo-secret-key',
  date: 'Tue, 09 Mar 2021 13:28:32 GMT',
  body: '{"interactionId":"IX-20250101-0042","message":"No agent is free right now, please try again later."}',
  path: '/v1/application/interactionisnotdelivered',
  withLf: 'Oeh9jlPV3YFCCB5ial0sJ8JQj+Qp2EWd3AUyg0WL7DE=',
  withoutLf: 'KN84z7v7zXxn3WaK+r//Is7+tbFClF9wTV/UZDya8+c=',
};

/** Signs independently of the simulator's own code (node:crypto, docs/vendors/diyalog.md 2.2). */
function hmac(secret: string, date: string, body: string, path: string, lf = true, contentType = 'application/json'): string {
  const s = `POST\n${contentType}\n${date}\n${body}${lf ? '\n' : ''}${path}`;
  return createHmac('sha256', secret).update(s, 'utf8').digest('base64');
}

function rfc1123(t: number): string {
  return new Date(t).toUTCString();
}

function signedHeaders(opts: {
  keyId?: string;
  secret?: string;
  date?: string;
  body: string;
  path?: string;
  lf?: boolean;
  requester?: string;
}): Record<string, string> {
  const date = opts.date ?? rfc1123(Date.now());
  const sig = hmac(opts.secret ?? 'demo-secret-key', date, opts.body, opts.path ?? VECTOR.path, opts.lf ?? true);
  return {
    'content-type': 'application/json',
    'x-dlg-date': date,
    'x-dlg-requester-userid': opts.requester ?? '45186',
    'x-dlg-authorization': `DLGA ${opts.keyId ?? 'AK-7f3e21'}:${sig}`,
  };
}

describe('Diyalog simulator', function () {
  let sim: DiyalogSimulator;
  before(async () => {
    sim = await start({ port: 0 });
  });
  after(async () => {
    await sim.close();
  });
  beforeEach(() => {
    sim.reset();
    sim.server.clearRequests();
  });

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

  describe('application API role (interactionisnotdelivered)', () => {
    const url = (): string => `${sim.url}${VECTOR.path}`;

    it('accepts the project test vector in both string-to-sign forms', async () => {
      // The node:crypto signature of the vector (independent of the simulator) matches the note.
      assert.equal(hmac(VECTOR.secret, VECTOR.date, VECTOR.body, VECTOR.path, true), VECTOR.withLf);
      assert.equal(hmac(VECTOR.secret, VECTOR.date, VECTOR.body, VECTOR.path, false), VECTOR.withoutLf);
      await control(sim, 'api', { clockOffsetMs: Date.parse(VECTOR.date) - Date.now() });
      for (const sig of [VECTOR.withLf, VECTOR.withoutLf]) {
        await control(sim, 'waiting', { interactionId: 'IX-20250101-0042' });
        const a = await request(
          'POST',
          url(),
          { 'Content-Type': 'application/json', 'x-dlg-date': VECTOR.date, 'x-dlg-requester-userid': '45186', 'x-dlg-authorization': `DLGA AK-7f3e21:${sig}` },
          VECTOR.body,
        );
        assert.equal(a.status, 200, a.text);
        assert.deepEqual(a.json, { isSuccess: true, message: 'Customer waiting will be stopped.' });
      }
      assert.deepEqual(sim.acceptedSignatureForms, ['lf', 'nolf']);
      assert.equal(sim.state.notDelivered[0].requesterUserId, '45186');
      assert.equal(sim.state.notDelivered[0].message, 'No agent is free right now, please try again later.');
    });

    it('accepts a ±hhmm date and a path prefix signed as sent', async () => {
      sim.state.addWaiting({ interactionId: 'IX-1' });
      const body = '{"interactionId":"IX-1"}';
      const t = Date.now();
      const d = new Date(t + 3 * 3600000);
      const pad = (n: number): string => String(n).padStart(2, '0');
      const date = `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()]}, ${pad(d.getUTCDate())} ${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0300`;
      const path = '/api' + VECTOR.path;
      const a = await request('POST', `${sim.url}${path}`, signedHeaders({ body, date, path }), body);
      assert.equal(a.status, 200, a.text);
      assert.equal((a.json as { isSuccess: boolean }).isSuccess, true);
    });

    for (const [name, mutate, status, text] of [
      ['a missing date header', (h: Record<string, string>) => delete h['x-dlg-date'], 400, 'Required headers not found'],
      ['a missing requester header', (h: Record<string, string>) => delete h['x-dlg-requester-userid'], 400, 'Required headers not found'],
      ['a missing authorization header', (h: Record<string, string>) => delete h['x-dlg-authorization'], 400, 'Required headers not found'],
      [
        'an authorization not in DLGA form',
        (h: Record<string, string>) => (h['x-dlg-authorization'] = h['x-dlg-authorization'].replace('DLGA ', 'HMAC ')),
        400,
        'Authorization failed due to data format not valid',
      ],
      ['an unparseable date', (h: Record<string, string>) => (h['x-dlg-date'] = '2021-03-09T13:28:32Z'), 400, 'Authorization failed due to date not valid'],
      [
        'a wrong signature',
        (h: Record<string, string>) => (h['x-dlg-authorization'] = 'DLGA AK-7f3e21:AAAA' + h['x-dlg-authorization'].slice(18)),
        401,
        'Authorization failed',
      ],
      [
        'an unknown key id',
        (h: Record<string, string>) => (h['x-dlg-authorization'] = h['x-dlg-authorization'].replace('AK-7f3e21', 'AK-other')),
        401,
        'Authorization failed',
      ],
      [
        'a content type other than the signed one',
        (h: Record<string, string>) => (h['content-type'] = 'application/json; charset=utf-8'),
        401,
        'Authorization failed',
      ],
    ] as const) {
      it(`refuses ${name}: ${status} "${text}" as plain text`, async () => {
        sim.state.addWaiting({ interactionId: 'IX-1' });
        const body = '{"interactionId":"IX-1"}';
        const h = signedHeaders({ body });
        mutate(h);
        const a = await request('POST', url(), h, body);
        assert.equal(a.status, status);
        assert.equal(a.text, text);
        assert.equal(sim.state.notDelivered.length, 0);
      });
    }

    it('refuses a date more than 15 min off with 403 (and accepts 14 min)', async () => {
      sim.state.addWaiting({ interactionId: 'IX-1' });
      const body = '{"interactionId":"IX-1"}';
      const far = await request('POST', url(), signedHeaders({ body, date: rfc1123(Date.now() - 16 * 60000) }), body);
      assert.equal(far.status, 403);
      assert.equal(far.text, 'Request time may not be correct.');
      const near = await request('POST', url(), signedHeaders({ body, date: rfc1123(Date.now() + 14 * 60000) }), body);
      assert.equal(near.status, 200);
    });

    it('sends the HMAC failure text JSON-quoted when scripted', async () => {
      await control(sim, 'api', { errorTextStyle: 'quoted' });
      const body = '{"interactionId":"IX-1"}';
      const h = signedHeaders({ body, secret: 'wrong' });
      const a = await request('POST', url(), h, body);
      assert.equal(a.status, 401);
      assert.equal(a.text, '"Authorization failed"');
    });

    it('answers the three errorCode refusals and success by session', async () => {
      const send = async (b: object): Promise<unknown> => {
        const body = JSON.stringify(b);
        return (await request('POST', url(), signedHeaders({ body }), body)).json;
      };
      assert.deepEqual(await send({ message: 'x' }), { isSuccess: false, message: 'InteractionId or SessionId is required.', errorCode: 400 });
      assert.equal(((await send({ interactionId: 'IX-9' })) as { errorCode: number }).errorCode, 402);
      await control(sim, 'waiting', { interactionId: 'IX-A', sessionId: 'S-A' });
      assert.equal(((await send({ interactionId: 'IX-B', sessionId: 'S-A' })) as { errorCode: number }).errorCode, 403);
      assert.equal(((await send({ sessionId: 'S-A' })) as { isSuccess: boolean }).isSuccess, true);
      assert.equal(((await send({ sessionId: 'S-A' })) as { errorCode: number }).errorCode, 402, 'no longer waiting');
      await control(sim, 'api', { requireWaiting: false });
      assert.equal(((await send({ interactionId: 'anything' })) as { isSuccess: boolean }).isSuccess, true);
    });

    it('answers 500 with plain text for a signed body that is not JSON', async () => {
      const body = 'not json';
      const a = await request('POST', url(), signedHeaders({ body }), body);
      assert.equal(a.status, 500);
      assert.match(String(a.headers['content-type']), /^text\/plain/);
      assert.ok(a.text.length > 0);
    });

    it('knows keys added over HTTP and the interactions its queue created', async () => {
      const k = await control(sim, 'api-keys', { accessKeyId: 'AK-2', accessKeySecret: 'other-secret' });
      assert.equal(k.status, 200);
      assert.ok(!k.text.includes('other-secret'));
      const c = await request('POST', `${sim.url}/queue/CreateInteraction`, {}, JSON.stringify({ customerId: 'C', sessionId: 'S-9' }));
      const id = (c.json as { result: { interactionId: string } }).result.interactionId;
      const body = JSON.stringify({ interactionId: id, message: 'sorry' });
      const a = await request('POST', url(), signedHeaders({ body, keyId: 'AK-2', secret: 'other-secret' }), body);
      assert.deepEqual(a.json, { isSuccess: true, message: 'Customer waiting will be stopped.' });
      const st = await control(sim, 'state', {});
      const snap = (st.json as { result: { notDelivered: Array<{ interactionId: string }>; waiting: unknown[]; acceptedSignatureForms: string[] } }).result;
      assert.equal(snap.notDelivered[0].interactionId, id);
      assert.deepEqual(snap.acceptedSignatureForms, ['lf']);
      assert.equal(snap.waiting.length, 0);
    });

    it('answers 405 to other methods on the operation path', async () => {
      assert.equal((await request('GET', url())).status, 405);
    });
  });

  describe('driver role (Diyalog calling an endpoint)', () => {
    let target: http.Server;
    let targetUrl: string;
    const seen: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: string }> = [];
    before(async () => {
      target = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
          res.end('{"success":true,"errorMessage":null,"result":{"interactionId":"IX-T"}}');
        });
      });
      await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
      targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/diyalog`;
    });
    after(async () => {
      await new Promise<void>((r) => target.close(() => r()));
    });
    beforeEach(() => {
      seen.length = 0;
    });

    it('sends CreateInteraction in the array form by default and the object form on request', async () => {
      const a = await driveCreate({
        endpoint: targetUrl,
        identityNumber: '10000000146',
        customerId: 'CUS-77812',
        attachedData: { TRX: 'LoanApplication', ProcessType: 'VideoCall' },
        authToken: 'tok',
      });
      assert.equal(a.status, 200);
      assert.deepEqual(a.json, { success: true, errorMessage: null, result: { interactionId: 'IX-T' } });
      await driveCreate({
        endpoint: targetUrl + '/',
        customerId: 'C',
        attachedData: { a: '1' },
        shape: 'object',
        contentType: null,
        extra: { sessionId: 'S' },
      });
      assert.equal(seen[0].method, 'POST');
      assert.equal(seen[0].url, '/diyalog/CreateInteraction');
      assert.equal(seen[0].headers['content-type'], 'application/json');
      assert.equal(seen[0].headers['auth-token'], 'tok');
      assert.equal(
        seen[0].body,
        '{"identityNumber":"10000000146","customerId":"CUS-77812","attachedData":[{"TRX":"LoanApplication"},{"ProcessType":"VideoCall"}]}',
      );
      assert.equal(seen[1].url, '/diyalog/CreateInteraction');
      assert.equal(seen[1].headers['content-type'], undefined);
      assert.equal(seen[1].headers['auth-token'], undefined);
      assert.equal(seen[1].body, '{"customerId":"C","attachedData":{"a":"1"},"sessionId":"S"}');
    });

    it('sends DELETE with the id percent-encoded and no body', async () => {
      await driveDelete({ endpoint: targetUrl, interactionId: 'IX 1/2', authToken: 'tok' });
      assert.equal(seen[0].method, 'DELETE');
      assert.equal(seen[0].url, '/diyalog/IX%201%2F2');
      assert.equal(seen[0].body, '');
      assert.equal(seen[0].headers['auth-token'], 'tok');
    });

    it("is drivable over HTTP (drive job, then drive-result) against the simulator's own queue", async () => {
      const j = await control(sim, 'drive', {
        op: 'create',
        endpoint: sim.queueUrl,
        customerId: 'C',
        attachedData: { ProcessType: 'VideoCall' },
        shape: 'object',
      });
      assert.equal(j.status, 200);
      const jobId = (j.json as { result: { jobId: number } }).result.jobId;
      let r: { done: boolean; result?: { status: number; json: { result: { interactionId: string } } } } = { done: false };
      for (let i = 0; i < 50 && !r.done; i++) {
        r = ((await control(sim, 'drive-result', { jobId })).json as { result: typeof r }).result;
        if (!r.done) await new Promise((res) => setTimeout(res, 20));
      }
      assert.ok(r.done && r.result);
      assert.equal(r.result.status, 200);
      const id = r.result.json.result.interactionId;
      assert.deepEqual(sim.state.interactions.get(id)?.attachedData, { ProcessType: 'VideoCall' });
      assert.equal((await control(sim, 'drive', { op: 'jump', endpoint: sim.queueUrl })).status, 400);
    });

    it('runs from the command line (cli)', async () => {
      const lines: string[] = [];
      const code = await cli(
        ['create', '--endpoint', sim.queueUrl, '--customer', 'CUS-1', '--data', 'ProcessType=VideoCall', '--data', 'Branch=0042', '--shape', 'object'],
        (s) => lines.push(s),
      );
      assert.equal(code, 0);
      assert.match(lines[0], /^HTTP 200/);
      const id = (JSON.parse(lines[1]) as { result: { interactionId: string } }).result.interactionId;
      assert.deepEqual(sim.state.interactions.get(id)?.attachedData, { ProcessType: 'VideoCall', Branch: '0042' });
      assert.equal(await cli(['delete', '--endpoint', sim.queueUrl, '--id', id], (s) => lines.push(s)), 0);
      assert.equal(await cli(['delete', '--endpoint', sim.queueUrl, '--id', id], (s) => lines.push(s)), 1, 'second delete: 404');
      assert.equal(await cli(['frobnicate'], (s) => lines.push(s)), 2);
    });
  });
});
