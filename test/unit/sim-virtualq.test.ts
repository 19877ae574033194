/**
 * The virtualQ simulator speaks docs/vendors/virtualq.md: plain HTTP requests in,
 * JSON:API answers out: authentication and line-up. Set-up in sim-virtualq-support.ts.
 */
import * as assert from 'node:assert/strict';
import type { VirtualQSimulator } from '../../simulators/virtualq';
import { startSimulator } from '../../simulators/registry';
import { KEY, PHONE, virtualqSimHooks } from './sim-virtualq-support';

describe('virtualQ simulator', function () {
  let sim: VirtualQSimulator;
  const { call, control, lineUpDoc, data, error0 } = virtualqSimHooks(this, (x) => (sim = x));

  describe('authentication', () => {
    it('answers 401 unauthorized without X-Api-Key', async () => {
      const a = await call('GET', '/api/v2/line_groups?call_center_id=12', undefined, { 'x-api-key': '' });
      assert.equal(a.status, 401);
      assert.match(a.headers.get('content-type') ?? '', /^application\/vnd\.api\+json/);
      assert.deepEqual(error0(a), { status: '401', code: 'unauthorized', title: 'Unauthorized', detail: 'Missing API key' });
    });
    it('answers 401 on a wrong key and ignores Authorization', async () => {
      const a = await call('GET', '/api/v2/lines/418', undefined, { 'x-api-key': 'nope', authorization: `Bearer ${KEY}` });
      assert.equal(a.status, 401);
      assert.equal(error0(a).detail, 'Invalid API key');
    });
    it('accepts the header name in any case', async () => {
      const res = await fetch(`${sim.url}/api/v2/lines/418`, { headers: { 'X-API-KEY': KEY } });
      assert.equal(res.status, 200);
      await res.text();
    });
    it('answers 403 for a key without rights', async () => {
      const a = await call('GET', '/api/v2/lines/418', undefined, { 'x-api-key': 'read-only-key' });
      assert.equal(a.status, 403);
      assert.equal(error0(a).code, 'forbidden');
    });
    it('lets keys be changed over HTTP', async () => {
      assert.equal((await control('keys', { apiKeys: ['other'] })).status, 200);
      assert.equal((await call('GET', '/api/v2/lines/418')).status, 401);
      assert.equal((await call('GET', '/api/v2/lines/418', undefined, { 'x-api-key': 'other' })).status, 200);
      await control('keys', { apiKeys: [KEY] });
    });
  });

  describe('line-up (POST waiters)', () => {
    it('creates a Waiting waiter and answers 201 with dashed keys', async () => {
      const a = await call('POST', '/api/v2/waiters', lineUpDoc({ lang: 'de', skills: ['billing'], properties: { crmId: 'C-991', nested_key: { a_b: 1 } } }));
      assert.equal(a.status, 201);
      assert.equal(a.headers.get('content-type'), 'application/vnd.api+json; charset=utf-8');
      const d = data(a);
      assert.equal(typeof d.id, 'string');
      assert.equal(d.type, 'waiters');
      const at = d.attributes;
      assert.equal(at.phone, PHONE);
      assert.equal(at.channel, 'CallBack');
      assert.equal(at.source, 'Phone');
      assert.equal(at['virtualq-waiter-state'], 'Waiting');
      assert.equal(at.ewt, 300);
      assert.equal(at['wait-time'], 0);
      assert.deepEqual(at.skills, ['billing']);
      assert.deepEqual(at.properties, { crmId: 'C-991', nested_key: { a_b: 1 } });
      assert.deepEqual(at.line, { id: 418, name: 'Hotline DE' });
      assert.match(String(at['created-at']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(at['connected-at'], null);
      assert.equal(at['notified-at'], null);
      assert.equal(Date.parse(String(at['estimated-up-time-at'])) - Date.parse(String(at['created-at'])), 300_000);
      assert.ok(!Object.keys(at).some((k) => k.includes('_')), 'top-level attribute keys are dashed');
      assert.equal(sim.state.waiters.size, 1);
    });
    it('answers with underscored keys when asked with X-Keys-Format: underscore', async () => {
      const a = await call('POST', '/api/v2/waiters', lineUpDoc(), { 'x-keys-format': 'underscore' });
      const at = data(a).attributes;
      assert.equal(at.virtualq_waiter_state, 'Waiting');
      assert.ok('created_at' in at && !('created-at' in at));
    });
    it('accepts application/json and normalises a phone written with separators', async () => {
      const a = await call('POST', '/api/v2/waiters', lineUpDoc({ phone: '+49 151 1234-5678' }), { 'content-type': 'application/json' });
      assert.equal(a.status, 201);
      assert.equal(data(a).attributes.phone, PHONE);
    });
    it('gives later callers a longer EWT', async () => {
      await call('POST', '/api/v2/waiters', lineUpDoc());
      const b = await call('POST', '/api/v2/waiters', lineUpDoc({ phone: '+4915199999999' }));
      // 300 s service EWT + one caller ahead * 180 s talk time / 4 agents
      assert.equal(data(b).attributes.ewt, 345);
    });
    it('answers 404 not-found for an unknown line', async () => {
      const a = await call('POST', '/api/v2/waiters', lineUpDoc({ line_id: 9999 }));
      assert.equal(a.status, 404);
      assert.equal(error0(a).code, 'not-found');
      assert.equal(sim.state.waiters.size, 0);
    });
    const invalid: [string, Record<string, unknown>, string][] = [
      ['a missing line_id', { line_id: undefined }, 'line_id'],
      ['a non-numeric line_id', { line_id: 'abc' }, 'line_id'],
      ['a bad phone', { phone: '0151 1234' }, 'phone'],
      ['a missing channel', { channel: undefined }, 'channel'],
      ['a missing source', { source: '' }, 'source'],
      ['skills that are not strings', { skills: [1] }, 'skills'],
      ['properties that are not an object', { properties: [1] }, 'properties'],
    ];
    for (const [what, over, attr] of invalid) {
      it(`answers 422 with a pointer for ${what}`, async () => {
        const a = await call('POST', '/api/v2/waiters', lineUpDoc(over));
        assert.equal(a.status, 422);
        const e = error0(a);
        assert.equal(e.status, '422');
        assert.deepEqual(e.source, { pointer: `/data/attributes/${attr}` });
        assert.equal(typeof e.detail, 'string');
        assert.equal(sim.state.waiters.size, 0);
      });
    }
    it('refuses a second active line-up of the same phone on a line, and an inactive line', async () => {
      await call('POST', '/api/v2/waiters', lineUpDoc());
      assert.equal((await call('POST', '/api/v2/waiters', lineUpDoc())).status, 422);
      const inactive = await call('POST', '/api/v2/waiters', lineUpDoc({ line_id: 419 }));
      assert.equal(inactive.status, 422);
      assert.match(String(error0(inactive).detail), /not active/);
    });
    it('answers 415 for another content type, 400 for bad JSON, 409 for a wrong type', async () => {
      assert.equal((await call('POST', '/api/v2/waiters', lineUpDoc(), { 'content-type': 'text/plain' })).status, 415);
      assert.equal((await call('POST', '/api/v2/waiters', '{"data":')).status, 400);
      const wrong = await call('POST', '/api/v2/waiters', { data: { type: 'lines', attributes: { line_id: 418 } } });
      assert.equal(wrong.status, 409);
      assert.equal(sim.state.waiters.size, 0);
    });
    it('can answer a line-up with 200 when switched', async () => {
      await control('switches', { lineUpStatus: 200 });
      assert.equal((await call('POST', '/api/v2/waiters', lineUpDoc())).status, 200);
    });
  });

  it('starts through the registry as the cc-simulate command does', async () => {
    const other = await startSimulator('virtualq', { port: 0 });
    try {
      assert.equal(other.name, 'virtualq');
      const res = await fetch(`${other.url}/api/v2/lines/418`, { headers: { 'x-api-key': KEY } });
      assert.equal(res.status, 200);
      await res.text();
    } finally {
      await other.close();
    }
  });
});
