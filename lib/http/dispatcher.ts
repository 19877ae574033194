/**
 * Which undici dispatcher carries a request: one `Pool` per origin (connections = the socket
 * cap, the `tls-config` options on its connector), or undici's proxy agents when a proxy
 * applies: a core `http proxy` node's settings, else HTTP(S)_PROXY / NO_PROXY. The rule for
 * which URL goes through which proxy is undici's (EnvHttpProxyAgent), not ours.
 */
import { EnvHttpProxyAgent, Pool, type Dispatcher } from 'undici';

export interface TlsOptions {
  ca?: string | Buffer | Array<string | Buffer>;
  cert?: string | Buffer;
  key?: string | Buffer;
  passphrase?: string;
  /** false only when the user turned verification off in a `tls-config` node. */
  rejectUnauthorized?: boolean;
  servername?: string;
}

export interface ProxySettings {
  /** Proxy URL, e.g. `http://proxy.local:3128` (credentials may be in it). */
  url: string;
  /** Host names (or suffixes, or `host:port`) that bypass the proxy. */
  noProxy?: string[];
}

export interface DispatcherOptions {
  /** Connections per origin. */
  connections: number;
  tls?: TlsOptions;
  /** A core `http proxy` node's settings; undefined/null = HTTP(S)_PROXY / NO_PROXY apply. */
  proxy?: ProxySettings | null;
}

function envProxySet(): boolean {
  const e = process.env;
  return Boolean(e.http_proxy || e.HTTP_PROXY || e.https_proxy || e.HTTPS_PROXY);
}

const TLS_FIELDS = ['ca', 'cert', 'key', 'passphrase', 'rejectUnauthorized', 'servername'] as const;

/** Only the TLS fields a connector takes (a tls-config node may add others). */
function connectOptions(tls: TlsOptions | undefined): TlsOptions | undefined {
  if (!tls) return undefined;
  const out: Record<string, unknown> = {};
  for (const k of TLS_FIELDS) if (tls[k] !== undefined) out[k] = tls[k];
  return out;
}

/**
 * The dispatchers of one transport, made on first use per origin, all ended by destroy().
 * Event streams get their own (uncapped) connections: a stream held open for hours must not
 * take one of the `connections` the requests queue for.
 */
export class Dispatchers {
  private requests: Origins;
  private streams: Origins;

  constructor(opts: DispatcherOptions) {
    this.requests = new Origins(opts, opts.connections);
    this.streams = new Origins(opts, undefined);
  }

  /** The dispatcher for `origin` (e.g. `https://host:8443`). */
  for(origin: string, stream: boolean): Dispatcher {
    return (stream ? this.streams : this.requests).for(origin);
  }

  /** Closes every connection at once (requests on them fail). */
  destroy(): void {
    this.requests.destroy();
    this.streams.destroy();
  }
}

class Origins {
  private pools = new Map<string, Dispatcher>();
  private proxied: Dispatcher | undefined;

  constructor(
    private readonly opts: DispatcherOptions,
    private readonly connections: number | undefined,
  ) {}

  for(origin: string): Dispatcher {
    const pool = this.pools.get(origin);
    if (pool) return pool;
    const d = this.proxy() ?? this.pool(origin);
    this.pools.set(origin, d);
    return d;
  }

  private pool(origin: string): Dispatcher {
    const connect = connectOptions(this.opts.tls);
    // Our own timers bound each request (the transport's timeout, the stream idle timeout).
    return new Pool(origin, { connections: this.connections, headersTimeout: 0, bodyTimeout: 0, ...(connect ? { connect } : {}) });
  }

  /** The proxy agent when a proxy may apply (undici then decides per origin, NO_PROXY included). */
  private proxy(): Dispatcher | undefined {
    if (this.proxied) return this.proxied;
    const explicit = this.opts.proxy;
    if (!explicit && !envProxySet()) return undefined;
    const tls = connectOptions(this.opts.tls);
    const common = {
      connections: this.connections,
      headersTimeout: 0,
      bodyTimeout: 0,
      // Direct connections (NO_PROXY) use `connect`; tunnels through the proxy use `requestTls`.
      ...(tls ? { connect: tls, requestTls: tls } : {}),
    };
    this.proxied = explicit
      ? new EnvHttpProxyAgent({ ...common, httpProxy: explicit.url, httpsProxy: explicit.url, noProxy: (explicit.noProxy ?? []).join(',') })
      : new EnvHttpProxyAgent(common);
    return this.proxied;
  }

  destroy(): void {
    const all = new Set(this.pools.values());
    if (this.proxied) all.add(this.proxied);
    this.pools.clear();
    this.proxied = undefined;
    for (const d of all) d.destroy().catch(() => undefined);
  }
}
