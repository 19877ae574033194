/**
 * The GWS simulator (docs/vendors/gws.md): the interaction life cycle with both answer styles of the
 * GWS Interactions API document, scripted refusals and faults. Set-up in sim-gws-support.ts.
 */
import * as assert from 'node:assert/strict';
import type { GwsSimulator } from '../../simulators/gws';
import { simGwsHooks, type Agent, type Answer, type Json } from './sim-gws-support';

describe('GWS simulator', function () {
  let sim: GwsSimulator, agent: Agent;
  simGwsHooks(this, { get: () => sim, set: (s, a) => ([sim, agent] = [s, a]) });

  describe('interactions', () => {
    const op = (id: string, body: Json): Promise<Answer> => agent.req('POST', `/api/v2/me/interactions/${encodeURIComponent(id)}`, body);

    beforeEach(() => agent.login());

    it('runs the life cycle with the documented answer style of each operation', async () => {
      const i = sim.invite({ id: '00027aKQ3TSR001B', userData: { Subject: 'Card blocked' } });
      assert.equal(i.state, 'Invited');
      const acc = await op(i.id, { operationName: 'Accept' });
      assert.equal(acc.status, 200);
      assert.equal((acc.json as Json).status, 'ok');
      assert.equal(typeof (acc.json as Json).referenceId, 'number');
      const again = await op(i.id, { operationName: 'Accept' });
      assert.equal(again.status, 400);
      assert.deepEqual(again.json, { status: 'error', errorDescription: 'Interaction 00027aKQ3TSR001B is not in state Invited' });
      assert.equal((await op(i.id, { operationName: 'AttachUserData', userData: { Promo: 'SPRING25' } })).status, 200);
      assert.equal((await op(i.id, { operationName: 'UpdateUserData', userData: { Subject: 'Card blocked (2)' } })).status, 200);
      assert.deepEqual(sim.interactions.get(i.id)!.userData, { Subject: 'Card blocked (2)', Promo: 'SPRING25' });
      const del = await op(i.id, { operationName: 'DeleteUserData', userData: { Promo: '' }, keys: ['Subject'] });
      assert.equal((del.json as Json).status, 'ok');
      assert.deepEqual(sim.interactions.get(i.id)!.userData, {});
      const noQueue = await op(i.id, { operationName: 'PlaceInQueue' });
      assert.equal(noQueue.status, 400);
      assert.deepEqual(noQueue.json, { status: 'error', errorDescription: 'Parameter queueName is missing' });
      const cancel = await op(i.id, { operationName: 'Cancel' });
      assert.equal(cancel.status, 400);
      assert.equal((cancel.json as Json).statusCode, 2);
      const done = await op(i.id, { operationName: 'Complete' });
      assert.equal(done.status, 200);
      assert.equal((done.json as Json).statusCode, 0);
      assert.equal(sim.interactions.get(i.id)!.state, 'Completed');
      const gone = await op(i.id, { operationName: 'Complete' });
      assert.equal(gone.status, 404);
      assert.equal((gone.json as Json).statusCode, 6);
    });

    it('answers Cancel after a reply with {"status":0}; Reject and PlaceInQueue give the interaction up', async () => {
      const r = sim.invite({ replied: true });
      await op(r.id, { operationName: 'Accept' });
      const c = await op(r.id, { operationName: 'Cancel' });
      assert.equal(c.status, 200);
      assert.equal((c.json as Json).status, 0);
      const j = sim.invite();
      assert.equal((await op(j.id, { operationName: 'Reject' })).status, 200);
      assert.equal(sim.interactions.get(j.id)!.owner, '');
      const k = sim.invite();
      await op(k.id, { operationName: 'Accept' });
      assert.equal((await op(k.id, { operationName: 'PlaceInQueue', queueName: 'Email_Escalation' })).status, 200);
      assert.equal(sim.interactions.get(k.id)!.queueName, 'Email_Escalation');
      assert.equal(sim.interactions.get(k.id)!.state, 'Revoked');
    });

    it('transfers to a colleague by userId (or userUri) and refuses an untransferable state with statusCode 2', async () => {
      const i = sim.invite();
      const early = await op(i.id, { operationName: 'Transfer', userId: 'agent07' });
      assert.equal(early.status, 400);
      assert.deepEqual(early.json, { statusCode: 2, statusMessage: 'Interaction is not in a transferable state' });
      await op(i.id, { operationName: 'Accept' });
      const nobody = await op(i.id, { operationName: 'Transfer', userId: 'ghost' });
      assert.equal(nobody.status, 404);
      const t = await op(i.id, { operationName: 'Transfer', userUri: 'http://x/api/v2/users/5b7e19a2c0d34f88' });
      assert.equal(t.status, 200);
      assert.equal((t.json as Json).statusCode, 0);
      assert.equal(sim.interactions.get(i.id)!.owner, 'agent07');
      assert.equal(sim.interactions.get(i.id)!.state, 'Invited');
    });

    it('lists, reads and updates interactions', async () => {
      const i = sim.invite({ id: 'A/1', userData: { Subject: 'x' } });
      sim.invite({ to: 'agent07' });
      const uris = await agent.req('GET', '/api/v2/me/interactions');
      assert.deepEqual(uris.json, { statusCode: 0, uris: [`${sim.url}/api/v2/interactions/A%2F1`] });
      const mine = await agent.req('GET', '/api/v2/me/interactions?fields=*');
      const list = (mine.json as Json).interactions as Json[];
      assert.equal(list.length, 1);
      assert.equal(list[0].id, 'A/1');
      assert.deepEqual(list[0].capabilities, ['Accept', 'Reject']);
      const all = await agent.req('GET', '/api/v2/interactions');
      assert.equal(((all.json as Json).uris as string[]).length, 2);
      const one = await agent.req('GET', '/api/v2/interactions/A%2F1');
      assert.equal(((one.json as Json).interaction as Json).id, 'A/1');
      const missing = await agent.req('GET', '/api/v2/interactions/0000000000000000');
      assert.equal(missing.status, 404);
      assert.deepEqual(missing.json, { statusCode: 6, statusMessage: 'Interaction not found' });
      const put = await agent.req('PUT', '/api/v2/interactions/A%2F1', { userData: { Subject: 'Card blocked (resolved)' } });
      assert.deepEqual(put.json, { statusCode: 0 });
      assert.equal(sim.interactions.get(i.id)!.userData.Subject, 'Card blocked (resolved)');
      const ro = await agent.req('PUT', '/api/v2/interactions/A%2F1', { state: 'Completed' });
      assert.equal(ro.status, 400);
      assert.equal((ro.json as Json).statusCode, 11);
    });

    it('applies scripted refusals in either style, over HTTP', async () => {
      const i = sim.invite();
      await fetch(sim.url + '/__sim/refuse', {
        method: 'POST',
        body: JSON.stringify({ interactionId: i.id, operation: 'Accept', statusCode: 3, statusMessage: 'Forbidden', seedStyle: false, times: 1 }),
      });
      const a = await op(i.id, { operationName: 'Accept' });
      assert.equal(a.status, 400);
      assert.deepEqual(a.json, { statusCode: 3, statusMessage: 'Forbidden' });
      assert.equal((await op(i.id, { operationName: 'Accept' })).status, 200);
      await fetch(sim.url + '/__sim/refuse', {
        method: 'POST',
        body: JSON.stringify({ operation: 'Complete', statusCode: '18', httpStatus: 500, statusMessage: 'boom', times: 1 }),
      });
      const c = await op(i.id, { operationName: 'Complete' });
      assert.equal(c.status, 500);
      assert.deepEqual(c.json, { statusCode: '18', statusMessage: 'boom' });
    });

    it('applies generic faults (5xx, 429 with Retry-After)', async () => {
      sim.server.addFault({ path: '/api/v2/interactions', status: 503, body: 'down', times: 1 });
      assert.equal((await agent.req('GET', '/api/v2/interactions')).status, 503);
      assert.equal((await agent.req('GET', '/api/v2/interactions')).status, 200);
      await fetch(sim.url + '/__sim/faults', {
        method: 'POST',
        body: JSON.stringify({ path: '/api/v2/me', status: 429, headers: { 'retry-after': '1' }, times: 1 }),
      });
      const r = await agent.req('GET', '/api/v2/me');
      assert.equal(r.status, 429);
      assert.equal(r.headers.get('retry-after'), '1');
    });
  });
});
