/**
 * The config-node helper: a config node owns one vendor client (its transport and, for
 * session vendors, its session and event stream), created when the first user needs it,
 * shared by every user, and closed when the last user is removed or the node closes.
 */
import { DEFAULT_MAX_RESPONSE_BYTES, basicCredential, redact, type ProxySettings, type TlsOptions, type TransportOptions } from '../../lib/http';
import { guardAdminRoutes } from './admin-errors';
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

type ProxyNode = { url?: string; noproxy?: string[]; credentials?: { username?: string; password?: string } };

/** A core `http proxy` node's password (and its Basic form): redacted like the vendor's own credentials. */
function proxySecrets(RED: RED, id: unknown): string[] {
  const c = id ? (RED.nodes.getNode(String(id)) as unknown as ProxyNode | null)?.credentials : undefined;
  if (!c?.password) return [];
  return [c.password, basicCredential(c.username ?? '', c.password)];
}

function proxyFrom(RED: RED, id: unknown): ProxySettings | undefined {
  if (!id) return undefined;
  const p = RED.nodes.getNode(String(id)) as unknown as ProxyNode | null;
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
  // A user name is who the agent is, not a secret: vendors answer with it (the user record, an
  // interaction's owner), so it is redacted only as part of a `Basic` value, never on its own.
  const secretValues = [
    ...Object.entries(credentials)
      .filter(([k, s]) => k !== 'username' && s.length > 0)
      .map(([, s]) => s),
    ...proxySecrets(RED, def.proxy),
  ];
  const timeout = Number(def.timeout) > 0 ? Number(def.timeout) : defaultTimeout;
  const maxSockets = Number(def.maxSockets) > 0 ? Number(def.maxSockets) : 64;
  // The answer byte cap (counted after decoding) is set in KB in the editor; default 4 MB.
  const maxResponseBytes = Number(def.maxResponseKB) > 0 ? Math.floor(Number(def.maxResponseKB) * 1024) : DEFAULT_MAX_RESPONSE_BYTES;
  return {
    node: node as Node,
    def,
    url: env(typeof def.url === 'string' ? def.url : '').trim(),
    timeout,
    credentials,
    transport: { timeout, maxSockets, maxResponseBytes, tls: tlsFrom(RED, def.tls), proxy: proxyFrom(RED, def.proxy), secrets: () => secretValues },
  };
}

/** Where a deployed config node's credentials may be used: its type, URL and proxy (the user's own words). */
interface StoredPlace {
  type: string;
  url: string;
  proxy: string;
}
const storedPlaces = new WeakMap<Node, StoredPlace>();

/** A URL as the comparison sees it: scheme, host, port, path prefix (no trailing slash), query. */
export function samePlace(a: string, b: string): boolean {
  const norm = (u: string): string | undefined => {
    try {
      const x = new URL(u.trim());
      x.hash = '';
      x.pathname = x.pathname.replace(/\/+$/, '') || '/';
      return x.href;
    } catch {
      return undefined;
    }
  };
  const na = norm(a);
  return na !== undefined && na === norm(b);
}

type AdminReq = { body?: unknown; user?: unknown; path?: string; ip?: string };
type AdminRes = { json(b: unknown): void; status(n: number): { json(b: unknown): void } };

/**
 * "Test connection" from the config node's edit dialog: `POST cc-glue/test-connection/<type>`
 * with the dialog's unsaved values. A credential left as the placeholder (or empty) is taken from
 * the deployed node only when that node is of this type and the dialog names the URL (and proxy)
 * the credential is stored for; otherwise it must be typed again (400 naming it), so that a
 * stored secret is never sent anywhere else. Guarded by the type's write permission; every call
 * is written to the audit log (no secret); answers `{ok}` or `{ok:false, code, message}`.
 */
export function registerTestConnection<C extends ClosableClient>(
  RED: RED,
  spec: ConfigSpec,
  create: (values: ConfigValues) => C,
  test: (client: C) => Promise<unknown>,
  defaultTimeout: number,
): void {
  const handler = (req: AdminReq, res: AdminRes): void => {
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as { id?: unknown; settings?: unknown; credentials?: unknown };
    const id = typeof body.id === 'string' && body.id ? body.id : undefined;
    const settings = (body.settings && typeof body.settings === 'object' ? body.settings : {}) as Record<string, unknown>;
    const given = (body.credentials && typeof body.credentials === 'object' ? body.credentials : {}) as Record<string, unknown>;
    const url = typeof settings.url === 'string' ? settings.url : '';
    const deployed = id ? RED.nodes.getNode(id) : null;
    const place = deployed ? storedPlaces.get(deployed) : undefined;
    const mayUseStored =
      !!place &&
      place.type === spec.type &&
      samePlace(place.url, resolveEnv(RED, deployed as Node, url)) &&
      // The dialog sends no proxy field today; when a caller names one, it must be the stored one.
      (settings.proxy === undefined || place.proxy === String(settings.proxy));
    // Only read at all when this node, of this type, is deployed: never another type's secrets.
    const own = (place?.type === spec.type && id ? (RED.nodes.getCredentials?.(id) ?? deployed?.credentials) : undefined) ?? {};
    const creds: Record<string, string | undefined> = {};
    const mustType: string[] = [];
    for (const c of spec.credentials) {
      const v = given[c];
      const typed = typeof v === 'string' && v !== '' && v !== '__PWRD__' ? v : undefined;
      // The placeholder (or an empty field of a node that has a stored value) asks for the stored one.
      const wantsStored = typed === undefined && (v === '__PWRD__' || Boolean(own[c]));
      if (wantsStored && !mayUseStored) mustType.push(c);
      creds[c] = typed ?? (mayUseStored ? own[c] : undefined);
    }
    const audit = (result: string): void =>
      RED.log.audit?.(
        { event: 'cc-glue.test-connection', type: spec.type, id: id ?? null, url: redact(url, []), storedCredentials: mayUseStored, result },
        req,
      );
    if (mustType.length) {
      audit('refused: ' + mustType.join(', '));
      const message = `${mustType.join(', ')} must be typed again: a stored credential is used only by its own ${spec.type} node with the URL it is stored for`;
      res.status(400).json({ ok: false, code: 'INVALID_INPUT', field: mustType[0], message });
      return;
    }
    const def = { ...settings, id: id ?? 'test', type: spec.type } as NodeDef;
    let client: C | undefined;
    const secrets = Object.values(creds).filter((v): v is string => Boolean(v));
    Promise.resolve()
      .then(() => {
        const values = configValues(RED, spec, null, def, creds, defaultTimeout);
        values.transport.timeout = Math.min(values.timeout, 15000);
        client = create(values);
        return test(client);
      })
      .then(
        () => {
          audit('ok');
          res.json({ ok: true });
        },
        (err: { code?: string; message?: string }) => {
          const code = typeof err?.code === 'string' ? err.code : 'VENDOR_ERROR';
          audit(code);
          res.json({ ok: false, code, message: redact(String(err?.message ?? err), secrets) });
        },
      )
      .finally(() => void Promise.resolve(client?.close()).catch(() => undefined));
  };
  guardAdminRoutes(RED.httpAdmin as unknown as Parameters<typeof guardAdminRoutes>[0], RED.settings);
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
    storedPlaces.set(node, { type: spec.type, url: values.url, proxy: String(def.proxy ?? '') });
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
