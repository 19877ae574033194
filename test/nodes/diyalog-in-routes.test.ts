/**
 * diyalog-interaction-in + diyalog-interaction-response in a real Node-RED runtime, served
 * by a real HTTP server (the runtime's HTTP node app, mounted under an httpNodeRoot-like
 * prefix) and driven over the wire by the Diyalog simulator's client role: routes on redeploy, path conflicts, missing config, httpNodeMiddleware.
 * Set-up in diyalog-in-support.ts.
 */
import * as assert from 'node:assert/strict';
import type * as http from 'node:http';
import { catchNode, helper, onTab, waitFor } from '../helpers';
import { ROOT, inboundHarness } from './diyalog-in-support';

describe('diyalog-interaction-in / -response nodes', function () {
  this.timeout(15000);
  const h = inboundHarness();
  const { capture, flow, load, log, request } = h;

  it('removes its routes on redeploy: the new path is served, the old one is not', async () => {
    await load({ path: '/old' });
    assert.equal((await request('DELETE', ROOT + '/old/IX-1')).status, 200);
    await helper.setFlows(flow({ path: '/new/' }));
    await waitFor(() => Boolean((helper.getNode('in') as unknown as { endpoint?: unknown } | null)?.endpoint));
    const old = await request('DELETE', ROOT + '/old/IX-1');
    assert.equal(old.status, 404);
    assert.equal(old.text, 'Cannot DELETE', 'falls through to the next handler: no route left');
    assert.equal((await request('DELETE', ROOT + '/new/IX-1')).status, 200);
    await helper.unload();
    assert.equal((await request('DELETE', ROOT + '/new/IX-1')).status, 404);
  });

  it('refuses a second node on the same path with a clear error, the other keeps serving', async () => {
    const f = flow() as Array<Record<string, unknown>>;
    f.push({ id: 'in2', z: 'tab1', type: 'diyalog-interaction-in', path: 'diyalog/', responseTimeout: 1000, wires: [['assign'], ['resp']] });
    const errors: string[] = [];
    await helper.load([capture, catchNode], f as never);
    const n1 = helper.getNode('in') as unknown as { endpoint?: unknown };
    const n2 = helper.getNode('in2') as unknown as { endpoint?: unknown };
    assert.equal([n1.endpoint, n2.endpoint].filter(Boolean).length, 1, 'exactly one node serves the path');
    errors.push(log.text());
    assert.match(errors.join(''), /path \/diyalog is already served by another diyalog-interaction-in node/);
    helper.getNode('assign').on('input', ((msg: Record<string, unknown>) => helper.getNode('resp').receive({ ...msg, interactionId: 'IX-1' })) as never);
    assert.equal((await request('POST', ROOT + '/diyalog/CreateInteraction', {}, '{"customerId":"C"}')).status, 200);
  });

  it('refuses to serve when its config node is missing (no silent loss of the token check)', async () => {
    await helper.load([capture, catchNode], onTab([{ id: 'in', type: 'diyalog-interaction-in', path: '/diyalog', config: 'gone', wires: [[], []] }]) as never);
    assert.equal((helper.getNode('in') as unknown as { endpoint?: unknown }).endpoint, undefined);
    assert.equal((await request('POST', ROOT + '/diyalog/CreateInteraction', {}, '{"customerId":"C"}')).status, 404);
  });

  it('applies httpNodeMiddleware before the node', async () => {
    const seen: string[] = [];
    helper.settings({
      httpNodeMiddleware: (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => {
        seen.push(String(req.url));
        if (req.headers['x-blocked']) {
          res.writeHead(403);
          res.end('blocked by middleware');
          return;
        }
        res.setHeader('x-middleware', 'yes');
        next();
      },
    });
    const { created } = await load();
    const blocked = await request('POST', ROOT + '/diyalog/CreateInteraction', { 'x-blocked': '1' }, '{"customerId":"C"}');
    assert.equal(blocked.status, 403);
    assert.equal(created.length, 0);
    const ok = await request('POST', ROOT + '/diyalog/CreateInteraction', {}, '{"customerId":"C"}');
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['x-middleware'], 'yes');
    assert.deepEqual(seen, ['/diyalog/CreateInteraction', '/diyalog/CreateInteraction']);
  });

  it('takes a body already parsed by a middleware', async () => {
    helper.settings({
      httpNodeMiddleware: [
        (req: http.IncomingMessage & { body?: unknown; _body?: boolean }, _res: http.ServerResponse, next: () => void) => {
          const chunks: Buffer[] = [];
          req.on('data', (c: Buffer) => chunks.push(c));
          req.on('end', () => {
            req.body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            req._body = true;
            next();
          });
        },
      ],
    });
    const { created } = await load();
    const r = await request(
      'POST',
      ROOT + '/diyalog/CreateInteraction',
      { 'content-type': 'application/json' },
      '{"customerId":"C","attachedData":[{"q":"video"}]}',
    );
    assert.equal(r.status, 200);
    assert.deepEqual(created[0].payload, { customerId: 'C', attachedData: { q: 'video' }, attachedDataList: [{ key: 'q', value: 'video' }] });
  });
});
