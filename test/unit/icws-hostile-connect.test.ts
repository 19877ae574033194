/**
 * A hostile (or broken) ICWS server's connect answer: the session id and user id go into every
 * request path, the CSRF token into every request's headers. One that would address another
 * resource or break a header is refused (VENDOR_ERROR naming the field, without echoing the
 * value) and nothing is sent with it.
 */
import * as assert from 'node:assert/strict';
import { CcError } from '../../lib/errors';
import { IcwsClient } from '../../lib/icws';
import { start, type IcwsSimulator } from '../../simulators/icws';

describe('ICWS: a hostile connect answer', function () {
  this.timeout(10000);
  let sim: IcwsSimulator;
  let c: IcwsClient | undefined;
  beforeEach(async () => {
    sim = await start({ port: 0, alternate: false });
  });
  afterEach(async () => {
    await c?.close();
    c = undefined;
    await sim.close();
  });

  /** The simulator answers the connect with `answer` (status 201) once. */
  async function connectWith(answer: Record<string, unknown>, headers: Record<string, string> = {}): Promise<CcError> {
    sim.server.addFault({
      path: '/icws/connection',
      method: 'POST',
      status: 201,
      body: JSON.stringify(answer),
      headers: { 'content-type': 'application/json', ...headers },
      times: 1,
    });
    c = new IcwsClient({ url: sim.url, username: 'agent1', password: 'agent1-secret', timeout: 2000, backoffMs: [60000] });
    try {
      await c.logIn();
    } catch (err) {
      assert.ok(err instanceof CcError, String(err));
      return err;
    }
    assert.fail('the session was opened');
  }
  const afterConnect = () => sim.server.requests.filter((r) => !(r.method === 'POST' && r.path === '/icws/connection'));

  const hostileIds = ['..', '.', '%2e%2e', '../../icws/connection', '1/../../admin', '12?x=1', '12#frag', ' 12', 'a'.repeat(300), '\u0000', '12%2F34'];
  for (const id of hostileIds) {
    it(`session id ${JSON.stringify(id.length > 20 ? id.slice(0, 20) + '…' : id)}: VENDOR_ERROR naming sessionId, nothing sent with it`, async () => {
      const e = await connectWith({ sessionId: id, csrfToken: 'tok', userID: 'agent1' });
      assert.equal(e.code, 'VENDOR_ERROR', e.message);
      assert.equal(e.field, 'sessionId');
      assert.match(e.message, /connect answer's sessionId .*refused/);
      if (id.length > 3) assert.ok(!e.message.includes(id), 'the value is not echoed');
      assert.deepEqual(afterConnect(), [], 'no request after the refused connect');
    });
  }

  it('a session id only in the ININ-ICWS-Session-ID header is checked the same way', async () => {
    const e = await connectWith({ csrfToken: 'tok' }, { 'inin-icws-session-id': '..' });
    assert.equal(e.field, 'sessionId');
    assert.deepEqual(afterConnect(), []);
  });

  it('a user id of ".." or with a slash: refused (it would go into status paths)', async () => {
    for (const userID of ['..', 'agent1/../../x']) {
      const e = await connectWith({ sessionId: '1234567890', csrfToken: 'tok', userID });
      assert.equal(e.field, 'userID', e.message);
      await c?.close();
    }
    assert.deepEqual(afterConnect(), []);
  });

  it('a CSRF token with CR/LF: refused (it would split a header)', async () => {
    const e = await connectWith({ sessionId: '1234567890', csrfToken: 'tok\r\nX-Evil: 1', userID: 'agent1' });
    assert.equal(e.field, 'csrfToken');
    assert.match(e.message, /not a usable header value/);
    assert.deepEqual(afterConnect(), []);
  });

  it('an ordinary answer still opens the session (numeric id, base64 token)', async () => {
    c = new IcwsClient({ url: sim.url, username: 'agent1', password: 'agent1-secret', timeout: 2000 });
    await c.logIn();
    assert.match(c.session.sessionId ?? '', /^\d+$/);
  });
});
