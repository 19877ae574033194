/**
 * The Diyalog example flows run as shipped (only the simulator's and Node-RED's addresses are
 * moved to free ports, and debug nodes become test helpers): injects, function and core
 * http request nodes included.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HttpNodeServer, collect, helper, nodeSet, root, sim, waitFor } from '../helpers';
import { DEMO_CREDENTIALS, type DiyalogSimulator } from '../../simulators/diyalog';

const core = [
  require('@node-red/nodes/core/common/20-inject.js'),
  require('@node-red/nodes/core/common/25-catch.js'),
  require('@node-red/nodes/core/common/90-comment.js'),
  require('@node-red/nodes/core/function/10-function.js'),
  require('@node-red/nodes/core/network/21-httprequest.js'),
] as unknown[];

type N = Record<string, unknown>;

describe('diyalog example flows', function () {
  this.timeout(20000);
  let s: DiyalogSimulator;
  let base: string;
  const httpNode = new HttpNodeServer();
  const capture = httpNode.wrap(nodeSet('diyalog'));

  before(async () => {
    s = await sim<DiyalogSimulator>('diyalog');
    base = await httpNode.listen();
  });
  after(async () => {
    await httpNode.close();
    await s.close();
  });
  afterEach(async () => {
    await helper.unload();
    s.reset();
  });

  /** Loads an example file as shipped, pointed at this test's simulator and HTTP server. */
  async function loadExample(file: string): Promise<{ nodes: N[]; byName(name: string): N; out(name: string): N[] }> {
    let text = fs.readFileSync(path.join(root, 'examples', 'diyalog', file), 'utf8');
    text = text.split('http://127.0.0.1:18080').join(s.url).split('http://127.0.0.1:1880').join(base);
    const nodes = (JSON.parse(text) as N[]).map((n) => (n.type === 'debug' ? { ...n, type: 'helper' } : n));
    const creds: Record<string, unknown> = {};
    for (const n of nodes) if (DEMO_CREDENTIALS[String(n.type)]) creds[String(n.id)] = DEMO_CREDENTIALS[String(n.type)];
    await helper.load([capture, ...core], nodes as never, creds);
    const byName = (name: string): N => {
      const n = nodes.find((x) => x.name === name);
      if (!n) throw new Error(`no node named ${name}`);
      return n;
    };
    const outs = new Map<string, N[]>();
    for (const n of nodes) if (n.type === 'helper') outs.set(String(n.name), collect(helper.getNode(String(n.id))));
    return { nodes, byName, out: (name: string) => outs.get(name) ?? [] };
  }

  const press = (n: N): void => helper.getNode(String(n.id)).receive({});

  async function driveResult(
    jobId: number,
  ): Promise<{ status: number; json: { success: boolean; errorMessage: string | null; result: { interactionId: string } | null } }> {
    for (let i = 0; i < 200; i++) {
      const r = await fetch(`${s.url}/__sim/drive-result`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jobId }),
      });
      const job = ((await r.json()) as { result: { done: boolean; result?: unknown } }).result;
      if (job.done) return job.result as never;
      await new Promise((res) => setTimeout(res, 20));
    }
    throw new Error('drive job did not finish');
  }

  it('queueing-service.json: routes on attachedData, refuses a closed queue, honours delete-before-delivery', async () => {
    const ex = await loadExample('queueing-service.json');
    const jobs = ex.out('drive job started');
    const seen = ex.out('requests from Diyalog');
    press(ex.byName('Diyalog: CreateInteraction (array form)'));
    await waitFor(() => jobs.length === 1);
    const first = await driveResult((jobs[0].payload as { result: { jobId: number } }).result.jobId);
    assert.equal(first.status, 200);
    assert.deepEqual(first.json, { success: true, errorMessage: null, result: { interactionId: 'NR-000001' } });
    assert.deepEqual((seen[0].payload as N).attachedData, { TRX: 'LoanApplication', ProcessType: 'VideoCall', Branch: '0042' });

    press(ex.byName('Diyalog: CreateInteraction (flat form)'));
    press(ex.byName('Diyalog: CreateInteraction for a closed queue'));
    await waitFor(() => jobs.length === 3);
    const results = await Promise.all(jobs.slice(1).map((j) => driveResult((j.payload as { result: { jobId: number } }).result.jobId)));
    const texts = results.map((r) => JSON.stringify(r.json)).sort();
    assert.deepEqual(texts, [
      '{"success":false,"errorMessage":"This queue is closed, please call back later.","result":null}',
      '{"success":true,"errorMessage":null,"result":{"interactionId":"NR-000002"}}',
    ]);

    // An agent takes the oldest (NR-000001); the customer of NR-000002 gives up.
    press(ex.byName('agent takes the next call'));
    await waitFor(() => ex.out('delivered to an agent').length === 1);
    assert.equal((ex.out('delivered to an agent')[0].payload as { id: string; queue: string }).id, 'NR-000001');
    press(ex.byName('Diyalog: customer gives up (last waiting)'));
    await waitFor(() => jobs.length === 4);
    const del = await driveResult((jobs[3].payload as { result: { jobId: number } }).result.jobId);
    assert.deepEqual(del.json, { success: true, errorMessage: null, result: null });
    // Too late for NR-000001: it is with an agent.
    const late = await s.driver.delete({ endpoint: base + '/diyalog', interactionId: 'NR-000001' });
    assert.deepEqual(late.json, { success: false, errorMessage: 'interaction NR-000001 is already with an agent', result: null });
    assert.deepEqual(
      seen.map((m) => m.topic),
      ['CreateInteraction', 'CreateInteraction', 'CreateInteraction', 'DeleteInteraction', 'DeleteInteraction'],
    );
  });

  it('create-interaction.json: creates at the simulator queue, and reports the scripted refusal', async () => {
    const ex = await loadExample('create-interaction.json');
    press(ex.byName('video call for CUS-77812'));
    await waitFor(() => ex.out('created').length === 1);
    const msg = ex.out('created')[0];
    assert.equal((msg.payload as { success: boolean }).success, true);
    assert.ok(s.state.interactions.has(String(msg.interactionId)));
    press(ex.byName('simulator: queue closed'));
    await waitFor(() => ex.out('simulator settings').length === 1);
    press(ex.byName('video call for CUS-77812'));
    await waitFor(() => ex.out('errors (msg.error.code)').length === 1);
    const err = ex.out('errors (msg.error.code)')[0].error as { code: string; message: string };
    assert.equal(err.code, 'VENDOR_ERROR');
    assert.match(err.message, /Video queue is closed/);
  });

  it('delete-interaction.json: creates then deletes, and an unknown id is NOT_FOUND', async () => {
    const ex = await loadExample('delete-interaction.json');
    press(ex.byName('create, then delete'));
    await waitFor(() => ex.out('deleted').length === 1);
    const id = String((ex.out('deleted')[0].payload as { interactionId: string }).interactionId);
    assert.deepEqual(s.state.deleted, [id]);
    press(ex.byName('delete an unknown id'));
    await waitFor(() => ex.out('errors (msg.error.code)').length === 1);
    assert.equal((ex.out('errors (msg.error.code)')[0].error as { code: string }).code, 'NOT_FOUND');
  });

  it('not-delivered.json: queues a customer, then Diyalog stops the waiting; an unknown id is NOT_FOUND', async () => {
    const ex = await loadExample('not-delivered.json');
    press(ex.byName('queue a customer, then give up'));
    await waitFor(() => ex.out("Diyalog's answer").length === 1);
    assert.deepEqual(ex.out("Diyalog's answer")[0].payload, { success: true, message: 'Customer waiting will be stopped.' });
    assert.equal(s.state.notDelivered[0].requesterUserId, '45186');
    press(ex.byName('nobody waits on IX-404'));
    await waitFor(() => ex.out('errors (msg.error.code)').length === 1);
    assert.equal((ex.out('errors (msg.error.code)')[0].error as { code: string }).code, 'NOT_FOUND');
  });
});
