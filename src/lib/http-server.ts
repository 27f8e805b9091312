import http from 'node:http';
import type { RequestListener } from 'node:http';
import type { Server, Socket } from 'node:net';
import type { Config } from '../config';

/**
 * The API's HTTP server with bounded time per request, so a slow client (headers or body
 * trickling in) cannot hold a connection and its memory: Node answers 408 and closes it. Node
 * checks these deadlines every `connectionsCheckingInterval`, so that interval follows the
 * shortest of them.
 */
export function createHttpServer(app: RequestListener, settings: Config['http']): http.Server {
  const server = http.createServer(
    {
      requestTimeout: settings.requestTimeoutMs,
      headersTimeout: settings.headersTimeoutMs,
      connectionsCheckingInterval: Math.max(
        250,
        Math.min(30_000, Math.floor(settings.headersTimeoutMs / 4)),
      ),
    },
    app,
  );
  server.keepAliveTimeout = settings.keepAliveTimeoutMs;
  return server;
}

/**
 * Stops `server` gracefully: no new connections, idle keep-alive ones closed at once, and
 * resolves when every connection has ended (in-flight requests answered). Connections handed
 * over by a cluster primary are counted too (`server.close` alone only waits for the ones its
 * own socket accepted).
 */
export function drainer(server: http.Server): () => Promise<void> {
  const open = new Set<Socket>();
  let idle: (() => void) | undefined;
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => {
      open.delete(socket);
      if (open.size === 0) idle?.();
    });
  });
  return () =>
    new Promise<void>((resolve) => {
      let pending = 2;
      const done = () => {
        pending -= 1;
        if (pending === 0) resolve();
      };
      idle = () => {
        idle = undefined;
        done();
      };
      server.close(() => done());
      server.closeIdleConnections();
      if (open.size === 0) idle();
    });
}

/**
 * Starts listening on `port` (0: any free port) and resolves with the port bound. A port that
 * cannot be had rejects with one line naming the port and the setting to change (`setting`),
 * never a stack trace: the caller logs it and exits non-zero.
 */
export function listen(server: Server, port: number, setting: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const failed = (err: NodeJS.ErrnoException) => {
      server.off('listening', listening);
      reject(new Error(listenFailure(err, port, setting)));
    };
    const listening = () => {
      server.off('error', failed);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', failed);
    server.once('listening', listening);
    server.listen(port);
  });
}

function listenFailure(err: NodeJS.ErrnoException, port: number, setting: string): string {
  switch (err.code) {
    case 'EADDRINUSE':
      return `port ${port} is already in use by another process: stop it, or set ${setting} to a free port`;
    case 'EACCES':
      return `not allowed to listen on port ${port}: set ${setting} to a port above 1023`;
    default:
      return `cannot listen on port ${port} (${err.code ?? err.message}): check ${setting}`;
  }
}
