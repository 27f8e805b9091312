import cluster from 'node:cluster';
import crypto from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * The API processes' side of the cluster (see lib/cluster.ts, the primary's), and what both
 * sides share: their messages, where a chat session lives, and the workers' private pipes.
 */

/** Messages between the primary and its workers. */
export const CONNECTION = 'erunjrun:connection';
export const READY = 'erunjrun:ready';

export interface ClusterMessage {
  type: string;
  /** The connection's first bytes (base64). */
  data?: string;
}

export const isMessage = (value: unknown): value is ClusterMessage =>
  typeof value === 'object' && value !== null && typeof (value as ClusterMessage).type === 'string';

/** The worker whose chat session a request names (`sid=<worker>.…` in a `/socket.io/` URL). */
export function sessionWorker(requestLineOrUrl: string): number | null {
  const url = /^(?:[A-Z]+ )?(\/socket\.io\/\S*)/.exec(requestLineOrUrl)?.[1];
  const worker = url && /[?&]sid=(\d+)\./.exec(url)?.[1];
  return worker ? Number(worker) : null;
}

/**
 * Where the workers of this primary listen privately: a folder named after the primary's pid,
 * readable by this user only. Workers find it from their parent's pid.
 */
export const pipeFolder = (primaryPid: number) =>
  path.join(os.tmpdir(), `erunjrun-api-${process.getuid?.() ?? 0}-${primaryPid}`);
export const pipeOf = (primaryPid: number, workerId: number) =>
  path.join(pipeFolder(primaryPid), `${workerId}.sock`);

/**
 * In a worker: serves the connections the primary hands over on `server`, which also listens
 * on this worker's private pipe: other workers pass polling requests of this worker's chat
 * sessions there, and listening is what starts Node's per-connection deadlines
 * (`requestTimeout`, `headersTimeout`) and its tracking of idle keep-alive connections, which
 * draining relies on. Call after the chat is attached (socket.io takes over `request`).
 */
export async function serveFromPrimary(server: http.Server): Promise<void> {
  const self = cluster.worker?.id ?? 0;
  const primary = process.ppid;
  const local = server.listeners('request') as http.RequestListener[];
  server.removeAllListeners('request');
  const agent = new http.Agent({ keepAlive: true });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const owner = sessionWorker(req.url ?? '');
    if (owner === null || owner === self) {
      for (const listener of local) listener.call(server, req, res);
      return;
    }
    const forwarded = http.request(
      {
        socketPath: pipeOf(primary, owner),
        agent,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    // The worker is gone (and its sessions with it): answered as socket.io answers a session
    // it does not know, so the client starts a new one.
    forwarded.on('error', () => {
      if (!res.headersSent) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 1, message: 'Session ID unknown' }));
      } else res.destroy();
    });
    req.pipe(forwarded);
  });
  server.on('close', () => agent.destroy());

  process.on('message', (message: unknown, handle: unknown) => {
    if (!isMessage(message) || message.type !== CONNECTION) return;
    if (!(handle instanceof net.Socket)) return;
    server.emit('connection', handle);
    handle.emit('data', Buffer.from(message.data ?? '', 'base64'));
    handle.resume();
  });
  await new Promise<void>((resolve) => {
    server.listen({ path: pipeOf(primary, self), exclusive: true }, resolve);
  });
}

/**
 * In a worker: chat session ids that name this worker (see above), so any process can tell
 * where a session lives.
 */
export function clusterSessionIds(engine: { generateId: (req: http.IncomingMessage) => unknown }) {
  const self = cluster.worker?.id ?? 0;
  engine.generateId = () => `${self}.${crypto.randomBytes(15).toString('base64url')}`;
}

/** In a worker: tells the primary this process serves requests. */
export function announceReady(): void {
  process.send?.({ type: READY });
}
