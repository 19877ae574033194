/** The Ameyo simulator on its own, with plain HTTP: encodings, token checks, control API, CLI. */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { start, type AmeyoSimulator } from '../../simulators/ameyo';

const H = { 'hash-key': 'k', 'requesting-host': 'crm', 'policy-name': 'token-based-authorization-policy' };
const DATA = { userId: 'ravi.k', campaignId: '14', phone: '9876543202' };

describe('Ameyo simulator', function () {
  this.timeout(10000);
  let s: AmeyoSimulator;
  before(async () => {
    s = await start({ port: 0, hashKey: 'k', requestingHost: 'crm', delayMs: 0 });
  });
  after(() => s.close());

  async function post(pathAndQuery: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
    const r = await fetch(s.url + pathAndQuery, { method: 'POST', headers, body });
    return { status: r.status, text: await r.text() };
  }

  it('accepts every encoding seen in use', async () => {
    const form = { ...H, 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' };
    const enc = encodeURIComponent(JSON.stringify(DATA));
    const answers = [
      await post('/ameyowebaccess/command/?command=clickToDialWithToken', `data=${enc}`, form),
      await post('/ameyowebaccess/command', `command=clickToDialWithToken&data=${enc}`, form),
      await post(`/ameyowebaccess/command?command=clickToDialWithToken&data=${enc}`, '', H),
      await post('/ameyowebaccess/command/?command=clickToDialWithToken', JSON.stringify(DATA), { ...H, 'content-type': 'application/json' }),
    ];
    for (const a of answers) {
      assert.equal(a.status, 200);
      assert.match(
        a.text,
        /^\{"result":"FAILURE","reason":"\{node\.flow\.id\\u003d\d+, metaData\\u003d\d+, node\.flow\.error\.reason\\u003d\[\\"Party\.did\.not\.answer\\", \\"9876543202\\"\]\}"\}$/,
      );
    }
    const g = await fetch(`${s.url}/ameyowebaccess/command/?command=clickToDialWithToken&data=${enc}`, {
      headers: { 'Hash-Key': 'k', 'REQUESTING-HOST': 'crm', 'policy-name': H['policy-name'] },
    });
    assert.equal(g.status, 200);
  });

  it('answers null to a wrong token header, or 401/403 when switched', async () => {
    const body = `data=${encodeURIComponent(JSON.stringify(DATA))}`;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    assert.equal((await post('/ameyowebaccess/command/?command=clickToDialWithToken', body, { ...form, ...H, 'hash-key': 'x' })).text, 'null');
    assert.equal((await post('/ameyowebaccess/command/?command=clickToDialWithToken', body, { ...form, ...H, 'policy-name': 'x' })).text, 'null');
    await fetch(s.url + '/__sim/config', { method: 'POST', body: JSON.stringify({ authMode: '403' }) });
    assert.equal((await post('/ameyowebaccess/command/?command=clickToDialWithToken', body, { ...form, ...H, 'requesting-host': 'x' })).status, 403);
    s.config.authMode = 'null';
  });

  it('404s unknown paths and commands; status error for bad data', async () => {
    assert.equal((await post('/ameyowebaccess/other', '', H)).status, 404);
    assert.equal((await post('/ameyowebaccess/command/?command=clickToCallWithToken', '', H)).status, 404);
    const r = await post('/ameyowebaccess/command/?command=clickToDialWithToken', 'data=%7B%7D', { ...H, 'content-type': 'application/x-www-form-urlencoded' });
    assert.match(r.text, /"status":"error".*userId is mandatory/);
  });

  it('renders the document-literal form (rendering "seed") when switched over the control API', async () => {
    await fetch(s.url + '/__sim/config', { method: 'POST', body: JSON.stringify({ rendering: 'seed' }) });
    const r = await post('/ameyowebaccess/command/?command=clickToDialWithToken', `data=${encodeURIComponent(JSON.stringify({ ...DATA, phone: '555' }))}`, {
      ...H,
      'content-type': 'application/x-www-form-urlencoded',
    });
    assert.match(r.text, /^\{"result":"SUCCESS","reason":\{node\.flow\.id\\\d+, metaData\\\d+\}"\}$/);
    s.config.rendering = 'clean';
    const reqs = (await (await fetch(s.url + '/__sim/requests')).json()) as { count: number };
    assert.ok(reqs.count > 0);
  });

  it('starts from the cc-simulate command and prints its URL', async () => {
    const cli = path.resolve(__dirname, '..', '..', 'simulators', 'cli.js');
    const child = spawn(process.execPath, [cli, 'ameyo', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => resolve(d.toString()));
      child.on('exit', (c) => reject(new Error('exited ' + c)));
    });
    const m = /ameyo simulator listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
    assert.ok(m, line);
    const r = await fetch(m[1] + '/ameyowebaccess/command/?command=clickToDialWithToken', { method: 'POST' });
    assert.equal(await r.text(), 'null');
    child.kill('SIGTERM');
    await new Promise((r2) => child.once('exit', r2));
  });
});
