/**
 * The library entry as a user gets it: the packed tarball installed with `npm install <tgz>` into
 * a fresh directory, then `require('@cc-glue/node-red-contact-center')` in a plain Node.js
 * process (no Node-RED) calling the virtualQ client against the simulator.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ROOT, makeUserDir, pack } from '../support/nodered';
import { start, DEFAULT_API_KEY, type VirtualQSimulator } from '../../simulators/virtualq';

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string };

describe('library entry from the packed tarball', function () {
  this.timeout(180000);
  let dir: string;
  let sim: VirtualQSimulator;

  before(async () => {
    dir = makeUserDir(path.join(ROOT, '.cache', 'e2e-library'), pack());
    sim = await start({ port: 0 });
  });
  after(async () => {
    await sim?.close();
  });

  it('require() of the package gives typed clients that work without Node-RED', async () => {
    assert.ok(fs.existsSync(path.join(dir, 'node_modules', pkg.name, 'dist', 'lib', 'index.d.ts')), 'type declarations are installed');
    const script = `
      const { VirtualQClient, CcError } = require(${JSON.stringify(pkg.name)});
      (async () => {
        const client = new VirtualQClient({ url: process.argv[1], apiKey: process.argv[2] });
        const { result } = await client.lineUp({ lineId: 418, phone: '+4915100000001', channel: 'CallIn', source: 'Other' });
        let code;
        try { await new VirtualQClient({ url: process.argv[1], apiKey: 'wrong' }).verify({ lineId: 418, phone: '+4915100000001' }); }
        catch (err) { code = err instanceof CcError ? err.code : String(err); }
        client.close();
        const redLoaded = Object.keys(require.cache).some((f) => /[\\\\/]node-red[\\\\/]/.test(f));
        console.log(JSON.stringify({ state: result.state, lineId: result.lineId, code, redLoaded }));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script, sim.url, DEFAULT_API_KEY], { cwd: dir });
    assert.deepEqual(JSON.parse(stdout), { state: 'Waiting', lineId: 418, code: 'AUTH_FAILED', redLoaded: false });
    assert.ok(sim.server.requests.some((r) => r.method === 'POST' && r.path === '/api/v2/waiters'));
  });
});
