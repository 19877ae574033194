/**
 * The Diyalog simulator against docs/vendors/diyalog.md, over plain HTTP: the HMAC-checked application API (interactionisnotdelivered).
 * Shared set-up in sim-diyalog-support.ts.
 */
import { strict as assert } from 'node:assert';
import type { DiyalogSimulator } from '../../simulators/diyalog';
import { VECTOR, control, hmac, request, rfc1123, signedHeaders, simulatorHooks } from './sim-diyalog-support';

describe('Diyalog simulator', function () {
  let sim: DiyalogSimulator;
  simulatorHooks((s) => (sim = s));

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
});
