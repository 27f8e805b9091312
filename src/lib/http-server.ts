import http from 'node:http';
import type { RequestListener } from 'node:http';
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
