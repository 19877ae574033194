/**
 * One reliability profile per node set: how to start its simulator with known secret
 * credentials, its config nodes, an operation that reaches the simulator with a valid msg
 * (and the path it uses, for scripted faults), and for session vendors how to expire the
 * session and how to make the event stream carry one event.
 *
 * A set registered in package.json without a profile here fails the suites: every vendor
 * that lands is covered.
 */
import type { Simulator } from '../../simulators/common';
import type { DiyalogSimulator } from '../../simulators/diyalog';
import type { GwsSimulator } from '../../simulators/gws';
import type { IcwsSimulator } from '../../simulators/icws';
import { startSimulator } from '../../simulators/registry';

type Def = Record<string, unknown>;

export interface OpCase {
  /** Node id in the generated flow. */
  id: string;
  node: Def;
  /** The msg fields of a valid request (a fresh object each call). */
  msg(): Def;
  /** Scripted faults apply to requests whose path starts with this (and, when set, method). */
  faultPath: string;
  faultMethod?: string;
  /** Whether the client may repeat this request (reads, idempotent writes). */
  repeatable: boolean;
}

export interface Profile {
  set: string;
  /** Every credential value the flow is given: none may appear anywhere a user can see. */
  secrets: string[];
  start(port?: number): Promise<Simulator>;
  configs(sim: Simulator): { nodes: Def[]; credentials: Record<string, Record<string, string>> };
  ops: OpCase[];
  /** The code an empty 200 answer means, where the vendor document gives it one (default VENDOR_ERROR). */
  emptyBodyCode?: string;
  /** Session vendors: the live session's secrets (cookie, CSRF token) on the simulator, also never to be shown. */
  sessionSecrets?(sim: Simulator): string[];
  /** Session vendors: forget the session on the server side (the next request meets 401). */
  expire?(sim: Simulator): void;
  /** Event nodes: the node, and a way to make the server emit one event for it. */
  events?: { id: string; node: Def; trigger(sim: Simulator): void };
}

const AMEYO_HASH = 'REL-ameyo-hash-6f1d93c2b7';
const VQ_KEY = 'REL-vq-apikey-0b8e4a7c51';
const DLG_TOKEN = 'REL-dlg-authtoken-9c2e7a4f18';
const DLG_KEY_ID = 'REL-dlg-keyid-3a7b5c9d21';
const DLG_SECRET = 'REL-dlg-keysecret-e4f6a8c0b2';
const ICWS_PASSWORD = 'REL-icws-password-7d5b3f1a9e';
const GWS_PASSWORD = 'REL-gws-password-2c4e6a8b0d';
let phoneSeq = Math.floor(Math.random() * 1e6);

export const PROFILES: Record<string, Profile> = {
  ameyo: {
    set: 'ameyo',
    secrets: [AMEYO_HASH],
    // docs/vendors/ameyo.md 4.4: an empty 200 (or `null`) is how Ameyo answers a wrong hash key.
    emptyBodyCode: 'AUTH_FAILED',
    start: (port) => startSimulator('ameyo', { port: port ?? 0, hashKey: AMEYO_HASH, requestingHost: 'rel-crm', delayMs: 5 }),
    configs: (s) => ({
      nodes: [{ id: 'ameyo-cfg', type: 'ameyo-config', url: s.url, requestingHost: 'rel-crm', policyName: '', timeout: 5000 }],
      credentials: { 'ameyo-cfg': { hashKey: AMEYO_HASH } },
    }),
    ops: [
      {
        id: 'ameyo-dial',
        node: { type: 'ameyo-click-to-dial', config: 'ameyo-cfg' },
        msg: () => ({ payload: { campaignId: '14', userId: 'ravi.k', phone: '9876543210' } }),
        faultPath: '/ameyowebaccess/command/',
        repeatable: false,
      },
    ],
  },
  virtualq: {
    set: 'virtualq',
    secrets: [VQ_KEY],
    start: (port) => startSimulator('virtualq', { port: port ?? 0, apiKeys: [VQ_KEY] }),
    configs: (s) => ({
      nodes: [{ id: 'vq-cfg', type: 'virtualq-config', url: s.url, timeout: 5000 }],
      credentials: { 'vq-cfg': { apiKey: VQ_KEY } },
    }),
    ops: [
      {
        id: 'vq-line',
        node: { type: 'virtualq-line', config: 'vq-cfg', operation: 'isActive' },
        msg: () => ({ payload: { lineId: 418 } }),
        faultPath: '/api/v2/lines',
        repeatable: true,
      },
      {
        // Queues a caller: never repeated blindly. A fresh phone each time (one waiter per phone and line).
        id: 'vq-lineup',
        node: { type: 'virtualq-line-up', config: 'vq-cfg' },
        msg: () => ({ payload: { lineId: 418, phone: `+49151${String(++phoneSeq).padStart(8, '0')}`, channel: 'CallBack', source: 'Phone' } }),
        faultPath: '/api/v2/waiters',
        faultMethod: 'POST',
        repeatable: false,
      },
    ],
  },
  diyalog: {
    set: 'diyalog',
    secrets: [DLG_TOKEN, DLG_SECRET, DLG_KEY_ID],
    start: (port) => startSimulator('diyalog', { port: port ?? 0, authToken: DLG_TOKEN, apiKeys: { [DLG_KEY_ID]: DLG_SECRET }, requireWaiting: false }),
    configs: (s) => ({
      nodes: [
        { id: 'dlg-cfg', type: 'diyalog-config', url: (s as DiyalogSimulator).queueUrl, timeout: 5000 },
        { id: 'dlg-api', type: 'diyalog-api-config', url: s.url, requesterUserId: '45186', timeout: 5000 },
      ],
      credentials: { 'dlg-cfg': { authToken: DLG_TOKEN }, 'dlg-api': { accessKeyId: DLG_KEY_ID, accessKeySecret: DLG_SECRET } },
    }),
    ops: [
      {
        id: 'dlg-create',
        node: { type: 'diyalog-create-interaction', config: 'dlg-cfg', attachedDataShape: 'array' },
        msg: () => ({ payload: { customerId: 'C-1', identityNumber: '12345678901', attachedData: { queue: 'video' } } }),
        faultPath: '/queue/CreateInteraction',
        repeatable: false,
      },
      {
        id: 'dlg-notdelivered',
        node: { type: 'diyalog-interaction-not-delivered', config: 'dlg-api' },
        msg: () => ({ payload: { interactionId: 'IX-1', message: 'no agent' } }),
        faultPath: '/v1/application/',
        repeatable: false,
      },
    ],
  },
  icws: {
    set: 'icws',
    secrets: [ICWS_PASSWORD],
    start: (port) =>
      startSimulator('icws', {
        port: port ?? 0,
        alternate: false,
        users: { agent1: { password: ICWS_PASSWORD, displayName: 'Agent One' } },
      }),
    configs: (s) => ({
      nodes: [
        { id: 'icws-cfg', type: 'icws-config', url: s.url, timeout: 5000, applicationName: 'Node-RED', language: 'en-us', station: '', restoreDialer: true },
      ],
      credentials: { 'icws-cfg': { username: 'agent1', password: ICWS_PASSWORD } },
    }),
    ops: [
      {
        id: 'icws-status',
        node: { type: 'icws-dialer', config: 'icws-cfg', operation: 'setStatus' },
        msg: () => ({ payload: { statusId: 'Available' } }),
        faultPath: '/icws/',
        faultMethod: 'PUT',
        repeatable: true,
      },
    ],
    expire: (s) => void (s as IcwsSimulator).expire(),
    sessionSecrets: (s) => [...(s as IcwsSimulator).sessions.values()].flatMap((x) => [x.csrf, x.cookieValue]),
    events: {
      id: 'icws-events',
      node: { type: 'icws-dialer-events', config: 'icws-cfg', types: '' },
      trigger: (s) => void (s as IcwsSimulator).push({ __type: 'urn:inin.com:dialer:breakStatusMessage', isDelta: false, breakStatus: 0 }),
    },
  },
  gws: {
    set: 'gws',
    secrets: [GWS_PASSWORD],
    start: (port) =>
      startSimulator('gws', {
        port: port ?? 0,
        users: [{ userName: 'agent01', password: GWS_PASSWORD, id: '9d2c0f6e41b84a57' }],
        cometdTimeoutMs: 500,
        cometdMaxIntervalMs: 1000,
      }),
    configs: (s) => ({
      nodes: [{ id: 'gws-cfg', type: 'gws-config', url: s.url, timeout: 5000 }],
      credentials: { 'gws-cfg': { username: 'agent01', password: GWS_PASSWORD } },
    }),
    ops: [
      {
        id: 'gws-list',
        node: { type: 'interaction-op', config: 'gws-cfg', operation: 'listAll' },
        msg: () => ({ payload: {} }),
        faultPath: '/api/v2/interactions',
        repeatable: true,
      },
      {
        id: 'gws-agent',
        node: { type: 'gws-agent', config: 'gws-cfg', operation: 'startSession' },
        msg: () => ({ payload: { channels: ['voice', 'email'], place: 'Place_7012' } }),
        faultPath: '/api/v2/me',
        faultMethod: 'POST',
        repeatable: false,
      },
    ],
    expire: (s) => void (s as GwsSimulator).expireSessions(),
    sessionSecrets: (s) => [...(s as GwsSimulator).sessions.values()].flatMap((x) => [x.id, x.csrfToken]),
    events: {
      id: 'gws-events',
      node: { type: 'interaction-events', config: 'gws-cfg', channels: '/v2/me/interactions' },
      trigger: (s) => void (s as GwsSimulator).invite({ to: 'agent01' }),
    },
  },
};

/** Every secret value of every profile (to search a whole Node-RED for). */
export const ALL_SECRETS = Object.values(PROFILES).flatMap((p) => p.secrets);

/** The flow of one profile on one tab: op nodes → `out`, events → `ev`, catch → `caught`. */
export function profileFlow(p: Profile, sim: Simulator): { flow: Def[]; credentials: Record<string, Record<string, string>> } {
  const { nodes, credentials } = p.configs(sim);
  const flow: Def[] = [{ id: 'tab1', type: 'tab', label: p.set }, ...nodes];
  for (const op of p.ops) flow.push({ id: op.id, z: 'tab1', x: 200, y: 100, ...op.node, wires: [['out']] });
  if (p.events) flow.push({ id: p.events.id, z: 'tab1', x: 200, y: 300, ...p.events.node, wires: [['ev']] });
  flow.push({ id: 'out', z: 'tab1', x: 400, y: 100, type: 'helper' });
  flow.push({ id: 'ev', z: 'tab1', x: 400, y: 300, type: 'helper' });
  flow.push({ id: 'catch', z: 'tab1', x: 100, y: 200, type: 'catch', scope: null, uncaught: false, wires: [['caught']] });
  flow.push({ id: 'caught', z: 'tab1', x: 300, y: 200, type: 'helper' });
  return { flow, credentials };
}
