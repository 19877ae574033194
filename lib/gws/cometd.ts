/**
 * Loads the maintained CometD client (`cometd`, an ES module) and builds a long-polling
 * transport bound to ONE session: its requests go through `cometd-nodejs-client`'s
 * XMLHttpRequest, constructed per request with cookie hooks that read and write this
 * session's own jar (the adapter's default jar is process-global), and they carry this
 * session's Basic header. Nothing here is shared between two config nodes.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CometD } from 'cometd';
import type { CookieJar } from './cookies';

interface XhrLike {
  status: number;
  statusText: string;
  responseText: string;
  withCredentials?: boolean;
  onload?: () => void;
  onerror?: (x?: unknown) => void;
  onabort?: (x?: unknown) => void;
  open(method: string, url: string, async?: boolean): void;
  setRequestHeader(name: string, value: string): void;
  send(data?: string): void;
  abort(): void;
}

interface XhrOptions {
  httpProxy?: { uri: string };
  cookies: {
    storeCookie(uri: unknown, header: string, callback: (failure: Error | null, cookie?: unknown) => void): void;
    retrieveCookies(context: unknown, uri: unknown, callback: (failure: Error | null, cookies: string[]) => void): void;
  };
}

/** What cometd's LongPollingTransport hands to `xhrSend`. */
interface Packet {
  url: string;
  sync?: boolean;
  headers?: Record<string, string>;
  body: string;
  onSuccess(text: string): void;
  onError(reason: string, exception?: unknown): void;
}

interface LongPollingBase {
  xhrSend(packet: Packet): XhrLike;
}

interface Modules {
  CometD: new (name?: string) => CometD;
  LongPollingTransport: new () => LongPollingBase;
  XMLHttpRequest: new (options: XhrOptions) => XhrLike;
}

// `import()` kept out of TypeScript's CommonJS rewrite (which would turn it into require()).
const dynamicImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<Record<string, unknown>>;

let loading: Promise<Modules> | undefined;

function fileUrl(request: string): string {
  return pathToFileURL(require.resolve(request)).href;
}

/** Loads cometd and the Node adapter once per process (the classes, not any state). */
export function loadCometd(): Promise<Modules> {
  loading ??= (async () => {
    const adapter = await dynamicImport(fileUrl('cometd-nodejs-client'));
    const g = globalThis as { window?: unknown };
    if (!g.window) {
      // cometd reads timers from `window`; the adapter provides it. It also rebinds
      // console.debug globally, which a Node-RED process should not notice: put it back.
      const debug = console.debug;
      (adapter.adapt as () => void)();
      console.debug = debug;
    }
    const cometd = await dynamicImport(fileUrl('cometd'));
    const xhrPath = path.join(path.dirname(require.resolve('cometd-nodejs-client')), 'src', 'XMLHttpRequest.js');
    const xhr = await dynamicImport(pathToFileURL(xhrPath).href);
    return {
      CometD: cometd.CometD as Modules['CometD'],
      LongPollingTransport: cometd.LongPollingTransport as Modules['LongPollingTransport'],
      XMLHttpRequest: xhr.XMLHttpRequest as Modules['XMLHttpRequest'],
    };
  })();
  loading.catch(() => (loading = undefined));
  return loading;
}

export interface SessionBinding {
  jar: CookieJar;
  /** Headers every Bayeux request carries (Basic auth); read at each request. */
  headers(): Record<string, string>;
  /** Called with every HTTP status the CometD endpoint answered. */
  onStatus?(status: number): void;
  /** Proxy URL for the CometD requests (the config node's proxy or HTTP(S)_PROXY), if any. */
  proxy?: string;
}

/** A long-polling transport whose requests use `binding`'s cookies and headers only. */
export function sessionTransport(mods: Modules, binding: SessionBinding): LongPollingBase {
  class SessionTransport extends mods.LongPollingTransport {
    override xhrSend(packet: Packet): XhrLike {
      const xhr = new mods.XMLHttpRequest({
        ...(binding.proxy ? { httpProxy: { uri: binding.proxy } } : {}),
        cookies: {
          storeCookie: (_uri, header, callback) => {
            binding.jar.store(header);
            callback(null);
          },
          retrieveCookies: (_context, _uri, callback) => callback(null, binding.jar.pairs()),
        },
      });
      xhr.withCredentials = true;
      xhr.open('POST', packet.url, packet.sync !== true);
      for (const [k, v] of Object.entries({ ...(packet.headers ?? {}), ...binding.headers() })) xhr.setRequestHeader(k, v);
      xhr.setRequestHeader('Content-Type', 'application/json;charset=UTF-8');
      xhr.onload = () => {
        binding.onStatus?.(xhr.status);
        if (xhr.status === 200) packet.onSuccess(xhr.responseText);
        else packet.onError(xhr.statusText);
      };
      xhr.onabort = xhr.onerror = () => packet.onError(xhr.statusText);
      xhr.send(packet.body);
      return xhr;
    }
  }
  return new SessionTransport();
}
