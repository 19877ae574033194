/**
 * The Diyalog queueing-service example shows what the flow answered Diyalog: its debug node
 * "answer to Diyalog" (a real core debug node here, its JSONata expression evaluated by Node-RED)
 * publishes, for every request, exactly the envelope Diyalog received over the wire (read back
 * from the simulator's drive jobs), and its status names the answer.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HttpNodeServer, collect, helper, nodeSet, root, sim, statuses, waitFor } from '../helpers';
import type { DiyalogSimulator } from '../../simulators/diyalog';

const { events } = require('@node-red/util') as { events: NodeJS.EventEmitter };

const core = [
  require('@node-red/nodes/core/common/20-inject.js'),
  require('@node-red/nodes/core/common/21-debug.js'),
  require('@node-red/nodes/core/common/25-catch.js'),
  require('@node-red/nodes/core/common/90-comment.js'),
  require('@node-red/nodes/core/function/10-function.js'),
  require('@node-red/nodes/core/network/21-httprequest.js'),
] as unknown[];

type N = Record<string, unknown>;
type Envelope = { success: boolean; errorMessage: string | null; result: unknown };

describe('diyalog queueing-service example: what the flow answered Diyalog shows in the debug sidebar', function () {
  this.timeout(20000);
  let s: DiyalogSimulator;
  let base: string;
  const httpNode = new HttpNodeServer();
  const capture = httpNode.wrap(nodeSet('diyalog'));
  const published: Array<{ name: string; msg: string }> = [];
  const onComms = (e: { topic: string; data: { name?: string; msg?: unknown } }): void => {
    if (e.topic === 'debug' && e.data?.name) published.push({ name: String(e.data.name), msg: String(e.data.msg) });
  };

  before(async () => {
    s = await sim<DiyalogSimulator>('diyalog');
    base = await httpNode.listen();
    events.on('comms', onComms);
  });
  after(async () => {
    events.off('comms', onComms);
    await httpNode.close();
    await s.close();
  });
  afterEach(async () => {
    await helper.unload();
    s.reset();
    published.length = 0;
  });

  async function load(): Promise<{ byName(name: string): N; seen(name: string): N[] }> {
    const text = fs
      .readFileSync(path.join(root, 'examples', 'diyalog', 'queueing-service.json'), 'utf8')
      .split('http://127.0.0.1:18080')
      .join(s.url)
      .split('http://127.0.0.1:1880')
      .join(base);
    const nodes = JSON.parse(text) as N[];
    await helper.load([capture, ...core], nodes as never);
    const byName = (name: string): N => {
      const n = nodes.find((x) => x.name === name);
      if (!n) throw new Error(`no node named ${name}`);
      return n;
    };
    const seen = new Map<string, N[]>();
    for (const n of nodes) if (n.type === 'debug') seen.set(String(n.name), collect(helper.getNode(String(n.id))));
    return { byName, seen: (name) => seen.get(name) ?? [] };
  }

  /** What Diyalog (the simulator's driver) got back for a drive job. */
  async function received(jobId: number): Promise<Envelope> {
    for (let i = 0; i < 200; i++) {
      const r = await fetch(`${s.url}/__sim/drive-result`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jobId }),
      });
      const job = ((await r.json()) as { result: { done: boolean; result?: { json: Envelope } } }).result;
      if (job.done) return job.result!.json;
      await new Promise((res) => setTimeout(res, 20));
    }
    throw new Error('drive job did not finish');
  }

  it('the answer path has a debug node that shows each envelope as Diyalog received it', async () => {
    const ex = await load();
    const answerNode = ex.byName('answer to Diyalog');
    assert.equal(answerNode.type, 'debug');
    const responder = ex.byName('answer Diyalog');
    for (const fn of ['route on attachedData', 'cancel unless delivered']) {
      const wires = (ex.byName(fn).wires as string[][])[0];
      assert.ok(wires.includes(String(responder.id)) && wires.includes(String(answerNode.id)), `${fn} feeds both the response node and the debug node`);
    }
    const st = statuses(helper.getNode(String(answerNode.id)));
    const jobs = ex.seen('drive job started');
    const press = (name: string): void => helper.getNode(String(ex.byName(name).id)).receive({});
    const shown = (): Envelope[] => published.filter((p) => p.name === 'answer to Diyalog').map((p) => JSON.parse(p.msg) as Envelope);

    press('Diyalog: CreateInteraction (array form)');
    await waitFor(() => jobs.length === 1 && shown().length === 1);
    const created = await received((jobs[0].payload as { result: { jobId: number } }).result.jobId);
    assert.deepEqual(created, { success: true, errorMessage: null, result: { interactionId: 'NR-000001' } });
    assert.deepEqual(shown()[0], created);
    await waitFor(() => st.some((x) => x.text === 'created NR-000001'));

    press('Diyalog: CreateInteraction for a closed queue');
    await waitFor(() => jobs.length === 2 && shown().length === 2);
    const closed = await received((jobs[1].payload as { result: { jobId: number } }).result.jobId);
    assert.deepEqual(closed, { success: false, errorMessage: 'This queue is closed, please call back later.', result: null });
    assert.deepEqual(shown()[1], closed);
    await waitFor(() => st.some((x) => String(x.text).startsWith('refused: This queue is closed')));

    press('Diyalog: CreateInteraction (flat form)');
    await waitFor(() => jobs.length === 3 && shown().length === 3);
    press('Diyalog: customer gives up (last waiting)');
    await waitFor(() => jobs.length === 4 && shown().length === 4);
    const deleted = await received((jobs[3].payload as { result: { jobId: number } }).result.jobId);
    assert.deepEqual(deleted, { success: true, errorMessage: null, result: null });
    assert.deepEqual(shown()[3], deleted);
    await waitFor(() => st.some((x) => x.text === 'deleted NR-000002'));

    // NR-000001 goes to an agent: Diyalog's late DELETE is refused, and the sidebar shows that too.
    press('agent takes the next call');
    await waitFor(() => ex.seen('delivered to an agent').length === 1);
    const late = await s.driver.delete({ endpoint: base + '/diyalog', interactionId: 'NR-000001' });
    await waitFor(() => shown().length === 5);
    assert.deepEqual(late.json, { success: false, errorMessage: 'interaction NR-000001 is already with an agent', result: null });
    assert.deepEqual(shown()[4], late.json);
  });
});
