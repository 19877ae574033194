/**
 * The GWS simulator (docs/vendors/gws.md): the CometD long-polling server on /api/v2/notifications.
 * Set-up in sim-gws-support.ts.
 */
import * as assert from 'node:assert/strict';
import { start, type GwsSimulator } from '../../simulators/gws';
import { Agent, BASIC7, data, simGwsHooks, type Json } from './sim-gws-support';

describe('GWS simulator', function () {
  let sim: GwsSimulator, agent: Agent;
  simGwsHooks(this, { get: () => sim, set: (s, a) => ([sim, agent] = [s, a]) });

  describe('CometD on /api/v2/notifications', () => {
    it('denies a handshake without an HTTP session', async () => {
      const h = await agent.bayeux([{ id: '1', channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] }]);
      assert.equal(h.status, 200);
      assert.deepEqual(h.json, [{ id: '1', channel: '/meta/handshake', successful: false, error: '403::Handshake denied', advice: { reconnect: 'none' } }]);
    });

    it('answers an unknown clientId with 402::Unknown client and handshake advice', async () => {
      await agent.login();
      const c = await agent.connect('nope');
      assert.deepEqual(c, [
        { id: 'c', channel: '/meta/connect', successful: false, error: '402::Unknown client', advice: { reconnect: 'handshake', interval: 0 } },
      ]);
    });

    it('handshakes, subscribes, holds the connect and delivers notifications of operations', async () => {
      await agent.login();
      assert.ok(agent.cookies.has('JSESSIONID'));
      const h = await agent.bayeux([
        {
          id: '1',
          channel: '/meta/handshake',
          version: '1.0',
          minimumVersion: '1.0',
          supportedConnectionTypes: ['long-polling'],
          advice: { timeout: 60000, interval: 0 },
        },
      ]);
      const reply = (h.json as Json[])[0];
      assert.equal(reply.successful, true);
      assert.deepEqual(reply.supportedConnectionTypes, ['long-polling']);
      assert.deepEqual(reply.advice, { reconnect: 'retry', interval: 0, timeout: 400 });
      assert.ok(agent.cookies.has('BAYEUX_BROWSER'));
      const clientId = reply.clientId as string;
      const sub = await agent.bayeux([{ id: '2', channel: '/meta/subscribe', clientId, subscription: '/v2/me/interactions' }]);
      assert.deepEqual(sub.json, [{ id: '2', channel: '/meta/subscribe', successful: true, subscription: '/v2/me/interactions' }]);
      const t0 = Date.now();
      const first = await agent.connect(clientId);
      assert.ok(Date.now() - t0 < 200, 'first connect is answered at once');
      assert.deepEqual(first, [{ id: 'c', channel: '/meta/connect', successful: true, advice: { reconnect: 'retry', interval: 0, timeout: 400 } }]);
      // an empty long poll is held for advice.timeout
      const t1 = Date.now();
      const empty = await agent.connect(clientId);
      assert.ok(Date.now() - t1 >= 350, `held ${Date.now() - t1} ms`);
      assert.equal(empty.length, 1);
      // an invite during a held connect is delivered at once, before the connect reply
      const held = agent.connect(clientId);
      await new Promise((r) => setTimeout(r, 50));
      const i = sim.invite({ id: 'I1', userData: { Subject: 'Card blocked' } });
      const t2 = Date.now();
      const got = await held;
      assert.ok(Date.now() - t2 < 200);
      assert.equal(got.at(-1)!.channel, '/meta/connect');
      const d = data(got);
      assert.equal(d.length, 1);
      assert.equal(d[0].channel, '/v2/me/interactions');
      const msg = d[0].data as Json;
      assert.equal(msg.messageType, 'InteractionStateMessage');
      assert.equal(msg.notificationType, 'StatusChange');
      assert.equal(typeof msg.referenceId, 'number');
      assert.deepEqual((msg.interaction as Json).userData, { Subject: 'Card blocked' });
      assert.equal((msg.interaction as Json).state, 'Invited');
      // an operation's outcome arrives with the same referenceId as its HTTP answer
      const acc = await agent.req('POST', `/api/v2/me/interactions/${i.id}`, { operationName: 'Accept' });
      const ev = data(await agent.connect(clientId));
      assert.equal((ev[0].data as Json).referenceId, (acc.json as Json).referenceId);
      assert.equal(((ev[0].data as Json).interaction as Json).state, 'Processing');
      // disconnect
      const dis = await agent.bayeux([{ id: '9', channel: '/meta/disconnect', clientId }]);
      assert.deepEqual(dis.json, [{ id: '9', channel: '/meta/disconnect', successful: true }]);
      assert.equal((await agent.connect(clientId))[0].error, '402::Unknown client');
    });

    it('serves /me/interactions and wildcards, and only to the owning agent', async () => {
      await agent.login();
      const other = new Agent(sim.url, BASIC7);
      await other.login();
      const c1 = await agent.handshake(['/me/interactions', '/v2/me/*']);
      const c2 = await other.handshake(['/v2/me/interactions']);
      sim.invite({ to: 'agent01' });
      const got = data(await agent.connect(c1));
      assert.deepEqual(got.map((m) => m.channel).sort(), ['/me/interactions', '/v2/me/interactions']);
      const p2 = other.connect(c2);
      sim.invite({ to: 'agent07', id: 'for-seven' });
      const got2 = data(await p2);
      assert.equal(got2.length, 1);
      assert.equal(((got2[0].data as Json).interaction as Json).id, 'for-seven');
    });

    it('refuses subscriptions to meta channels and publishing', async () => {
      await agent.login();
      const c = await agent.handshake([]);
      const s = await agent.bayeux([{ id: '5', channel: '/meta/subscribe', clientId: c, subscription: '/meta/connect' }]);
      assert.equal((s.json as Json[])[0].successful, false);
      const p = await agent.bayeux([{ id: '6', channel: '/v2/me/interactions', clientId: c, data: {} }]);
      assert.equal((p.json as Json[])[0].error, '403::Publish denied');
      const uns = await agent.bayeux([{ id: '7', channel: '/meta/unsubscribe', clientId: c, subscription: '/v2/me/interactions' }]);
      assert.equal((uns.json as Json[])[0].successful, true);
    });

    it('sends the handshake advice when scripted over HTTP, to a held connect too', async () => {
      await agent.login();
      const c = await agent.handshake();
      const held = agent.connect(c);
      await new Promise((r) => setTimeout(r, 50));
      const ctl = await fetch(sim.url + '/__sim/handshakeAdvice', { method: 'POST', body: '{"count":1}' });
      assert.equal(ctl.status, 200);
      const r = await held;
      assert.equal(r[0].successful, false);
      assert.deepEqual(r[0].advice, { reconnect: 'handshake', interval: 0 });
      // re-handshake works
      const c2 = await agent.handshake();
      assert.notEqual(c2, c);
    });

    it('answers 402 after the HTTP session is lost, and delivers again after a new session', async () => {
      await agent.login();
      const c = await agent.handshake();
      const ctl = await fetch(sim.url + '/__sim/expireSessions', { method: 'POST', body: '{"userName":"agent01"}' });
      assert.deepEqual(await ctl.json(), { ok: true, result: { expired: 1 } });
      assert.equal((await agent.connect(c))[0].error, '402::Unknown client');
      const h = await agent.bayeux([{ id: '1', channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] }]);
      assert.equal((h.json as Json[])[0].error, '403::Handshake denied');
      await agent.login();
      const c2 = await agent.handshake();
      sim.invite();
      assert.equal(data(await agent.connect(c2)).length, 1);
    });

    it('drops a client that stops polling', async () => {
      await agent.login();
      const c = await agent.handshake();
      assert.equal(sim.bayeux.clients.size, 1);
      await new Promise((r) => setTimeout(r, 1900));
      assert.equal(sim.bayeux.clients.size, 0);
      assert.equal((await agent.connect(c))[0].error, '402::Unknown client');
    });

    it('delivers workbin content and asynchronous errors on CometD', async () => {
      await agent.login();
      const c = await agent.handshake();
      const i = sim.invite({ id: 'W1' });
      await agent.req('POST', '/api/v2/me/interactions/W1', { operationName: 'Accept' });
      await agent.req('POST', '/api/v2/me/interactions/W1', { operationName: 'PlaceInWorkbin', workbin: 'Agent_FollowUp' });
      assert.equal(i.state, 'InWorkbin');
      const j = sim.invite({ id: 'W2' });
      await agent.connect(c);
      const g = await agent.req('POST', '/api/v2/me/interactions/W2', { operationName: 'GetWorkbinContent', workbin: 'Agent_FollowUp' });
      assert.equal((g.json as Json).status, 'ok');
      const ev = data(await agent.connect(c));
      const content = ev.find((m) => (m.data as Json).notificationType === 'WorkbinContent')!.data as Json;
      assert.equal(content.referenceId, (g.json as Json).referenceId);
      assert.deepEqual(
        (content.interactions as Json[]).map((m) => (m.interaction as Json).id),
        ['W1'],
      );
      await fetch(sim.url + '/__sim/asyncError', {
        method: 'POST',
        body: JSON.stringify({ interactionId: j.id, operation: 'Accept', statusMessage: 'Media server unavailable' }),
      });
      const acc = await agent.req('POST', '/api/v2/me/interactions/W2', { operationName: 'Accept' });
      assert.equal(acc.status, 200);
      const err = data(await agent.connect(c))[0].data as Json;
      assert.equal(err.notificationType, 'Error');
      assert.equal(err.referenceId, (acc.json as Json).referenceId);
      assert.equal(err.statusMessage, 'Media server unavailable');
    });

    it('invites over HTTP and forgets everything after a restart on the same port', async () => {
      await agent.login();
      const inv = await fetch(sim.url + '/__sim/invite', { method: 'POST', body: JSON.stringify({ id: 'H1', to: 'agent01' }) });
      assert.equal(((await inv.json()) as { result: Json }).result.state, 'Invited');
      const port = sim.server.port;
      await sim.close();
      await new Promise((r) => setTimeout(r, 50)); // let fetch notice its pooled socket closed
      sim = await start({ port });
      assert.equal(sim.url, `http://127.0.0.1:${port}`);
      const stale = await agent.req('GET', '/api/v2/me', undefined, { auth: false });
      assert.equal(stale.status, 401);
      const st = (await (await fetch(sim.url + '/__sim/state', { method: 'POST' })).json()) as { result: Json };
      assert.deepEqual(st.result.interactions, []);
    });
  });
});
