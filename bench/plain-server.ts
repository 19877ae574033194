/**
 * node dist/bench/plain-server.js: the plain server of the transport rows, in its own process.
 * Answers every POST with a small JSON body (after reading the request's), keep-alive, and
 * prints `ready <url>`.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

const ANSWER = JSON.stringify({ status: 'success', message: 'queued', crtObjectId: 'd1f2-0000-0001' });

const server = http.createServer((req, res) => {
  req.on('data', () => undefined);
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(ANSWER) });
    res.end(ANSWER);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`ready http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
