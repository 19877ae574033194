/**
 * A TCP proxy for stream fault tests: forwards bytes both ways, and can swallow what the server
 * sends (`blackhole`: both sockets stay open, as a dead path looks to each end) or cut the
 * client side only (`cutClients`: the client sees a reset, the server does not).
 */
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

interface Pair {
  client: net.Socket;
  server: net.Socket;
}

export class CutProxy {
  private pairs = new Set<Pair>();
  /** Every socket the proxy opened or accepted, cut or not: close() destroys them all. */
  private sockets = new Set<net.Socket>();
  private constructor(private srv: net.Server) {}

  static async start(targetPort: string | number): Promise<CutProxy> {
    const srv = net.createServer();
    const p = new CutProxy(srv);
    srv.on('connection', (client) => {
      const server = net.connect(Number(targetPort), '127.0.0.1');
      const pair = { client, server };
      p.pairs.add(pair);
      for (const sock of [client, server]) {
        p.sockets.add(sock);
        sock.on('close', () => p.sockets.delete(sock));
      }
      client.pipe(server);
      server.pipe(client);
      const end = (): void => {
        p.pairs.delete(pair);
        client.destroy();
        server.destroy();
      };
      client.on('error', end);
      server.on('error', end);
      client.on('close', () => p.pairs.delete(pair));
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    return p;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.srv.address() as AddressInfo).port}`;
  }

  /** From now on, bytes from the server on the open connections are dropped. */
  blackhole(): void {
    for (const { client, server } of this.pairs) {
      server.unpipe(client);
      server.removeAllListeners('data');
      server.on('data', () => undefined);
    }
  }

  /** Destroys the client side of every open connection; the server side stays open. */
  cutClients(): void {
    for (const pair of [...this.pairs]) {
      pair.client.unpipe(pair.server);
      pair.client.destroy();
      this.pairs.delete(pair);
    }
  }

  async close(): Promise<void> {
    // The server sides of cut connections too: left open, they would keep the process alive.
    for (const sock of this.sockets) sock.destroy();
    this.sockets.clear();
    this.pairs.clear();
    await new Promise<void>((r) => this.srv.close(() => r()));
  }
}
