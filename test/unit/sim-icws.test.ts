/**
 * The ICWS simulator against docs/vendors/icws.md, with plain fetch / node:http requests only.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { start, type IcwsSimulator } from '../../simulators/icws';

interface Session {
  sid: string;
  csrf: string;
  cookie: string;
  base: string;
}

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

const CONNECT_BODY = (userID = 'agent1', password = 'agent1-secret') => ({
  __type: 'urn:inin.com:connection:icAuthConnectionRequestSettings',
  applicationName: 'Node-RED',
  userID,
  password,
});

async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(base + path, {
    method,
    headers: { 'accept-language': 'en-us', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* text */
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

async function connect(base: string, userID?: string, password?: string): Promise<Session> {
  const a = await call(base, 'POST', '/icws/connection?include=features,effective-station', CONNECT_BODY(userID, password));
  assert.equal(a.status, 201, JSON.stringify(a.body));
  const b = a.body as { sessionId: string; csrfToken: string };
  const cookie = a.headers.getSetCookie()[0].split(';')[0];
  return { sid: b.sessionId, csrf: b.csrfToken, cookie, base };
}

function on(s: Session, method: string, rest: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return call(s.base, method, `/icws/${s.sid}/${rest}`, body, { 'inin-icws-csrf-token': s.csrf, cookie: s.cookie, ...headers });
}

async function poll(s: Session): Promise<Array<Record<string, unknown>>> {
  const a = await on(s, 'GET', 'messaging/messages');
  assert.equal(a.status, 200);
  assert.ok(Array.isArray(a.body));
  return a.body as Array<Record<string, unknown>>;
}

interface Stream {
  status: number;
  contentType: string;
  events: Array<Record<string, unknown>>;
  raw: string;
  ended: Promise<void>;
  next(pred: (m: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>>;
  close(): void;
}

function openStream(s: Session, headers: Record<string, string> = {}): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${s.base}/icws/${s.sid}/messaging/messages`);
    const req = http.request(url, { headers: { accept: 'text/event-stream', cookie: s.cookie, 'accept-language': 'en-us', ...headers } }, (res) => {
      let buf = '';
      const waiters: Array<() => void> = [];
      const st: Stream = {
        status: res.statusCode ?? 0,
        contentType: String(res.headers['content-type']),
        events: [],
        raw: '',
        ended: new Promise((r) => res.on('close', () => r())),
        next(pred, ms = 2000) {
          return new Promise((res2, rej) => {
            const check = (): boolean => {
              const m = st.events.find(pred);
              if (m) {
                st.events.splice(st.events.indexOf(m), 1);
                clearTimeout(t);
                res2(m);
                return true;
              }
              return false;
            };
            const t = setTimeout(() => rej(new Error('no such event in time; have ' + JSON.stringify(st.events))), ms);
            if (!check()) waiters.push(() => void check());
          });
        },
        close: () => req.destroy(),
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        st.raw += chunk;
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trim())
            .join('\n');
          if (data) st.events.push(JSON.parse(data) as Record<string, unknown>);
        }
        for (const w of waiters.splice(0)) w();
      });
      res.on('error', () => undefined);
      resolve(st);
    });
    req.on('error', reject);
    req.end();
  });
}

const types = (ms: Array<Record<string, unknown>>): unknown[] => ms.map((m) => m.__type);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ICWS simulator', function () {
  this.timeout(10000);
  let sim: IcwsSimulator;
  let base: string;

  beforeEach(async () => {
    sim = await start({ port: 0 });
    base = sim.url;
  });
  afterEach(async () => {
    await sim.close();
  });

  describe('connection', () => {
    it('creates a session with id, CSRF token and cookie, and reports features', async () => {
      const a = await call(base, 'POST', '/icws/connection?include=features,effective-station', CONNECT_BODY());
      assert.equal(a.status, 201);
      assert.match(a.headers.get('content-type') ?? '', /application\/vnd\.inin\.icws\+json/);
      const b = a.body as Record<string, unknown>;
      assert.equal(a.headers.get('inin-icws-session-id'), b.sessionId);
      assert.equal(a.headers.get('inin-icws-csrf-token'), b.csrfToken);
      assert.equal(a.headers.get('location'), `/icws/${b.sessionId}/connection`);
      const cookie = a.headers.getSetCookie()[0];
      assert.match(cookie, new RegExp(`^icws_${b.sessionId}=[^;]+\\|languageId=en-us; Path=/icws/${b.sessionId}; HttpOnly$`));
      assert.equal(b.userID, 'agent1');
      assert.equal(b.userDisplayName, 'Agent One');
      assert.deepEqual(b.features, [
        { featureId: 'messaging', version: 2 },
        { featureId: 'dialer', version: 7 },
      ]);
      assert.equal(b.effectiveStation, null);
      assert.equal(sim.sessions.size, 1);
      const [s] = sim.sessions.values();
      assert.equal(s.applicationName, 'Node-RED');
      assert.equal(s.language, 'en-us');
    });

    it('omits features unless asked for them', async () => {
      const a = await call(base, 'POST', '/icws/connection', CONNECT_BODY());
      assert.equal(a.status, 201);
      assert.equal((a.body as Record<string, unknown>).features, undefined);
    });

    it('refuses wrong credentials with 400 authenticationFailure and counts attempts', async () => {
      for (const body of [CONNECT_BODY('agent1', 'wrong'), CONNECT_BODY('nobody', 'agent1-secret')]) {
        const a = await call(base, 'POST', '/icws/connection', body);
        assert.equal(a.status, 400);
        assert.deepEqual(a.body, {
          errorId: 'error.request.connection.authenticationFailure',
          errorCode: -2147221503,
          message: 'The authentication process failed.',
        });
      }
      assert.equal(sim.stats.connectAttempts, 2);
      assert.equal(sim.stats.failedLogins, 2);
      assert.equal(sim.sessions.size, 0);
    });

    it('requires Accept-Language and the icAuthConnectionRequestSettings type', async () => {
      // fetch adds `accept-language: *` by itself: plain node:http sends no such header.
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(base + '/icws/connection', { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end(JSON.stringify(CONNECT_BODY()));
      });
      assert.equal(status, 400);
      const { __type: _t, ...untyped } = CONNECT_BODY();
      assert.equal((await call(base, 'POST', '/icws/connection', untyped)).status, 400);
      assert.equal((await call(base, 'POST', '/icws/connection', '{bad json')).status, 400);
    });

    it('checks cookie and CSRF token on every session request (401), but not CSRF on the message GET', async () => {
      const s = await connect(base);
      const noCookie = await call(base, 'POST', `/icws/${s.sid}/dialer/log-in`, {}, { 'inin-icws-csrf-token': s.csrf });
      assert.equal(noCookie.status, 401);
      assert.equal(noCookie.headers.get('www-authenticate'), 'ICWS realm="ICWS" location="/ICWS/connection"');
      const noCsrf = await call(base, 'POST', `/icws/${s.sid}/dialer/log-in`, {}, { cookie: s.cookie });
      assert.equal(noCsrf.status, 401);
      assert.equal((noCsrf.body as { errorCode: number }).errorCode, 2);
      const wrongCsrf = await on(s, 'POST', 'dialer/log-in', {}, { 'inin-icws-csrf-token': 'nope' });
      assert.equal(wrongCsrf.status, 401);
      const msgs = await call(base, 'GET', `/icws/${s.sid}/messaging/messages`, undefined, { cookie: s.cookie });
      assert.equal(msgs.status, 200);
      const unknown = await call(base, 'GET', `/icws/1234567/messaging/messages`, undefined, { cookie: s.cookie });
      assert.equal(unknown.status, 401);
      assert.equal((unknown.body as { errorCode: number }).errorCode, -2147221499);
      assert.equal((await on(s, 'POST', 'dialer/log-in', {})).status, 200);
    });

    it('logs onto a known station and refuses an unknown one', async () => {
      const s = await connect(base);
      const body = { __type: 'urn:inin.com:connection:workstationSettings', workstation: '7001', supportedMediaTypes: [1], readyForInteractions: true };
      assert.equal((await on(s, 'PUT', 'connection/station', body)).status, 200);
      assert.equal(sim.sessions.get(s.sid)?.station, '7001');
      const bad = await on(s, 'PUT', 'connection/station', { ...body, workstation: '9999' });
      assert.equal(bad.status, 400);
      assert.equal((bad.body as { errorId: string }).errorId, 'error.request.connection.stationNotFound');
    });

    it('DELETE closes the session; later requests get 401', async () => {
      const s = await connect(base);
      assert.equal((await on(s, 'DELETE', 'connection')).status, 204);
      assert.equal(sim.sessions.size, 0);
      assert.equal(sim.stats.sessionsDeleted, 1);
      assert.equal((await on(s, 'POST', 'dialer/log-in', {})).status, 401);
    });

    it('serves under a reverse-proxy path prefix', async () => {
      const p = await start({ port: 0, pathPrefix: '/api/sessionmanager', alternate: false });
      try {
        assert.ok(p.url.endsWith('/api/sessionmanager'));
        const s = await connect(p.url);
        const cookie = (await call(p.url, 'POST', '/icws/connection', CONNECT_BODY())).headers.getSetCookie()[0];
        assert.match(cookie, /Path=\/api\/sessionmanager\/icws\/\d+;/);
        assert.equal((await on(s, 'POST', 'dialer/log-in', {})).status, 200);
        assert.equal((await call(p.server.url, 'POST', '/icws/connection', CONNECT_BODY())).status, 404);
      } finally {
        await p.close();
      }
    });
  });

  describe('Dialer over short polling (messaging version 1)', () => {
    beforeEach(() => sim.configure({ messagingVersion: 1 }));

    it('reports messaging 1 and answers an SSE request with the JSON array', async () => {
      const a = await call(base, 'POST', '/icws/connection?include=features', CONNECT_BODY());
      assert.deepEqual((a.body as { features: unknown[] }).features[0], { featureId: 'messaging', version: 1 });
      const s = await connect(base);
      const r = await on(s, 'GET', 'messaging/messages', undefined, { accept: 'text/event-stream' });
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, []);
    });

    it('runs the documented Dialer flow: log in → ready → Available → preview pop → place → disposition → log off', async () => {
      const s = await connect(base);
      assert.deepEqual(await poll(s), []);
      const login = await on(s, 'POST', 'dialer/log-in', {});
      assert.equal(login.status, 200);
      assert.equal(login.body, undefined);
      const afterLogin = await poll(s);
      assert.deepEqual(types(afterLogin), ['urn:inin.com:dialer:breakStatusMessage', 'urn:inin.com:dialer:availableCampaignsMessage']);
      assert.equal(afterLogin[0].breakStatus, 0);
      const camps = afterLogin[1] as {
        agentHasLogonCampaignRight: boolean;
        campaignsAdded: Array<{ id: string; isLoggedIn: boolean; campaignType: number; status: number }>;
      };
      assert.equal(camps.agentHasLogonCampaignRight, false);
      assert.deepEqual(
        camps.campaignsAdded.map((c) => [c.id, c.isLoggedIn]),
        [
          ['C-Spring-Renewals', true],
          ['C-Win-Back', true],
        ],
      );
      assert.equal((await on(s, 'POST', 'dialer/ready-for-calls', { campaignIds: ['C-Spring-Renewals'] })).status, 200);
      assert.deepEqual(await poll(s), [], 'no pop before Available');
      const st = await on(s, 'PUT', 'status/user-statuses/agent1', { statusId: 'Available' });
      assert.equal(st.status, 202);
      const requestId = (st.body as { requestId: string }).requestId;
      assert.match(requestId, /^[0-9a-f-]{36}$/);
      const pops = await poll(s);
      assert.deepEqual(types(pops), ['urn:inin.com:dialer:dataPopMessage', 'urn:inin.com:messaging:asyncOperationCompletedMessage']);
      assert.equal(pops[1].requestId, requestId);
      const call1 = pops[0].call as Record<string, unknown>;
      assert.equal(call1.__type, 'urn:inin.com:dialer:previewPop');
      assert.equal(call1.campaignId, 'C-Spring-Renewals');
      assert.equal(call1.callPlaced, false);
      assert.equal(call1.allowSkip, true);
      assert.equal(call1.dialingMode, 0);
      assert.ok(Array.isArray(call1.dispositions) && call1.dispositions.length > 1);
      assert.equal(typeof (call1.attributes as Record<string, string>).is_attr_Phone, 'string');

      assert.equal((await on(s, 'POST', 'dialer/place-preview-call', { callAttributes: { is_attr_Note: 'VIP' } })).status, 200);
      const placed = await poll(s);
      assert.equal(placed.length, 1);
      assert.equal(placed[0].isDelta, true);
      assert.deepEqual(placed[0].call, {
        __type: 'urn:inin.com:dialer:previewPop',
        interactionId: call1.interactionId,
        campaignId: 'C-Spring-Renewals',
        callPlaced: true,
      });
      assert.equal((await on(s, 'POST', 'dialer/place-preview-call', {})).status, 404, 'already placed');

      const badLabel = await on(s, 'POST', 'dialer/disposition', { label: 'Nope' });
      assert.equal(badLabel.status, 400);
      assert.equal((await on(s, 'POST', 'dialer/disposition', { label: 'Call Back Later', scheduledAgent: 'agent1' })).status, 400, 'agent without time');
      assert.equal((await on(s, 'POST', 'dialer/disposition', { label: 'Call Back Later', scheduledTime: '2025-05-02' })).status, 400, 'time as string');
      const disp = await on(s, 'POST', 'dialer/disposition', { label: 'Call Back Later', scheduledTime: 1746180000, scheduledAgent: 'agent1' });
      assert.equal(disp.status, 200);
      assert.deepEqual(sim.sessions.get(s.sid)?.dialer.dispositions, [
        { interactionId: call1.interactionId, label: 'Call Back Later', scheduledTime: 1746180000, scheduledAgent: 'agent1' },
      ]);
      assert.equal(sim.userStatus.get('agent1'), 'Follow Up');
      assert.equal((await on(s, 'POST', 'dialer/disposition', { label: 'Success' })).status, 404, 'nothing left to disposition');
      assert.deepEqual(await poll(s), []);

      assert.equal((await on(s, 'POST', 'dialer/log-off', { campaignIds: [] })).status, 200);
      const bye = await poll(s);
      assert.deepEqual(types(bye), ['urn:inin.com:dialer:logoutGrantedMessage']);
      assert.deepEqual(bye[0].campaigns, [
        { id: 'C-Spring-Renewals', name: 'Spring Renewals' },
        { id: 'C-Win-Back', name: 'Win Back' },
        { id: '', name: '' },
      ]);
      assert.equal((await on(s, 'POST', 'dialer/ready-for-calls', {})).status, 400, 'logged off');
    });

    it('pops a regular call (dataPop) when scripted, and a skip label only for previews with allowSkip', async () => {
      const s = await connect(base);
      sim.queueCall({ type: 'regular', allowAgentCallbacks: false });
      await on(s, 'POST', 'dialer/log-in', {});
      await on(s, 'POST', 'dialer/ready-for-calls', {});
      await on(s, 'PUT', 'status/user-statuses/agent1', { statusId: 'Available' });
      const pop = (await poll(s)).find((m) => m.__type === 'urn:inin.com:dialer:dataPopMessage');
      const c = pop?.call as Record<string, unknown>;
      assert.equal(c.__type, 'urn:inin.com:dialer:dataPop');
      assert.equal(c.dialingMode, 2);
      assert.equal(c.allowSkip, undefined);
      assert.equal((await on(s, 'POST', 'dialer/place-preview-call', {})).status, 404, 'not a preview');
      assert.equal((await on(s, 'POST', 'dialer/disposition', { label: 'Skipped - Agent Skip' })).status, 400);
      assert.equal(
        (await on(s, 'POST', 'dialer/disposition', { label: 'Success', scheduledTime: 1746180000, scheduledAgent: 'agent1' })).status,
        400,
        'no agent callbacks',
      );
      assert.equal((await on(s, 'POST', 'dialer/disposition', { label: 'Success' })).status, 200);
      await poll(s);
      await on(s, 'PUT', 'status/user-statuses/agent1', { statusId: 'Available' });
      const next = (await poll(s)).find((m) => m.__type === 'urn:inin.com:dialer:dataPopMessage');
      assert.equal((next?.call as Record<string, unknown>).__type, 'urn:inin.com:dialer:previewPop');
      assert.equal((await on(s, 'POST', 'dialer/disposition', { label: 'Skipped - Agent Skip' })).status, 200);
    });

    it('grants a break only after the current call is dispositioned; end-break is 202 at once', async () => {
      const s = await connect(base);
      await on(s, 'POST', 'dialer/log-in', {});
      await on(s, 'POST', 'dialer/ready-for-calls', {});
      await on(s, 'PUT', 'status/user-statuses/agent1', { statusId: 'Available' });
      await poll(s);
      const rb = await on(s, 'POST', 'dialer/request-break', {});
      assert.equal(rb.status, 202);
      assert.deepEqual(
        (await poll(s)).map((m) => m.breakStatus),
        [1],
      );
      await on(s, 'POST', 'dialer/disposition', { label: 'Success' });
      assert.deepEqual(
        (await poll(s)).map((m) => m.breakStatus),
        [2],
      );
      await on(s, 'PUT', 'status/user-statuses/agent1', { statusId: 'Available' });
      assert.deepEqual(types(await poll(s)), ['urn:inin.com:messaging:asyncOperationCompletedMessage'], 'no pop on break');
      assert.equal((await on(s, 'POST', 'dialer/end-break', {})).status, 202);
      const after = await poll(s);
      assert.deepEqual(types(after), ['urn:inin.com:dialer:breakStatusMessage', 'urn:inin.com:dialer:dataPopMessage']);
      assert.equal(after[0].breakStatus, 0);
    });

    it('grants a break at once when no call is active', async () => {
      const s = await connect(base);
      await on(s, 'POST', 'dialer/log-in', {});
      await poll(s);
      await on(s, 'POST', 'dialer/request-break', {});
      assert.deepEqual(
        (await poll(s)).map((m) => m.breakStatus),
        [1, 2],
      );
    });

    it('defers log-off until the call is dispositioned; accepts {} and no body', async () => {
      const s = await connect(base);
      await on(s, 'POST', 'dialer/log-in', {});
      await on(s, 'POST', 'dialer/ready-for-calls', {});
      await on(s, 'PUT', 'status/user-statuses/agent1', { statusId: 'Available' });
      await poll(s);
      assert.equal((await on(s, 'POST', 'dialer/log-off')).status, 200);
      assert.deepEqual(await poll(s), []);
      await on(s, 'POST', 'dialer/disposition', { label: 'No Answer' });
      const m = await poll(s);
      assert.deepEqual(types(m), ['urn:inin.com:dialer:logoutGrantedMessage']);
      await on(s, 'POST', 'dialer/log-in', {});
      await poll(s);
      assert.equal((await on(s, 'POST', 'dialer/log-off', {})).status, 200);
      assert.deepEqual(types(await poll(s)), ['urn:inin.com:dialer:logoutGrantedMessage']);
    });

    it('logs off one campaign at once while on a call of another', async () => {
      const s = await connect(base);
      await on(s, 'POST', 'dialer/log-in', {});
      await on(s, 'POST', 'dialer/ready-for-calls', { campaignIds: ['C-Spring-Renewals'] });
      await on(s, 'PUT', 'status/user-statuses/agent1', { statusId: 'Available' });
      await poll(s);
      await on(s, 'POST', 'dialer/log-off', { campaignIds: ['C-Win-Back'] });
      const m = await poll(s);
      assert.deepEqual(m[0].campaigns, [{ id: 'C-Win-Back', name: 'Win Back' }]);
    });

    it('update-call-data answers 202 and needs callId, campaignId, callAttributes', async () => {
      const s = await connect(base);
      const ok = await on(s, 'POST', 'dialer/update-call-data', {
        callId: '2001184312',
        campaignId: 'C-Spring-Renewals',
        callAttributes: { is_attr_Outcome: 'Promise' },
      });
      assert.equal(ok.status, 202);
      assert.equal((await on(s, 'POST', 'dialer/update-call-data', { callId: '1', callAttributes: {} })).status, 400);
      assert.deepEqual(sim.sessions.get(s.sid)?.dialer.callData, [
        { callId: '2001184312', campaignId: 'C-Spring-Renewals', callAttributes: { is_attr_Outcome: 'Promise' } },
      ]);
    });

    it('answers 403 for campaign log-in without the right and without a Dialer licence', async () => {
      const s = await connect(base);
      const r = await on(s, 'POST', 'dialer/log-in', { campaignId: 'C-Spring-Renewals' });
      assert.equal(r.status, 403);
      assert.equal((r.body as { errorId: string }).errorId, 'error.request.dialer.noLogonCampaignRight');
      sim.configure({ dialerLicence: false });
      assert.equal((await on(s, 'POST', 'dialer/log-in', {})).status, 403);
    });

    it('with the Logon Campaign right, lists campaigns and pops only after a campaign log-in', async () => {
      sim.configure({ logonCampaignRight: true });
      const s = await connect(base);
      await on(s, 'POST', 'dialer/log-in', {});
      const m = await poll(s);
      assert.equal(m[1].agentHasLogonCampaignRight, true);
      assert.ok((m[1].campaignsAdded as Array<{ isLoggedIn: boolean }>).every((c) => !c.isLoggedIn));
      await on(s, 'POST', 'dialer/ready-for-calls', {});
      await on(s, 'PUT', 'status/user-statuses/agent1', { statusId: 'Available' });
      assert.deepEqual(types(await poll(s)), ['urn:inin.com:messaging:asyncOperationCompletedMessage']);
      assert.equal((await on(s, 'POST', 'dialer/log-in', { campaignId: 'C-Win-Back' })).status, 200);
      const changed = await poll(s);
      assert.deepEqual(changed[0].campaignsChanged, [
        { id: 'C-Win-Back', name: 'Win Back', workgroup: 'Outbound', status: 1, campaignType: 1, isLoggedIn: true },
      ]);
      assert.deepEqual(await poll(s), [], 'ready must be repeated after a campaign log-in');
      await on(s, 'POST', 'dialer/ready-for-calls', {});
      const pop = await poll(s);
      assert.equal((pop[0].call as { campaignId: string }).campaignId, 'C-Win-Back');
    });

    it('gates endpoints by the reported dialer version', async () => {
      sim.configure({ dialerVersion: 2 });
      const s = await connect(base);
      await on(s, 'POST', 'dialer/log-in', {});
      assert.equal((await on(s, 'POST', 'dialer/place-preview-call', {})).status, 404);
      assert.equal((await on(s, 'POST', 'dialer/update-call-data', { callId: '1', campaignId: 'c', callAttributes: {} })).status, 404);
      assert.equal((await on(s, 'POST', 'dialer/ready-for-calls', { campaignIds: ['C-Win-Back'] })).status, 400);
      sim.configure({ dialerVersion: 1 });
      assert.equal((await on(s, 'POST', 'dialer/log-in', {})).status, 404);
    });

    it('setStatus: 202 with requestId; 400 unknown status; 404 unknown user', async () => {
      const s = await connect(base);
      assert.equal((await on(s, 'PUT', 'status/user-statuses/agent1', { statusId: 'Sleeping' })).status, 400);
      assert.equal((await on(s, 'PUT', 'status/user-statuses/ghost', { statusId: 'Available' })).status, 404);
      assert.equal((await on(s, 'PUT', 'status/user-statuses/agent2', { statusId: 'At Lunch' })).status, 202);
      assert.equal(sim.userStatus.get('agent2'), 'At Lunch');
    });

    it('drop-session sends connectionStateChangeMessage down, then the session is gone', async () => {
      const s = await connect(base);
      const r = await call(base, 'POST', '/__sim/drop-session', { sessionId: s.sid });
      assert.deepEqual(r.body, { ok: true, result: { dropped: 1 } });
      assert.equal((await on(s, 'POST', 'dialer/log-in', {})).status, 401);
      const m = await poll(s);
      assert.deepEqual(m, [
        {
          __type: 'urn:inin.com:connection:connectionStateChangeMessage',
          isDelta: false,
          previousConnectionState: 1,
          newConnectionState: 2,
          reason: 'The session was closed by the server.',
        },
      ]);
      assert.equal((await on(s, 'GET', 'messaging/messages')).status, 401);
    });
  });

  describe('Dialer over server-sent events (messaging version 2)', () => {
    it('streams each message as one data: line; pings; no CSRF needed', async () => {
      sim.configure({ pingMs: 50 });
      const s = await connect(base);
      const st = await openStream(s);
      assert.equal(st.status, 200);
      assert.match(st.contentType, /^text\/event-stream/);
      await on(s, 'POST', 'dialer/log-in', {});
      const bs = await st.next((m) => m.__type === 'urn:inin.com:dialer:breakStatusMessage');
      assert.deepEqual(bs, { __type: 'urn:inin.com:dialer:breakStatusMessage', isDelta: false, breakStatus: 0 });
      await st.next((m) => m.__type === 'urn:inin.com:dialer:availableCampaignsMessage');
      await on(s, 'POST', 'dialer/ready-for-calls', {});
      await on(s, 'PUT', 'status/user-statuses/agent1', { statusId: 'Available' });
      const pop = await st.next((m) => m.__type === 'urn:inin.com:dialer:dataPopMessage');
      assert.equal((pop.call as { __type: string }).__type, 'urn:inin.com:dialer:previewPop');
      await sleep(120);
      assert.match(st.raw, /^:ping\n\n/);
      assert.ok((st.raw.match(/:ping\n\n/g) ?? []).length >= 2);
      assert.match(st.raw, /\nid: 1\ndata: \{"__type":"urn:inin.com:dialer:breakStatusMessage"/);
      for (const line of st.raw.split('\n').filter((l) => l.startsWith('data:'))) JSON.parse(line.slice(5));
      assert.doesNotMatch(st.raw, /^event:/m);
      st.close();
      await st.ended;
    });

    it('delivers messages queued while no stream was open, once', async () => {
      const s = await connect(base);
      await on(s, 'POST', 'dialer/log-in', {});
      const st = await openStream(s);
      await st.next((m) => m.__type === 'urn:inin.com:dialer:breakStatusMessage');
      await st.next((m) => m.__type === 'urn:inin.com:dialer:availableCampaignsMessage');
      st.close();
      await st.ended;
      await sleep(20);
      const st2 = await openStream(s);
      await sleep(50);
      assert.deepEqual(st2.events, []);
      assert.equal(sim.sessions.get(s.sid)?.delivered.length, 2);
      st2.close();
      await st2.ended;
    });

    it('expire ends the stream, and reopening it gets 401', async () => {
      const s = await connect(base);
      const st = await openStream(s);
      const r = await call(base, 'POST', '/__sim/expire', {});
      assert.deepEqual(r.body, { ok: true, result: { expired: 1 } });
      await st.ended;
      const again = await openStream(s);
      assert.equal(again.status, 401);
      await again.ended;
      assert.equal((await on(s, 'POST', 'dialer/log-in', {})).status, 401);
    });

    it('drop-session writes connectionStateChangeMessage down and closes the stream', async () => {
      const s = await connect(base);
      const st = await openStream(s);
      sim.dropSession();
      await st.ended;
      assert.deepEqual(types(st.events), ['urn:inin.com:connection:connectionStateChangeMessage']);
      assert.equal(sim.sessions.size, 0);
    });
  });

  describe('switchover, faults and control over HTTP', () => {
    it('answers 503 with alternateHostList when switched over; the alternate serves', async () => {
      const r = await call(base, 'POST', '/__sim/switchover', { on: true });
      const alt = (r.body as { result: { alternateHost: string } }).result.alternateHost;
      assert.equal(alt, `127.0.0.1:${sim.alternate?.server.port}`);
      const a = await call(base, 'POST', '/icws/connection', CONNECT_BODY());
      assert.equal(a.status, 503);
      assert.deepEqual((a.body as { alternateHostList: string[] }).alternateHostList, [alt]);
      const s = await connect(`http://${alt}`);
      assert.equal((await on(s, 'POST', 'dialer/log-in', {})).status, 200);
      assert.equal(sim.alternate?.sessions.size, 1);
      await call(base, 'POST', '/__sim/switchover', { on: false });
      assert.equal((await call(base, 'POST', '/icws/connection', CONNECT_BODY())).status, 201);
    });

    it('answers 503 on session requests of the switched-over server and forgets its sessions', async () => {
      const s = await connect(base);
      sim.switchover(true);
      const r = await on(s, 'POST', 'dialer/log-in', {});
      assert.equal(r.status, 503);
      sim.switchover(false);
      assert.equal((await on(s, 'POST', 'dialer/log-in', {})).status, 401);
    });

    it('applies scripted faults from /__sim/faults', async () => {
      await call(base, 'POST', '/__sim/faults', { path: '/icws/connection', method: 'POST', status: 500, body: '{"message":"down"}', times: 1 });
      assert.equal((await call(base, 'POST', '/icws/connection', CONNECT_BODY())).status, 500);
      assert.equal((await call(base, 'POST', '/icws/connection', CONNECT_BODY())).status, 201);
      await call(base, 'POST', '/__sim/faults', { path: '/icws/', status: 429, headers: { 'retry-after': '1' }, times: 1 });
      const rl = await call(base, 'POST', '/icws/connection', CONNECT_BODY());
      assert.equal(rl.status, 429);
      assert.equal(rl.headers.get('retry-after'), '1');
      const reqs = await call(base, 'GET', '/__sim/requests');
      const list = (reqs.body as { requests: Array<{ path: string; body: string }> }).requests;
      assert.equal(list.length, 3);
      assert.equal(JSON.parse(list[1].body).password, 'agent1-secret');
    });

    it('configure, queue-call, push, set-status, state and reset work over HTTP', async () => {
      assert.equal((await call(base, 'POST', '/__sim/configure', { messagingVersion: 1 })).status, 200);
      const a = await call(base, 'POST', '/icws/connection?include=features', CONNECT_BODY());
      assert.equal((a.body as { features: Array<{ version: number }> }).features[0].version, 1);
      assert.equal(
        await call(sim.alternate!.url, 'POST', '/icws/connection?include=features', CONNECT_BODY()).then(
          (x) => (x.body as { features: Array<{ version: number }> }).features[0].version,
        ),
        1,
        'configure reaches the alternate',
      );
      const s = await connect(base);
      await call(base, 'POST', '/__sim/queue-call', { type: 'regular', attributes: { is_attr_Phone: '1' } });
      await call(base, 'POST', '/__sim/push', {
        sessionId: s.sid,
        message: { __type: 'urn:inin.com:dialer:autoLoginMessage', isDelta: false, campaignId: 'C-Win-Back', initiatorName: 'supervisor' },
      });
      assert.equal((await call(base, 'POST', '/__sim/push', { message: {} })).status, 400);
      await on(s, 'POST', 'dialer/log-in', {});
      await on(s, 'POST', 'dialer/ready-for-calls', {});
      await call(base, 'POST', '/__sim/set-status', { userId: 'agent1', statusId: 'Available' });
      const m = await poll(s);
      assert.deepEqual(types(m), [
        'urn:inin.com:dialer:autoLoginMessage',
        'urn:inin.com:dialer:breakStatusMessage',
        'urn:inin.com:dialer:availableCampaignsMessage',
        'urn:inin.com:dialer:dataPopMessage',
      ]);
      assert.deepEqual((m[3].call as { attributes: unknown }).attributes, { is_attr_Phone: '1' });
      const state = (await call(base, 'POST', '/__sim/state')).body as {
        result: { activeSessions: number; stats: { connectAttempts: number }; sessions: Array<{ polls: number; dialer: { call: unknown } }> };
      };
      assert.equal(state.result.activeSessions, 2);
      assert.equal(state.result.stats.connectAttempts, 2);
      assert.ok(state.result.sessions.some((x) => x.polls === 1 && x.dialer.call));
      await call(base, 'POST', '/__sim/reset');
      assert.equal(sim.sessions.size, 0);
      assert.equal(sim.settings.messagingVersion, 2);
      assert.equal(sim.stats.connectAttempts, 0);
    });

    it('rate-limits session requests with 429 + Retry-After when switched on (DELETE still works)', async () => {
      const s = await connect(base);
      await call(base, 'POST', '/__sim/configure', { rateLimit: true, retryAfter: 2 });
      const r = await on(s, 'POST', 'dialer/log-in', {});
      assert.equal(r.status, 429);
      assert.equal(r.headers.get('retry-after'), '2');
      assert.equal((r.body as { errorId: string }).errorId, 'error.request.tooManyRequests');
      assert.equal((await on(s, 'DELETE', 'connection')).status, 204);
    });

    it('answers 404 in the ICWS error shape for unknown resources', async () => {
      const s = await connect(base);
      const r = await on(s, 'POST', 'dialer/nothing', {});
      assert.equal(r.status, 404);
      assert.equal((r.body as { errorId: string }).errorId, 'error.request.notFound');
      assert.equal((await call(base, 'GET', '/other')).status, 404);
    });
  });
});
