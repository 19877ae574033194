/** Which proxy (if any) a URL goes through: the configured one or HTTP(S)_PROXY, minus NO_PROXY. */

export interface ProxySettings {
  /** Proxy URL, e.g. `http://proxy.local:3128` (credentials may be in it). */
  url: string;
  /** Host names (or suffixes, or `host:port`) that bypass the proxy. */
  noProxy?: string[];
}

function envVar(name: string): string | undefined {
  return process.env[name.toLowerCase()] || process.env[name.toUpperCase()] || undefined;
}

/** True when `target` matches an entry of a NO_PROXY-style list. */
export function bypasses(target: URL, noProxy: readonly string[]): boolean {
  const host = target.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const [eHost, ePort] = entry.replace(/^\[|\]$/g, '').split(/:(?=\d+$)/);
    if (ePort && ePort !== port) continue;
    const bare = eHost.replace(/^\*?\./, '');
    if (host === bare || host.endsWith('.' + bare)) return true;
  }
  return false;
}

/**
 * The proxy URL for `target`: the explicit settings when given (a core `http proxy` node),
 * else the environment (`https_proxy`/`http_proxy`, `no_proxy`), else none.
 */
export function proxyFor(target: URL, explicit?: ProxySettings | null): string | undefined {
  if (explicit) return bypasses(target, explicit.noProxy ?? []) ? undefined : explicit.url;
  const fromEnv = target.protocol === 'https:' ? envVar('https_proxy') || envVar('http_proxy') : envVar('http_proxy');
  if (!fromEnv) return undefined;
  const noProxy = (envVar('no_proxy') ?? '').split(',');
  return bypasses(target, noProxy) ? undefined : fromEnv;
}
