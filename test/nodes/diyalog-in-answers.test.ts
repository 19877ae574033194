/**
 * diyalog-interaction-in + diyalog-interaction-response in a real Node-RED runtime, served
 * by a real HTTP server (the runtime's HTTP node app, mounted under an httpNodeRoot-like
 * prefix) and driven over the wire by the Diyalog simulator's client role: answers from the flow: timeouts, status, exactly once, failures, close.
 * Set-up in diyalog-in-support.ts.
 */
import * as assert from 'node:assert/strict';
import { helper, statuses, waitFor } from '../helpers';
import { ROOT, inboundHarness } from './diyalog-in-support';

describe('diyalog-interaction-in / -response nodes', function () {
  this.timeout(15000);
  const h = inboundHarness();
  const { load, request } = h;

  it('answers 504 after responseTimeout, releases the request, and a late answer is a CONFLICT', async () => {
    const { created, caught } = await load({ responseTimeout: 150, wireResponse: false });
    const t0 = Date.now();
    const r = await request('POST', ROOT + '/diyalog/CreateInteraction', {}, '{"customerId":"C"}');
    assert.equal(r.status, 504);
    assert.ok(Date.now() - t0 >= 140);
    assert.deepEqual(r.json, { success: false, errorMessage: 'no answer from the flow within 150 ms', result: null });
    const inNode = helper.getNode('in') as unknown as { endpoint: { pendingCount: number } };
    assert.equal(inNode.endpoint.pendingCount, 0);
    const late = { ...created[0], interactionId: 'IX-late' };
    helper.getNode('resp').receive(late);
    await waitFor(() => caught.length === 1);
    const err = caught[0].error as { code: string; message: string };
    assert.equal(err.code, 'CONFLICT');
    assert.match(err.message, /already answered, timed out/);
  });

  it('shows the pending count (throttled), then a 504 as a red ring, cleared by the next answer', async () => {
    const { created, deleted } = await load({ responseTimeout: 600, wireResponse: false });
    const st = statuses(helper.getNode('in'));
    const p1 = request('POST', ROOT + '/diyalog/CreateInteraction', {}, '{"customerId":"A"}');
    const p2 = request('POST', ROOT + '/diyalog/CreateInteraction', {}, '{"customerId":"B"}');
    await waitFor(() => created.length === 2);
    await waitFor(() => st.some((x) => x.text === '2'), 2000, 'pending count');
    assert.deepEqual(
      st.find((x) => x.text === '2'),
      { fill: 'blue', shape: 'dot', text: '2' },
    );
    assert.deepEqual([(await p1).status, (await p2).status], [504, 504]);
    await waitFor(() => st.at(-1)?.text === '504', 2000, 'red 504');
    assert.deepEqual(st.at(-1), { fill: 'red', shape: 'ring', text: '504' });
    assert.ok(st.length <= 4, `throttled: ${JSON.stringify(st)}`);
    const p3 = request('DELETE', ROOT + '/diyalog/IX-1');
    await waitFor(() => deleted.length === 1);
    helper.getNode('resp').receive(deleted[0]);
    assert.equal((await p3).status, 200);
    await waitFor(() => JSON.stringify(st.at(-1)) === '{}', 2000, 'cleared');
  });

  it('answers exactly once: a second answer to the same request is a CONFLICT, not a crash', async () => {
    const { created, caught } = await load({ wireResponse: false });
    const pending = request('POST', ROOT + '/diyalog/CreateInteraction', {}, '{"customerId":"C"}');
    await waitFor(() => created.length === 1);
    const resp = helper.getNode('resp');
    resp.receive({ ...created[0], interactionId: 'IX-first' });
    resp.receive({ ...created[0], interactionId: 'IX-second' });
    const r = await pending;
    assert.equal(r.text, '{"success":true,"errorMessage":null,"result":{"interactionId":"IX-first"}}');
    await waitFor(() => caught.length === 1);
    assert.equal((caught[0].error as { code: string }).code, 'CONFLICT');
  });

  it('answers success:false from msg.payload or msg.error, and refuses msgs not from the endpoint', async () => {
    const { created, deleted, caught } = await load({ wireResponse: false });
    const resp = helper.getNode('resp');
    const st = statuses(resp);
    const p1 = request('POST', ROOT + '/diyalog/CreateInteraction', {}, '{"customerId":"C"}');
    const p2 = request('DELETE', ROOT + '/diyalog/IX-7', {});
    await waitFor(() => created.length === 1 && deleted.length === 1);
    resp.receive({ ...created[0], payload: { success: false, errorMessage: 'Video queue is closed' } });
    resp.receive({ ...deleted[0], error: { message: 'already with an agent' } });
    assert.equal((await p1).text, '{"success":false,"errorMessage":"Video queue is closed","result":null}');
    assert.equal((await p2).text, '{"success":false,"errorMessage":"already with an agent","result":null}');
    resp.receive({ payload: { customerId: 'C' }, interactionId: 'IX-1' });
    await waitFor(() => caught.length === 1);
    const err = caught[0].error as { code: string; message: string };
    assert.equal(err.code, 'INVALID_INPUT');
    assert.match(err.message, /did not come from diyalog-interaction-in/);
    assert.deepEqual(st.at(-1), { fill: 'red', shape: 'ring', text: 'INVALID_INPUT' });
  });

  it('refuses a CreateInteraction answer without an interaction id (INVALID_INPUT, nothing sent)', async () => {
    const { created, caught } = await load({ responseTimeout: 300, wireResponse: false });
    const p = request('POST', ROOT + '/diyalog/CreateInteraction', {}, '{"customerId":"C"}');
    await waitFor(() => created.length === 1);
    helper.getNode('resp').receive({ ...created[0] });
    await waitFor(() => caught.length === 1);
    assert.equal((caught[0].error as { code: string }).code, 'INVALID_INPUT');
    assert.equal((await p).status, 504);
  });

  it('releases pending requests when the node closes (503), leaving no timers behind', async () => {
    const { created } = await load({ responseTimeout: 60000, wireResponse: false });
    const p = request('POST', ROOT + '/diyalog/CreateInteraction', {}, '{"customerId":"C"}');
    await waitFor(() => created.length === 1);
    await helper.unload();
    const r = await p;
    assert.equal(r.status, 503);
    assert.equal((r.json as { success: boolean }).success, false);
  });
});
