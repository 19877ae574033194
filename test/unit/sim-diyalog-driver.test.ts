/**
 * The Diyalog simulator against docs/vendors/diyalog.md, over plain HTTP: the driver role (Diyalog calling an endpoint), over HTTP and from the command line.
 * Shared set-up in sim-diyalog-support.ts.
 */
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DiyalogSimulator } from '../../simulators/diyalog';
import { cli, driveCreate, driveDelete } from '../../simulators/diyalog/driver';
import { control, simulatorHooks } from './sim-diyalog-support';

describe('Diyalog simulator', function () {
  let sim: DiyalogSimulator;
  simulatorHooks((s) => (sim = s));

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
