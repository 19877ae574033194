/**
 * The config-node helper: a config node owns one vendor client (its transport and, for
 * session vendors, its session and event stream), created when the first user needs it,
 * shared by every user, and closed when the last user is removed or the node closes.
 */
import type { ProxySettings, TlsOptions, TransportOptions } from '../../lib/http';
import type { Node, NodeDef, RED } from './red';
import type { ConfigSpec } from './spec';

export interface SessionState {
  fill: 'green' | 'yellow' | 'red' | 'grey';
  text: string;
}

/** What a vendor client may offer beyond its operations. */
export interface ClosableClient {
  close(): void | Promise<void>;
  /** Session vendors: subscribe to state changes; returns the unsubscribe. */
  onState?(fn: (s: SessionState) => void): () => void;
  /** Current session state, if any. */
  state?(): SessionState | undefined;
}

/** What operation nodes see of their config node. */
export interface ConfigHandle<C> {
  client(): C;
  register(user: Node, onState?: (s: SessionState | undefined) => void): () => void;
  readonly users: number;
}

export interface ConfigValues {
  node: Node;
  def: NodeDef;
  url: string;
  timeout: number;
  credentials: Record<string, string>;
  /** Transport options common to all vendors (timeout, sockets, TLS, proxy, secrets). */
  transport: Partial<TransportOptions>;
}

/** `${VAR}` (whole value or embedded) from the environment, as core nodes allow for properties. */
export function resolveEnv(RED: RED, node: Node, value: string | undefined): string {
  if (!value) return '';
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
    let out = '';
    RED.util.evaluateNodeProperty(name, 'env', node, null, (err, v) => {
      if (!err && v !== undefined && v !== null) out = String(v);
    });
    return out || process.env[name] || '';
  });
}

function tlsFrom(RED: RED, id: unknown): TlsOptions | undefined {
  if (!id) return undefined;
  const tlsNode = RED.nodes.getNode(String(id)) as unknown as { addTLSOptions?(o: Record<string, unknown>): void } | null;
  if (!tlsNode?.addTLSOptions) return undefined;
  const o: Record<string, unknown> = {};
  tlsNode.addTLSOptions(o);
  return o as TlsOptions;
}

function proxyFrom(RED: RED, id: unknown): ProxySettings | undefined {
  if (!id) return undefined;
  const p = RED.nodes.getNode(String(id)) as unknown as { url?: string; noproxy?: string[]; credentials?: { username?: string; password?: string } } | null;
  if (!p?.url) return undefined;
  let url = p.url;
  if (!/^\w+:\/\//.test(url)) url = 'http://' + url;
  const u = new URL(url);
  if (p.credentials?.username) {
    u.username = encodeURIComponent(p.credentials.username);
    u.password = encodeURIComponent(p.credentials.password ?? '');
  }
  return { url: u.toString(), noProxy: p.noproxy ?? [] };
}

/** The values a config node (or a "test connection" request) makes its client from. */
export function configValues(
  RED: RED,
  spec: ConfigSpec,
  node: Node | null,
  def: NodeDef,
  rawCredentials: Record<string, string | undefined>,
  defaultTimeout: number,
): ConfigValues {
  const env = (v: string | undefined): string =>
    node ? resolveEnv(RED, node, v) : (v ?? '').replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, n: string) => process.env[n] ?? '');
  const credentials: Record<string, string> = {};
  for (const c of spec.credentials) credentials[c] = env(rawCredentials[c]);
  const secretValues = Object.values(credentials).filter((s) => s.length > 0);
  const timeout = Number(def.timeout) > 0 ? Number(def.timeout) : defaultTimeout;
  const maxSockets = Number(def.maxSockets) > 0 ? Number(def.maxSockets) : 64;
  return {
    node: node as Node,
    def,
    url: env(typeof def.url === 'string' ? def.url : '').trim(),
    timeout,
    credentials,
    transport: { timeout, maxSockets, tls: tlsFrom(RED, def.tls), proxy: proxyFrom(RED, def.proxy), secrets: () => secretValues },
  };
}

/**
 * "Test connection" from the config node's edit dialog: `POST cc-glue/test-connection/<type>`
 * with the dialog's unsaved values; a credential left as the placeholder (or empty) is taken from
 * the deployed node. Guarded by the type's write permission; answers `{ok}` or `{ok:false, code,
 * message}` and never echoes a credential.
 */
export function registerTestConnection<C extends ClosableClient>(
  RED: RED,
  spec: ConfigSpec,
  create: (values: ConfigValues) => C,
  test: (client: C) => Promise<unknown>,
  defaultTimeout: number,
): void {
  const handler = (req: { body?: unknown }, res: { json(b: unknown): void; status(n: number): { json(b: unknown): void } }): void => {
    const body = (req.body ?? {}) as { id?: string; settings?: Record<string, unknown>; credentials?: Record<string, string> };
    const stored = (body.id ? (RED.nodes.getCredentials?.(body.id) ?? RED.nodes.getNode(body.id)?.credentials) : undefined) ?? {};
    const creds: Record<string, string | undefined> = {};
    for (const c of spec.credentials) {
      const given = body.credentials?.[c];
      creds[c] = !given || given === '__PWRD__' ? stored[c] : given;
    }
    const def = { id: body.id ?? 'test', type: spec.type, ...(body.settings ?? {}) } as NodeDef;
    let client: C | undefined;
    const secrets = Object.values(creds).filter((v): v is string => Boolean(v && v.length >= 3));
    const scrub = (t: string): string => secrets.reduce((acc, s) => acc.split(s).join('***'), t);
    Promise.resolve()
      .then(() => {
        const values = configValues(RED, spec, null, def, creds, defaultTimeout);
        values.transport.timeout = Math.min(values.timeout, 15000);
        client = create(values);
        return test(client);
      })
      .then(
        () => res.json({ ok: true }),
        (err: { code?: string; message?: string }) => res.json({ ok: false, code: err.code ?? 'VENDOR_ERROR', message: scrub(String(err.message ?? err)) }),
      )
      .finally(() => void Promise.resolve(client?.close()).catch(() => undefined));
  };
  RED.httpAdmin.post(`/cc-glue/test-connection/${spec.type}`, RED.auth.needsPermission(`${spec.type}.write`), handler);
}

/**
 * Registers a config node type. `create` makes the vendor client from the node's values; it
 * is called lazily by the first `client()` and again after the last user left.
 */
export function registerConfigNode<C extends ClosableClient>(RED: RED, spec: ConfigSpec, create: (values: ConfigValues) => C, defaultTimeout = 30000): void {
  function ConfigNode(this: Node & ConfigHandle<C>, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const values = configValues(RED, spec, node, def, node.credentials ?? {}, defaultTimeout);
    let client: C | undefined;
    let stopState: (() => void) | undefined;
    const users = new Map<Node, ((s: SessionState | undefined) => void) | undefined>();

    const broadcast = (s: SessionState | undefined): void => {
      for (const fn of users.values()) fn?.(s);
    };
    // Closes started when the last user left; the node's own close waits for them so that a
    // session is ended (e.g. its DELETE sent) before a redeploy or shutdown goes on.
    const closing = new Set<Promise<void>>();
    const closeClient = (): Promise<void> => {
      const c = client;
      client = undefined;
      stopState?.();
      stopState = undefined;
      if (!c) return Promise.all(closing).then(() => undefined);
      const p = Promise.resolve()
        .then(() => c.close())
        .catch((err: Error) => node.warn(err.message))
        .finally(() => closing.delete(p));
      closing.add(p);
      return Promise.all(closing).then(() => undefined);
    };

    node.client = (): C => {
      if (!client) {
        client = create(values);
        if (client.onState) stopState = client.onState(broadcast);
      }
      return client;
    };
    node.register = (user, onState) => {
      users.set(user, onState);
      const s = client?.state?.();
      if (s) onState?.(s);
      return () => {
        users.delete(user);
        if (users.size === 0) void closeClient();
      };
    };
    Object.defineProperty(node, 'users', { get: () => users.size });

    node.on('close', (_removed: boolean, done: () => void) => {
      void closeClient().finally(() => done());
    });
  }
  const credentials: Record<string, { type: string }> = {};
  for (const c of spec.credentials) credentials[c] = { type: 'password' };
  RED.nodes.registerType(spec.type, ConfigNode, { credentials });
}
