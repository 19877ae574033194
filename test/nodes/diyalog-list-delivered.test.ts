/**
 * Two Diyalog rules over the wire (issue #18):
 *  - `diyalog-interaction-in` keeps `attachedData` unflattened in `msg.payload.attachedDataList`
 *    (every key/value pair as received, repeated keys kept) beside the flat object;
 *  - the simulator's queueing service refuses a DELETE of an interaction an agent already took
 *    (docs/vendors/diyalog.md 3.2: HTTP 200, `success:false`), which `diyalog-delete-interaction`
 *    reports as `VENDOR_ERROR` with the refusal's message.
 */
import * as assert from 'node:assert/strict';
import { catchNode, collect, helper, onTab, nodeSet, rawRequest, waitFor } from '../helpers';
import { ROOT, inboundHarness } from './diyalog-in-support';

describe('diyalog-interaction-in: attachedData unflattened (attachedDataList)', function () {
  this.timeout(15000);
  const h = inboundHarness();

  it('array form with repeated keys: every pair in order beside the flat object (a later key wins there)', async () => {
    const { created } = await h.load();
    const r = await h.sim.driver.create({
      endpoint: h.base + ROOT + '/diyalog',
      rawBody: JSON.stringify({
        customerId: 'CUS-1',
        attachedData: [{ Product: 'Loan' }, { Product: 'Card', Branch: '0042' }, { Note: { lang: 'tr' } }, { Product: 'Mortgage' }],
      }),
    });
    assert.equal(r.status, 200);
    await waitFor(() => created.length === 1);
    const p = created[0].payload as Record<string, unknown>;
    assert.deepEqual(p.attachedData, { Product: 'Mortgage', Branch: '0042', Note: { lang: 'tr' } });
    assert.deepEqual(p.attachedDataList, [
      { key: 'Product', value: 'Loan' },
      { key: 'Product', value: 'Card' },
      { key: 'Branch', value: '0042' },
      { key: 'Note', value: { lang: 'tr' } },
      { key: 'Product', value: 'Mortgage' },
    ]);
  });

  it('object form gives its pairs, a missing attachedData an empty list; the same payload for both shapes without repeats', async () => {
    const { created } = await h.load();
    const endpoint = h.base + ROOT + '/diyalog';
    const attachedData = { TRX: 'LoanApplication', ProcessType: 'VideoCall' };
    await h.sim.driver.create({ endpoint, customerId: 'C', attachedData, shape: 'array' });
    await h.sim.driver.create({ endpoint, customerId: 'C', attachedData, shape: 'object' });
    await h.sim.driver.create({ endpoint, rawBody: '{"customerId":"D"}' });
    await waitFor(() => created.length === 3);
    assert.deepEqual((created[0].payload as { attachedDataList: unknown }).attachedDataList, [
      { key: 'TRX', value: 'LoanApplication' },
      { key: 'ProcessType', value: 'VideoCall' },
    ]);
    assert.deepEqual(created[1].payload, created[0].payload);
    assert.deepEqual(created[2].payload, { customerId: 'D', attachedData: {}, attachedDataList: [] });
  });

  it('leaves out keys that could reach a prototype, in the list as in the flat object', async () => {
    const { created } = await h.load();
    await h.sim.driver.create({
      endpoint: h.base + ROOT + '/diyalog',
      rawBody: '{"customerId":"C","attachedData":[{"__proto__":{"polluted":true}},{"constructor":1,"q":"video"}]}',
    });
    await waitFor(() => created.length === 1);
    const p = created[0].payload as { attachedData: Record<string, unknown>; attachedDataList: unknown };
    assert.deepEqual(p.attachedDataList, [{ key: 'q', value: 'video' }]);
    assert.deepEqual(Object.keys(p.attachedData), ['q']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('Diyalog simulator: no delete after delivery to an agent', function () {
  this.timeout(15000);
  const h = inboundHarness();

  async function loadClients(): Promise<{
    create: ReturnType<typeof helper.getNode>;
    del: ReturnType<typeof helper.getNode>;
    out: Msgs;
    gone: Msgs;
    caught: Msgs;
  }> {
    const f = onTab([
      { id: 'dcfg', type: 'diyalog-config', url: h.sim.queueUrl, timeout: 3000 },
      { id: 'create', type: 'diyalog-create-interaction', config: 'dcfg', wires: [['out']] },
      { id: 'del', type: 'diyalog-delete-interaction', config: 'dcfg', wires: [['gone']] },
      { id: 'out', type: 'helper' },
      { id: 'gone', type: 'helper' },
    ]);
    await helper.load([nodeSet('diyalog'), catchNode], f as never, {});
    return {
      create: helper.getNode('create'),
      del: helper.getNode('del'),
      out: collect(helper.getNode('out')),
      gone: collect(helper.getNode('gone')),
      caught: collect(helper.getNode('caught')),
    };
  }
  type Msgs = Array<Record<string, unknown>>;

  const control = async (name: string, body: unknown): Promise<{ status: number; json: unknown }> => {
    const r = await rawRequest(`${h.sim.url}/__sim/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: r.status, json: JSON.parse(r.text) as unknown };
  };

  afterEach(() => h.sim.reset());

  it('an agent takes the oldest interaction (POST /__sim/deliver): its DELETE is refused, the other one is deleted', async () => {
    const c = await loadClients();
    c.create.receive({ payload: { customerId: 'CUS-1', attachedData: { ProcessType: 'VideoCall' } } });
    await waitFor(() => c.out.length === 1);
    c.create.receive({ payload: { customerId: 'CUS-2' } });
    await waitFor(() => c.out.length === 2);
    const [first, second] = c.out.map((m) => String(m.interactionId));

    const taken = await control('deliver', { agent: 'agent07' });
    assert.equal(taken.status, 200);
    assert.deepEqual((taken.json as { result: unknown }).result, { interactionId: first, deliveredTo: 'agent07' });
    assert.ok(!h.sim.state.waiting.some((w) => w.interactionId === first), 'the customer left the waiting screen');

    c.del.receive({ payload: { interactionId: first } });
    await waitFor(() => c.caught.length === 1);
    const err = c.caught[0].error as { code: string; message: string };
    assert.equal(err.code, 'VENDOR_ERROR');
    assert.match(err.message, new RegExp(`interaction ${first} is already with an agent`));
    assert.deepEqual((c.caught[0].vendor as { status: number; body: unknown }).body, {
      success: false,
      errorMessage: `interaction ${first} is already with an agent`,
      result: null,
    });
    assert.equal((c.caught[0].vendor as { status: number }).status, 200);
    assert.ok(h.sim.state.interactions.has(first), 'the delivered interaction stays');

    c.del.receive({ payload: { interactionId: second } });
    await waitFor(() => c.gone.length === 1);
    assert.deepEqual(h.sim.state.deleted, [second]);
    assert.deepEqual(
      h.sim.server.requests.filter((r) => r.path.startsWith('/queue/')).map((r) => `${r.method} ${r.path}`),
      ['POST /queue/CreateInteraction', 'POST /queue/CreateInteraction', `DELETE /queue/${first}`, `DELETE /queue/${second}`],
    );
  });

  it('delivers a named interaction; the raw answer to a late DELETE is HTTP 200 success:false; deliver refuses unknown or taken ones', async () => {
    const created = await rawRequest(`${h.sim.queueUrl}/CreateInteraction`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"customerId":"C","attachedData":[{"q":"video"}]}',
    });
    const id = (JSON.parse(created.text) as { result: { interactionId: string } }).result.interactionId;
    h.sim.deliver(id, 'agent2');
    assert.equal(h.sim.state.interactions.get(id)?.deliveredTo, 'agent2');
    const late = await rawRequest(`${h.sim.queueUrl}/${encodeURIComponent(id)}`, { method: 'DELETE' });
    assert.equal(late.status, 200);
    assert.deepEqual(JSON.parse(late.text), { success: false, errorMessage: `interaction ${id} is already with an agent`, result: null });
    const again = await control('deliver', { interactionId: id });
    assert.equal(again.status, 400);
    assert.match(JSON.stringify(again.json), /already with agent2/);
    const unknown = await control('deliver', { interactionId: 'IX-none' });
    assert.equal(unknown.status, 400);
    assert.match(JSON.stringify(unknown.json), /IX-none not found/);
    const nobody = await control('deliver', {});
    assert.equal(nobody.status, 400);
    assert.match(JSON.stringify(nobody.json), /no interaction waits for an agent/);
    h.sim.reset();
    assert.equal(h.sim.state.interactions.size, 0);
  });
});
