/**
 * Bayeux clients no one here wrote against our GWS simulator's endpoint
 * (simulators/gws/bayeux.ts): the CometD project's own JavaScript client (`cometd`, its
 * LongPollingTransport over `cometd-nodejs-client`'s XMLHttpRequest) and Faye's Node client. Each
 * signs in as GWS wants it (Basic on `GET /api/v2/me`, then the `JSESSIONID` cookie on every
 * Bayeux request), handshakes, subscribes, receives numbered events in order exactly once,
 * including events published right after its held long poll's socket dropped (#17: the
 * simulator once emptied the queue into the dead response), and disconnects cleanly: the
 * simulator sees one `/meta/disconnect` and forgets the client.
 */
import * as assert from 'node:assert/strict';
import type { CometD, Message } from 'cometd';
import { loadCometd } from '../../lib/gws/cometd';
import { start, type GwsSimulator } from '../../simulators/gws';
import { sleep, waitFor } from '../helpers';
import { faye, type FayeClient } from './faye-front';

const USER = 'agent01';
const PASSWORD = 'agent01-pass';
const CHANNEL = '/v2/me/test';

/** The GWS session cookie a Basic `GET /api/v2/me` sets. */
async function sessionCookie(sim: GwsSimulator): Promise<string> {
  const r = await fetch(`${sim.url}/api/v2/me`, { headers: { Authorization: 'Basic ' + Buffer.from(`${USER}:${PASSWORD}`).toString('base64') } });
  assert.equal(r.status, 200);
  const c = r.headers.getSetCookie().find((h) => h.startsWith('JSESSIONID='));
  assert.ok(c, 'a JSESSIONID cookie');
  return c.split(';')[0];
}

/** One client under test, as the tests drive it. */
interface Under {
  seqs: number[];
  /** Handshakes and subscribes; resolves once the subscription is confirmed. */
  subscribe(): Promise<void>;
  /** Disconnects; resolves once the server answered. */
  disconnect(): Promise<void>;
}

async function cometdClient(sim: GwsSimulator, cookie: string): Promise<Under> {
  const mods = await loadCometd();
  const cometd: CometD = new mods.CometD('interop');
  cometd.unregisterTransports();
  // The project's own long-polling transport, over cometd-nodejs-client's XMLHttpRequest.
  cometd.registerTransport('long-polling', new mods.LongPollingTransport() as unknown as Parameters<CometD['registerTransport']>[1]);
  cometd.configure({ url: `${sim.url}/api/v2/notifications`, logLevel: 'warn', backoffIncrement: 50, maxBackoff: 500, requestHeaders: { Cookie: cookie } });
  const seqs: number[] = [];
  return {
    seqs,
    subscribe: () =>
      new Promise((resolve, reject) => {
        cometd.handshake((h: Message) => {
          if (!h.successful) return reject(new Error(`handshake: ${h.error}`));
          cometd.subscribe(
            CHANNEL,
            (m: Message) => seqs.push((m.data as { seq: number }).seq),
            (s: Message) => (s.successful ? resolve() : reject(new Error(`subscribe: ${s.error}`))),
          );
        });
      }),
    disconnect: () => new Promise((resolve) => cometd.disconnect(() => resolve())),
  };
}

function fayeClient(sim: GwsSimulator, cookie: string): Under {
  const url = `${sim.url}/api/v2/notifications`;
  const client: FayeClient = new faye.Client(url, { retry: 0.05 });
  client.disable('websocket');
  client.disable('autodisconnect');
  // Faye sends the cookies of its own jar (a Cookie header would be replaced by them).
  client._dispatcher.cookies.setCookieSync(`${cookie}; Path=/`, url);
  const seqs: number[] = [];
  return {
    seqs,
    subscribe: () => new Promise((resolve, reject) => client.subscribe(CHANNEL, (d) => seqs.push((d as { seq: number }).seq)).then(resolve, reject)),
    disconnect: () =>
      new Promise((resolve, reject) => {
        const p = client.disconnect();
        if (p) p.then(resolve, reject);
        else resolve();
      }),
  };
}

const CLIENTS: Array<[string, (sim: GwsSimulator, cookie: string) => Under | Promise<Under>]> = [
  ['the CometD project client (cometd + cometd-nodejs-client)', cometdClient],
  ["Faye's client", fayeClient],
];

for (const [label, make] of CLIENTS) {
  describe(`interop: ${label} against the GWS simulator`, function () {
    this.timeout(30000);
    let sim: GwsSimulator;
    let under: Under;

    beforeEach(async () => {
      sim = await start({ port: 0, cometdTimeoutMs: 1000, cometdMaxIntervalMs: 2000 });
      under = await make(sim, await sessionCookie(sim));
      await under.subscribe();
    });
    afterEach(async () => {
      if (sim.bayeux.clients.size) await under.disconnect().catch(() => undefined);
      await sim.close();
    });

    const held = (): Promise<void> => waitFor(() => [...sim.bayeux.clients.values()].some((c) => c.pending), 5000, 'a held connect');
    const publish = (from: number, to: number): void => {
      for (let i = from; i < to; i++) assert.equal(sim.publish(USER, CHANNEL, { seq: i }), 1);
    };
    const received = async (n: number): Promise<void> => {
      await waitFor(() => under.seqs.length >= n, 10000, `${n} events`);
      await sleep(200); // anything doubled would come now
      assert.deepEqual(under.seqs, [...Array(n).keys()], 'every event once, in order');
    };

    it('handshakes with the GWS session cookie, subscribes, receives 30 events in order exactly once', async () => {
      assert.equal(sim.bayeux.clients.size, 1);
      const c = [...sim.bayeux.clients.values()][0];
      assert.deepEqual([...c.subscriptions], [CHANNEL]);
      assert.equal(c.user, USER);
      await held();
      publish(0, 10);
      await waitFor(() => under.seqs.length >= 10, 5000, 'the first 10');
      await held();
      publish(10, 30);
      await received(30);
    });

    it("events published right after the held long poll's socket dropped (0 ms): 5 of 5, then 5 more, once each", async () => {
      await held();
      const id = [...sim.bayeux.clients.keys()][0];
      for (const c of sim.bayeux.clients.values()) c.pending?.res.socket?.destroy();
      publish(0, 5); // at once: the dead response must take nothing
      await received(5);
      await held();
      publish(5, 10);
      await received(10);
      assert.deepEqual([...sim.bayeux.clients.keys()], [id], 'the same client connected again');
    });

    it('disconnects cleanly: one /meta/disconnect, seen by the simulator, which forgets the client at once', async () => {
      await held();
      const id = [...sim.bayeux.clients.keys()][0];
      await under.disconnect();
      const disc = sim.server.requests.filter((r) => r.path.startsWith('/api/v2/notifications') && r.body.includes('/meta/disconnect'));
      assert.equal(disc.length, 1);
      assert.ok(disc[0].body.includes(id));
      assert.equal(sim.bayeux.clients.size, 0);
    });
  });
}
