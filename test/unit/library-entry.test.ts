/**
 * The package's library entry: `main` of package.json, as `require('<package>')` resolves it,
 * is built with its type declarations, is among the files npm packs, loads without Node-RED,
 * and its clients work against the simulators over the wire (the README's example).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { start as startVirtualQ, DEFAULT_API_KEY, type VirtualQSimulator } from '../../simulators/virtualq';
import { start as startAmeyo, type AmeyoSimulator } from '../../simulators/ameyo';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main: string; types: string; files: string[] };

type Lib = typeof import('../../lib');

describe('library entry (package.json main)', function () {
  this.timeout(30000);
  let lib: Lib;
  let vq: VirtualQSimulator;
  let ameyo: AmeyoSimulator;

  before(async () => {
    // The package directory resolves to `main`, as require('@cc-glue/node-red-contact-center') does.
    lib = require(ROOT) as Lib;
    vq = await startVirtualQ({ port: 0 });
    ameyo = await startAmeyo({ port: 0, delayMs: 0 });
  });
  after(async () => {
    await vq?.close();
    await ameyo?.close();
  });

  it('names a built file with type declarations that npm packs', () => {
    assert.equal(require.resolve(ROOT), path.join(ROOT, pkg.main));
    assert.ok(fs.existsSync(path.join(ROOT, pkg.types)), `${pkg.types} is built`);
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const files = (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path);
    for (const f of [pkg.main, pkg.types, 'dist/lib/virtualq/client.js']) assert.ok(files.includes(f), `${f} is packed`);
  });

  it('exports every vendor client and the error type, and loads no Node-RED', () => {
    for (const name of ['AmeyoClient', 'DiyalogQueueClient', 'DiyalogApiClient', 'GwsClient', 'IcwsClient', 'VirtualQClient', 'CcError'] as const) {
      assert.equal(typeof lib[name], 'function', name);
    }
    for (const ns of ['ameyo', 'diyalog', 'gws', 'icws', 'virtualq'] as const) assert.equal(typeof lib[ns], 'object', ns);
    assert.deepEqual([...lib.ERROR_CODES].sort(), [
      'AUTH_FAILED',
      'CONFLICT',
      'INVALID_INPUT',
      'NETWORK',
      'NOT_CONFIGURED',
      'NOT_FOUND',
      'RATE_LIMITED',
      'TIMEOUT',
      'VENDOR_ERROR',
    ]);
    // In a fresh process: other suites of the same mocha run load Node-RED themselves.
    const script = `require(${JSON.stringify(ROOT)}); console.log(JSON.stringify(Object.keys(require.cache).filter((f) => /node_modules[\\\\/](node-red|@node-red)[\\\\/]/.test(f))))`;
    const loaded = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as string[];
    assert.deepEqual(loaded, [], 'the library entry pulls in no Node-RED module');
  });

  it('lines a caller up with virtualQ and finds them once notified (the README example)', async () => {
    const client = new lib.VirtualQClient({ url: vq.url, apiKey: DEFAULT_API_KEY });
    try {
      const { result: caller } = await client.lineUp({ lineId: 418, phone: '+49 151 1234 5678', channel: 'CallBack', source: 'Phone' });
      assert.equal(caller.lineId, 418);
      assert.equal(caller.phone, '+4915112345678');
      assert.equal(caller.state, 'Waiting');
      assert.deepEqual((await client.verify({ lineId: 418, phone: '+4915112345678' })).result, { up: false, caller: null });
      vq.notify({ lineId: 418, phone: '+4915112345678' });
      const { result } = await client.verify({ lineId: 418, phone: '+4915112345678' });
      assert.equal(result.up, true);
      assert.equal(result.caller?.state, 'Notified');
      const sent = vq.server.requests.filter((r) => r.path.startsWith('/api/v2/waiters'));
      assert.ok(sent.every((r) => r.headers['x-api-key'] === DEFAULT_API_KEY));
    } finally {
      client.close();
    }
  });

  it('reports a wrong key as a CcError with a contract code', async () => {
    const client = new lib.VirtualQClient({ url: vq.url, apiKey: 'not-the-key' });
    try {
      await assert.rejects(client.verify({ lineId: 418, phone: '+4915112345678' }), (err: unknown) => {
        assert.ok(err instanceof lib.CcError);
        assert.equal(err.code, 'AUTH_FAILED');
        assert.ok(!err.message.includes('not-the-key'));
        return true;
      });
    } finally {
      client.close();
    }
  });

  it('places an Ameyo click-to-dial call', async () => {
    const client = new lib.AmeyoClient({ url: ameyo.url, hashKey: 'sim-hash-key', requestingHost: 'sim-crm' });
    try {
      const { result } = await client.clickToDial({ campaignId: '14', userId: 'agent.one', phone: '9876543210' });
      assert.equal(result.outcome, 'connected');
      assert.equal(ameyo.calls.length, 1);
    } finally {
      client.close();
    }
  });
});
