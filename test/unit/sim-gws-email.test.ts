/**
 * The GWS simulator's e-mail model (docs/vendors/gws.md 3.2, 8) against plain HTTP: an inbound
 * e-mail raised by the control API, Reply / ReplyAll / Forward making an outbound draft with its
 * parent, CancelReply dropping it, Send sending it, StopProcessing ending the inbound one, the
 * refusals, and the plain URI list of `GET /api/v2/me/interactions`.
 */
import * as assert from 'node:assert/strict';
import { start, type GwsSimulator } from '../../simulators/gws';

type Json = Record<string, unknown>;
const BASIC = 'Basic ' + Buffer.from('agent01:agent01-pass').toString('base64');

describe('GWS simulator: e-mail', () => {
  let sim: GwsSimulator;
  // CSRF off: every request signs in with Basic on its own (the session rules are tested elsewhere).
  before(async () => (sim = await start({ csrf: false })));
  after(() => sim.close());
  beforeEach(() => fetch(sim.url + '/__sim/reset', { method: 'POST' }));

  async function req(method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
    const headers: Record<string, string> = { authorization: BASIC, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(sim.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, json: (await r.json()) as Json };
  }
  const op = (id: string, operationName: string, extra: Json = {}) =>
    req('POST', `/api/v2/me/interactions/${encodeURIComponent(id)}`, { operationName, ...extra });
  const control = async (name: string, body: Json = {}): Promise<Json> => {
    const r = await fetch(`${sim.url}/__sim/${name}`, { method: 'POST', body: JSON.stringify(body) });
    return ((await r.json()) as { result: Json }).result;
  };
  const draftsOf = (parentId: string) => [...sim.interactions.values()].filter((i) => i.parentId === parentId);

  /** An inbound e-mail raised over the control API and accepted by agent01. */
  async function accepted(subject = 'Card blocked'): Promise<string> {
    const raised = await control('email', { from: 'ann@example.com', subject });
    const id = raised.id as string;
    assert.equal((await op(id, 'Accept')).status, 200);
    return id;
  }

  it('raises an inbound e-mail from the control API, with the e-mail operations once accepted', async () => {
    const raised = await control('email', { from: 'ann@example.com', subject: 'Card blocked', userData: { Segment: 'gold' } });
    assert.equal(raised.mediaType, 'email');
    assert.equal(raised.direction, 'inbound');
    assert.equal(raised.state, 'Invited');
    assert.deepEqual(raised.userData, { Segment: 'gold', FromAddress: 'ann@example.com', Subject: 'Card blocked' });
    assert.deepEqual(raised.capabilities, ['Accept', 'Reject']);
    const early = await op(raised.id as string, 'Reply');
    assert.deepEqual(early, { status: 400, json: { statusCode: 2, statusMessage: 'Operation Reply is not valid in state Invited' } });
    await op(raised.id as string, 'Accept');
    const read = await req('GET', `/api/v2/interactions/${raised.id as string}`);
    const caps = (read.json.interaction as Json).capabilities as string[];
    for (const c of ['Reply', 'ReplyAll', 'Forward', 'StopProcessing', 'Complete', 'Transfer']) assert.ok(caps.includes(c), c);
    assert.ok(!caps.includes('Send') && !caps.includes('CancelReply'));
  });

  it('Reply makes an outbound draft with its parent; Send sends it and ends it', async () => {
    const id = await accepted();
    const reply = await op(id, 'Reply');
    assert.equal(reply.status, 200);
    assert.equal(reply.json.statusCode, 0);
    assert.equal(typeof reply.json.referenceId, 'number');
    const [draft] = draftsOf(id);
    assert.ok(draft, 'a draft exists');
    assert.equal(draft.direction, 'outbound');
    assert.equal(draft.origin, 'Reply');
    assert.equal(draft.state, 'Processing');
    assert.equal(draft.owner, 'agent01');
    assert.deepEqual(draft.userData, { Subject: 'Re: Card blocked' });
    const mine = await req('GET', '/api/v2/me/interactions?fields=*');
    const listed = (mine.json.interactions as Json[]).find((x) => x.id === draft.id)!;
    assert.equal(listed.parentId, id);
    assert.deepEqual(listed.capabilities, ['Send', 'CancelReply', 'AttachUserData', 'UpdateUserData', 'DeleteUserData', 'Cancel']);
    const sent = await op(draft.id, 'Send');
    assert.deepEqual(sent.json, { statusCode: 0, referenceId: sent.json.referenceId });
    assert.equal(draft.state, 'Completed');
    assert.equal(sim.sentEmails.length, 1);
    assert.deepEqual(
      { ...sim.sentEmails[0], sentDate: 'x' },
      { id: draft.id, parentId: id, origin: 'Reply', userData: { Subject: 'Re: Card blocked' }, from: 'agent01', sentDate: 'x' },
    );
    assert.equal((await op(draft.id, 'Send')).status, 404);
    assert.equal((await req('GET', `/api/v2/interactions/${draft.id}`)).status, 404);
    const state = await control('state');
    assert.equal((state.sentEmails as Json[]).length, 1);
  });

  it('ReplyAll and Forward make drafts too; CancelReply drops one, Cancel after a reply drops one', async () => {
    const id = await accepted('Address change');
    assert.equal((await op(id, 'ReplyAll')).status, 200);
    assert.equal((await op(id, 'Forward')).status, 200);
    const all = draftsOf(id).find((d) => d.origin === 'ReplyAll')!;
    const fwd = draftsOf(id).find((d) => d.origin === 'Forward')!;
    assert.deepEqual(fwd.userData, { Subject: 'Fwd: Address change' });
    // Cancel is the GWS Interactions API document's operation after a Reply/ReplyAll, not after a Forward.
    const cancelFwd = await op(fwd.id, 'Cancel');
    assert.deepEqual(cancelFwd.json, { statusCode: 2, statusMessage: 'Cancel is possible only after Reply or ReplyAll' });
    assert.equal((await op(fwd.id, 'CancelReply')).json.statusCode, 0);
    assert.equal((await op(all.id, 'Cancel')).json.status, 0);
    assert.equal(fwd.state, 'Completed');
    assert.equal(all.state, 'Completed');
    assert.equal(sim.sentEmails.length, 0);
    const uris = await req('GET', '/api/v2/me/interactions');
    assert.deepEqual(uris.json, { statusCode: 0, uris: [`${sim.url}/api/v2/interactions/${id}`] });
  });

  it('StopProcessing ends the inbound e-mail once no draft of it is open', async () => {
    const id = await accepted();
    await op(id, 'Reply');
    const [draft] = draftsOf(id);
    const early = await op(id, 'StopProcessing');
    assert.deepEqual(early, {
      status: 400,
      json: { statusCode: 2, statusMessage: `Interaction ${id} has an outbound e-mail in progress (${draft.id}): send or cancel it first` },
    });
    await op(draft.id, 'Send');
    const stop = await op(id, 'StopProcessing');
    assert.equal(stop.json.statusCode, 0);
    assert.equal(sim.interactions.get(id)!.state, 'Completed');
    assert.equal((await op(id, 'Reply')).status, 404);
  });

  it('refuses e-mail operations where they do not apply, and an operation it does not know', async () => {
    const call = sim.invite({ mediaType: 'voice', ani: '+4930111' });
    await op(call.id, 'Accept');
    assert.deepEqual((await op(call.id, 'Reply')).json, { statusCode: 2, statusMessage: 'Operation Reply applies to e-mail interactions only' });
    const id = await accepted();
    assert.deepEqual((await op(id, 'Send')).json, {
      statusCode: 2,
      statusMessage: 'Operation Send applies to an outbound e-mail (made by Reply, ReplyAll or Forward)',
    });
    await op(id, 'Reply');
    const [draft] = draftsOf(id);
    assert.deepEqual((await op(draft.id, 'Forward')).json, { statusCode: 2, statusMessage: 'Operation Forward applies to an inbound e-mail' });
    assert.deepEqual((await op(draft.id, 'Transfer', { userId: 'agent07' })).json, {
      statusCode: 2,
      statusMessage: 'Interaction is not in a transferable state',
    });
    assert.deepEqual(await op(id, 'Redirect'), { status: 400, json: { statusCode: 1, statusMessage: 'Unsupported operationName Redirect' } });
    // A scripted refusal reaches the e-mail operations like any other.
    await control('refuse', { operation: 'Send', statusCode: 3, statusMessage: 'Mail server unavailable', times: 1 });
    assert.deepEqual((await op(draft.id, 'Send')).json, { statusCode: 3, statusMessage: 'Mail server unavailable' });
    assert.equal((await op(draft.id, 'Send')).json.statusCode, 0);
  });

  it('reset forgets sent e-mails', async () => {
    const id = await accepted();
    await op(id, 'Reply');
    await op(draftsOf(id)[0].id, 'Send');
    assert.equal(sim.sentEmails.length, 1);
    await control('reset');
    assert.equal(sim.sentEmails.length, 0);
    assert.deepEqual((await control('state')).sentEmails, []);
  });
});
