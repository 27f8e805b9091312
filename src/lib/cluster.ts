import cluster, { type Worker } from 'node:cluster';
import net from 'node:net';
import type http from 'node:http';
import type { Config } from '../config';
import type { Logger } from './logger';
import { listen } from './http-server';

/**
 * Several API processes behind one port (`WEB_CONCURRENCY`), with `node:cluster`.
 *
 * The primary owns the port and hands every accepted connection to a worker. It reads the first
 * chunk of the connection first: the SPA's socket.io client starts on HTTP long-polling, whose
 * requests (`/socket.io/?…&sid=<id>`) must reach the process holding that session, so a request
 * naming a session a worker announced goes to that worker; any other connection goes to the
 * next worker in turn. Workers answer everything else alike: they share the database and the
 * key store (Redis, required above one process), and chat rooms through the Redis adapter.
 *
 * The primary restarts a worker that exits unasked (after a pause that doubles while workers
 * keep failing at once), and on SIGTERM/SIGINT stops accepting, passes the signal on, and
 * exits 0 once every worker has drained and exited 0.
 */

/** Messages between the primary and its workers. */
const CONNECTION = 'erunjrun:connection';
const SESSION_OPEN = 'erunjrun:session-open';
const SESSION_CLOSED = 'erunjrun:session-closed';
const READY = 'erunjrun:ready';

interface ClusterMessage {
  type: string;
  /** The connection's first bytes (base64), or a session id. */
  data?: string;
}

const isMessage = (value: unknown): value is ClusterMessage =>
  typeof value === 'object' && value !== null && typeof (value as ClusterMessage).type === 'string';

/** A worker that fails again within this of its start counts as a repeated failure. */
const STABLE_MS = 30_000;
const FIRST_RESTART_DELAY_MS = 500;
const MAX_RESTART_DELAY_MS = 30_000;

/** The engine.io session a request names: `sid=` in the query of a `/socket.io/` request line. */
export function sessionOf(firstBytes: string): string | null {
  const lineEnd = firstBytes.indexOf('\r\n');
  const line = lineEnd === -1 ? firstBytes : firstBytes.slice(0, lineEnd);
  if (!/^[A-Z]+ \/socket\.io\//.test(line)) return null;
  return /[?&]sid=([A-Za-z0-9_-]+)/.exec(line)?.[1] ?? null;
}

/**
 * Runs the primary: binds `config.port` (exits 1 with one line when it cannot), starts
 * `config.webConcurrency` workers and prints the start-up line once all of them are ready.
 */
export async function runPrimary(config: Config, logger: Logger): Promise<void> {
  const sessions = new Map<string, number>();
  const started = new Map<number, number>();
  let turn = 0;
  let stopping = false;
  let failures = 0;

  const live = (): Worker[] =>
    Object.values(cluster.workers ?? {}).filter(
      (w): w is Worker => w !== undefined && w.isConnected(),
    );

  const pick = (firstBytes: string): Worker | undefined => {
    const sid = sessionOf(firstBytes);
    const owner = sid === null ? undefined : cluster.workers?.[sessions.get(sid) ?? -1];
    if (owner?.isConnected()) return owner;
    const workers = live();
    if (workers.length === 0) return undefined;
    turn = (turn + 1) % workers.length;
    return workers[turn];
  };

  const hand = (socket: net.Socket, first: Buffer) => {
    socket.pause();
    socket.setTimeout(0);
    const chunks = [first];
    for (let more: Buffer | null; (more = socket.read() as Buffer | null) !== null;) {
      chunks.push(more);
    }
    const data = Buffer.concat(chunks);
    const worker = pick(data.toString('latin1'));
    if (!worker) {
      socket.destroy();
      return;
    }
    worker.send({ type: CONNECTION, data: data.toString('base64') }, socket, (err) => {
      if (err) socket.destroy();
    });
  };

  const server = net.createServer((socket) => {
    socket.on('error', () => socket.destroy());
    // A client that connects and sends nothing is dropped like a worker would drop it.
    socket.setTimeout(config.http.headersTimeoutMs, () => socket.destroy());
    socket.once('data', (chunk: Buffer) => hand(socket, chunk));
  });

  const fork = () => {
    const worker = cluster.fork();
    started.set(worker.id, Date.now());
    worker.on('message', (message: unknown) => {
      if (!isMessage(message) || message.data === undefined) return;
      if (message.type === SESSION_OPEN) sessions.set(message.data, worker.id);
      if (message.type === SESSION_CLOSED) sessions.delete(message.data);
    });
    return worker;
  };

  const ready = (workers: Worker[]) =>
    Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            const onMessage = (message: unknown) => {
              if (!isMessage(message) || message.type !== READY) return;
              worker.off('message', onMessage);
              resolve();
            };
            worker.on('message', onMessage);
          }),
      ),
    );

  cluster.on('exit', (worker, code, signal) => {
    for (const [sid, id] of sessions) if (id === worker.id) sessions.delete(sid);
    const lived = Date.now() - (started.get(worker.id) ?? 0);
    started.delete(worker.id);
    if (stopping) return;
    failures = lived >= STABLE_MS ? 1 : failures + 1;
    const delay = Math.min(MAX_RESTART_DELAY_MS, FIRST_RESTART_DELAY_MS * 2 ** (failures - 1));
    logger.error('API process exited; starting another', {
      pid: worker.process.pid,
      code,
      signal,
      restartInMs: delay,
    });
    setTimeout(() => {
      if (!stopping) fork();
    }, delay).unref();
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { reason: signal, processes: live().length });
    server.close();
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    const exits = workers.map(
      (worker) =>
        new Promise<boolean>((resolve) => {
          if (worker.isDead()) resolve(worker.process.exitCode === 0);
          else worker.once('exit', (code) => resolve(code === 0));
        }),
    );
    // Ctrl-C reaches the workers too (one process group); a second signal changes nothing.
    for (const worker of workers) worker.process.kill(signal);
    const force = setTimeout(() => {
      logger.error('API processes did not stop in time; killing them');
      for (const worker of workers) worker.process.kill('SIGKILL');
    }, config.http.shutdownTimeoutMs + 10_000);
    force.unref();
    void Promise.all(exits).then((clean) => {
      clearTimeout(force);
      logger.info('stopped');
      process.exit(clean.every(Boolean) ? 0 : 1);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  let port: number;
  try {
    port = await listen(server, config.port, 'PORT');
  } catch (err) {
    logger.error((err as Error).message);
    process.exit(1);
  }
  const first: Worker[] = [];
  for (let i = 0; i < config.webConcurrency; i += 1) first.push(fork());
  await ready(first);
  if (stopping) return;
  logger.info(`ErunJrun API listening on http://localhost:${port}`, {
    event: 'listening',
    port,
    processes: config.webConcurrency,
    database: config.embedded ? 'sqlite' : 'mysql',
    store: config.store.redisUrl ? 'redis' : 'sqlite',
  });
}

/**
 * In a worker: serves the connections the primary hands over on `server`. The server listens on
 * nothing the outside reaches; `server.listen` on a private pipe is still what starts Node's
 * per-connection deadlines (`requestTimeout`, `headersTimeout`) and its tracking of idle
 * keep-alive connections, which draining relies on.
 */
export function acceptFromPrimary(server: http.Server): void {
  process.on('message', (message: unknown, handle: unknown) => {
    if (!isMessage(message) || message.type !== CONNECTION) return;
    if (!(handle instanceof net.Socket)) return;
    server.emit('connection', handle);
    handle.emit('data', Buffer.from(message.data ?? '', 'base64'));
    handle.resume();
  });
}

/** In a worker: tells the primary which chat sessions this process holds. */
export function announceSessions(engine: {
  on(event: 'connection', listener: (socket: { id: string; once: EngineOnce }) => void): unknown;
}): void {
  engine.on('connection', (socket) => {
    process.send?.({ type: SESSION_OPEN, data: socket.id });
    socket.once('close', () => process.send?.({ type: SESSION_CLOSED, data: socket.id }));
  });
}
type EngineOnce = (event: 'close', listener: () => void) => unknown;

/** In a worker: tells the primary this process serves requests. */
export function announceReady(): void {
  process.send?.({ type: READY });
}
