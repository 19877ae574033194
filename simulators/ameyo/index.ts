/**
 * Ameyo clickToDialWithToken simulator (docs/vendors/ameyo.md).
 * Checks the three token headers, then answers from fixtures chosen by the request:
 * agent `agent.break` → not working in campaign; `agent.offline` → not available;
 * `agent.noanswer` → agent did not answer; phone ending `01` → channel unavailable;
 * phone ending `02` → customer did not answer; anything else → connected.
 */
import type { ServerResponse } from 'node:http';
import { SimServer, header, sendText, sleep, type SimRequest, type Simulator, type SimulatorOptions } from '../common';

export type Rendering = 'clean' | 'seed' | 'seed-multiline';

export interface AmeyoSimConfig {
  hashKey: string;
  requestingHost: string;
  policyName: string;
  /** What a wrong token gets: the `null` body Ameyo sends, or a 401/403. */
  authMode: 'null' | '401' | '403';
  rendering: Rendering;
  /** Time the call legs take before the answer (ms). */
  delayMs: number;
}

export interface AmeyoSimulator extends Simulator {
  config: AmeyoSimConfig;
  /** The decoded `data` documents of accepted click-to-dial requests. */
  calls: Array<Record<string, unknown>>;
}

export const SIM_DEFAULTS: AmeyoSimConfig = {
  hashKey: 'sim-hash-key',
  requestingHost: 'sim-crm',
  policyName: 'token-based-authorization-policy',
  authMode: 'null',
  rendering: 'clean',
  delayMs: 200,
};

export async function start(opts: SimulatorOptions & Partial<AmeyoSimConfig> = {}): Promise<AmeyoSimulator> {
  const config: AmeyoSimConfig = { ...SIM_DEFAULTS };
  for (const k of Object.keys(SIM_DEFAULTS) as Array<keyof AmeyoSimConfig>) {
    if (opts[k] !== undefined) (config as unknown as Record<string, unknown>)[k] = opts[k];
  }
  const calls: Array<Record<string, unknown>> = [];
  let flowId = 58210;
  const server = new SimServer('ameyo', async (req, res) => {
    await handle(req, res, config, calls, () => ++flowId);
  });
  server.onControl('config', (body) => {
    Object.assign(config, body as Partial<AmeyoSimConfig>);
    return config;
  });
  server.onControl('reset', () => {
    Object.assign(config, SIM_DEFAULTS, pick(opts));
    calls.length = 0;
    server.clearFaults();
    server.clearRequests();
    return null;
  });
  const url = await server.listen(opts.port ?? 0, opts.host);
  return { name: 'ameyo', url, server, config, calls, close: () => server.close() };
}

function pick(opts: Partial<AmeyoSimConfig>): Partial<AmeyoSimConfig> {
  const out: Partial<AmeyoSimConfig> = {};
  for (const k of Object.keys(SIM_DEFAULTS) as Array<keyof AmeyoSimConfig>) {
    if (opts[k] !== undefined) (out as Record<string, unknown>)[k] = opts[k];
  }
  return out;
}

async function handle(
  req: SimRequest,
  res: ServerResponse,
  config: AmeyoSimConfig,
  calls: Array<Record<string, unknown>>,
  nextId: () => number,
): Promise<void> {
  if (req.path !== '/ameyowebaccess/command' && req.path !== '/ameyowebaccess/command/') {
    return sendText(res, 404, '<html><body><h1>HTTP Status 404 - Not Found</h1></body></html>', 'text/html');
  }
  const contentType = header(req, 'content-type').toLowerCase();
  const form = contentType.includes('application/x-www-form-urlencoded') ? new URLSearchParams(req.body) : new URLSearchParams();
  const command = req.query.command ?? form.get('command') ?? '';
  if (command !== 'clickToDialWithToken') {
    return sendText(res, 404, '<html><body><h1>HTTP Status 404 - Unknown command</h1></body></html>', 'text/html');
  }
  // Token check first: the server answers `null` (or 401/403) to a wrong header.
  const ok =
    header(req, 'hash-key') === config.hashKey && header(req, 'requesting-host') === config.requestingHost && header(req, 'policy-name') === config.policyName;
  if (!ok) {
    if (config.authMode === 'null') return sendText(res, 200, 'null', 'application/json;charset=UTF-8');
    return sendText(res, Number(config.authMode), '{"status":"error","reason":"Unauthorized","details":"Invalid hash key"}', 'application/json;charset=UTF-8');
  }
  let dataText = form.get('data') ?? req.query.data;
  if (!dataText && contentType.includes('application/json')) dataText = req.body;
  let data: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(dataText ?? '');
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    data = parsed as Record<string, unknown>;
  } catch {
    return sendJsonText(res, '{"status":"error","reason":"Invalid data: data must be a JSON object","details":"Invalid data: data must be a JSON object"}');
  }
  for (const f of ['userId', 'campaignId', 'phone']) {
    if (typeof data[f] !== 'string' || !(data[f] as string).trim()) {
      return sendJsonText(res, JSON.stringify({ status: 'error', reason: `Invalid data: ${f} is mandatory`, details: `Invalid data: ${f} is mandatory` }));
    }
  }
  calls.push(data);
  if (config.delayMs > 0) await sleep(config.delayMs);
  if (res.destroyed) return;
  sendJsonText(res, answerFor(data as { userId: string; campaignId: string; phone: string }, config.rendering, nextId()));
}

function sendJsonText(res: ServerResponse, text: string): void {
  sendText(res, 200, text, 'application/json;charset=UTF-8');
}

/** The body for one accepted call, in the chosen rendering (docs/vendors/ameyo.md 4.1, 4.2). */
export function answerFor(data: { userId: string; campaignId: string; phone: string }, rendering: Rendering, id: number): string {
  const meta = id + 32000;
  const { userId, campaignId, phone } = data;
  if (userId === 'agent.break') {
    const text = `Agent: agent is not working in campaign: ${campaignId}`;
    if (rendering === 'seed-multiline') {
      return `{\n  "status": "error",\n  "reason": "Agent: agent is not working in campaign:\n${campaignId}",\n  "details": "Agent: agent is not working in campaign:\n${campaignId}"\n}`;
    }
    return JSON.stringify({ status: 'error', reason: text, details: text });
  }
  if (userId === 'agent.offline') {
    const text = 'Agent is not available to take the call';
    return JSON.stringify({ status: 'error', reason: text, details: text });
  }
  let list: string[] | null = null;
  if (phone.endsWith('01')) list = ['Party.could.not.be.connected.Reason', phone, 'Requested channel not available'];
  else if (phone.endsWith('02')) list = ['Party.did.not.answer', phone];
  else if (userId === 'agent.noanswer') list = ['Party.did.not.answer', 'agent'];
  const result = list ? 'FAILURE' : 'SUCCESS';
  // The server's writer escapes `=` as \u003d and quotes as \" inside the reason string.
  const items = list ? list.map((s) => `\\"${s}\\"`).join(', ') : '';
  if (rendering === 'clean') {
    const errPart = list ? `, node.flow.error.reason\\u003d[${items}]` : '';
    return `{"result":"${result}","reason":"{node.flow.id\\u003d${id}, metaData\\u003d${meta}${errPart}}"}`;
  }
  // Document-literal: a bare backslash after the keys; for "customer did not answer" and
  // "connected" the reason value also lacks its opening quote (Ameyo's click-to-dial document, its section 5.5.2: docs/vendors/ameyo.md).
  const noOpenQuote = !list || (list[0] === 'Party.did.not.answer' && list[1] !== 'agent');
  if (rendering === 'seed-multiline') {
    const errPart = list ? `,\n    node.flow.error.reason\\u003d\n    [\n      ${list.map((s) => `\\"${s}\\"`).join(',\n      ')}\n    ]` : '';
    return `{\n  "result": "${result}",\n  "reason": ${noOpenQuote ? '' : '"'}\n  {\n    node.flow.id\\${id},\n    metaData\\${meta}${errPart}\n  }"\n}`;
  }
  const errPart = list ? `, node.flow.error.reason\\u003d[${items}]` : '';
  return `{"result":"${result}","reason":${noOpenQuote ? '' : '"'}{node.flow.id\\${id}, metaData\\${meta}${errPart}}"}`;
}

/** Config node type → credentials the simulator accepts by default (used by the demo). */
export const DEMO_CREDENTIALS: Record<string, Record<string, string>> = { 'ameyo-config': { hashKey: SIM_DEFAULTS.hashKey } };
