/**
 * The undici dispatchers under one transport: a `Pool` per origin (its connections are the
 * transport's socket cap), or, where a proxy applies, one `EnvHttpProxyAgent` that decides per
 * request whether to go through the proxy (undici's own `NO_PROXY` rule) and tunnels HTTPS with
 * CONNECT. Event streams get dispatchers of their own, so a long-lived stream never holds one of
 * the connections that requests wait for.
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

/** A core `http proxy` node's settings. */
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
  /** A core `http proxy` node's settings; undefined or null = HTTP(S)_PROXY / NO_PROXY apply. */
  proxy?: ProxySettings | null;
}

/** Idle keep-alive sockets are closed after this long (servers commonly close at 5 s). */
const KEEP_ALIVE_MS = 4000;

function envProxy(): boolean {
  const env = process.env;
  return Boolean(env.http_proxy || env.HTTP_PROXY || env.https_proxy || env.HTTPS_PROXY);
}

export class Dispatchers {
  private pools = new Map<string, Pool>();
  private agent: EnvHttpProxyAgent | undefined;
  private readonly connect: Record<string, unknown>;

  constructor(
    private readonly opts: DispatcherOptions,
    /** For event streams: a few long-lived connections per origin. */
    private readonly streams = false,
  ) {
    this.connect = { ...(opts.tls ?? {}) };
    const proxy = opts.proxy;
    // Decided once, when the config node starts (as core nodes read the environment at start).
    if (proxy || envProxy()) {
      const common = { connections: opts.connections, keepAliveTimeout: KEEP_ALIVE_MS, connect: this.connect, requestTls: this.connect };
      this.agent = proxy
        ? new EnvHttpProxyAgent({ ...common, httpProxy: proxy.url, httpsProxy: proxy.url, noProxy: (proxy.noProxy ?? []).join(',') })
        : new EnvHttpProxyAgent(common);
    }
  }

  /** The dispatcher for a request to `origin` (scheme://host:port). */
  for(origin: string): Dispatcher {
    if (this.agent) return this.agent;
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: this.streams ? null : this.opts.connections,
        keepAliveTimeout: KEEP_ALIVE_MS,
        pipelining: 1,
        connect: this.connect,
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  /** Closes every socket at once (in-flight requests were aborted by the transport before). */
  destroy(): void {
    for (const p of this.pools.values()) p.destroy().catch(() => undefined);
    this.pools.clear();
    this.agent?.destroy().catch(() => undefined);
    this.agent = undefined;
  }
}
