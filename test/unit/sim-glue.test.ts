/**
 * The simulator hooks the glue flows' scenarios use, over plain HTTP: a GWS voice invite that
 * carries the caller's and the dialled number, and the ICWS count of scripted calls not yet popped.
 */
import * as assert from 'node:assert/strict';
import { start as startGws, type GwsSimulator } from '../../simulators/gws';
import { start as startIcws, type IcwsSimulator } from '../../simulators/icws';

const BASIC7 = 'Basic ' + Buffer.from('agent07:agent07-pass').toString('base64');

async function control(base: string, name: string, body: unknown): Promise<{ status: number; json: { ok?: boolean; result?: Record<string, unknown> } }> {
  const r = await fetch(`${base}/__sim/${name}`, { method: 'POST', body: JSON.stringify(body) });
  return { status: r.status, json: (await r.json()) as { ok?: boolean; result?: Record<string, unknown> } };
}

describe('simulator hooks of the glue scenarios', () => {
  let gws: GwsSimulator;
  let icws: IcwsSimulator;
  before(async () => {
    gws = await startGws({ port: 0 });
    icws = await startIcws({ port: 0, alternate: false });
  });
  after(async () => {
    await gws.close();
    await icws.close();
  });

  it('GWS: POST /__sim/invite with ani and dnis offers a voice call that carries them (answer, GET, interaction list)', async () => {
    const c = await control(gws.url, 'invite', { to: 'agent07', mediaType: 'voice', ani: '+4915120000001', dnis: '+4930123456', queueName: 'VQ_Inbound' });
    assert.equal(c.status, 200);
    const id = String(c.json.result?.id);
    assert.deepEqual(
      [c.json.result?.mediaType, c.json.result?.state, c.json.result?.ani, c.json.result?.dnis],
      ['voice', 'Invited', '+4915120000001', '+4930123456'],
    );
    const r = await fetch(`${gws.url}/api/v2/interactions/${encodeURIComponent(id)}`, { headers: { authorization: BASIC7 } });
    const one = (await r.json()) as { interaction: Record<string, unknown> };
    assert.equal(one.interaction.ani, '+4915120000001');
    assert.equal(one.interaction.dnis, '+4930123456');
    // An e-mail invite has neither.
    const mail = await control(gws.url, 'invite', { to: 'agent07' });
    assert.equal('ani' in (mail.json.result ?? {}), false);
    assert.equal('dnis' in (mail.json.result ?? {}), false);
    const mine = await fetch(`${gws.url}/api/v2/me/interactions?fields=*`, { headers: { authorization: BASIC7 } });
    const list = ((await mine.json()) as { interactions: Array<Record<string, unknown>> }).interactions;
    assert.deepEqual(
      list.map((i) => [i.mediaType, i.ani ?? null]),
      [
        ['voice', '+4915120000001'],
        ['email', null],
      ],
    );
  });

  it('ICWS: state counts the scripted calls queued and not yet popped', async () => {
    const count = async (): Promise<unknown> => (await control(icws.server.url, 'state', {})).json.result?.queuedCalls;
    assert.equal(await count(), 0);
    await control(icws.server.url, 'queue-call', { type: 'preview', attributes: { is_attr_Phone: '+4915120000002' } });
    await control(icws.server.url, 'queue-call', { type: 'regular' });
    assert.equal(await count(), 2);
    await control(icws.server.url, 'reset', {});
    assert.equal(await count(), 0);
  });
});
