import cluster, { type Worker } from 'node:cluster';
import fs from 'node:fs';
import net from 'node:net';
import type { Config } from '../config';
import type { Logger } from './logger';
import { answerMetricsRequests } from './cluster-metrics';
import { CONNECTION, isMessage, pipeFolder, READY, sessionWorker } from './cluster-worker';
import { listen } from './http-server';

/**
 * Several API processes behind one port (`WEB_CONCURRENCY`), with `node:cluster`.
 *
 * The primary owns the port and hands every accepted connection to a worker that serves (has
 * announced it is ready), in turn; one arriving while none serves (at start, or every worker
 * restarting) waits for the first that does, within the headers deadline. Chat
 * needs more: the SPA's socket.io client starts on HTTP long-polling, and every request of a
 * polling session (`/socket.io/?…&sid=<id>`) must reach the process holding the session. So a
 * worker's session ids start with its cluster id (`3.x7Gk…`): the primary reads the first bytes
 * of a connection and hands one whose first request names a session to that session's worker
 * (a WebSocket upgrade is always a connection of its own), and a worker given a polling request
 * of another worker's session on a kept-alive connection passes it on to that worker over the
 * worker's private pipe. Everything else is shared through the database and the key store
 * (Redis, required above one process), and chat rooms through the Redis adapter.
 *
 * The primary restarts a worker that exits unasked (after a pause that doubles while workers
 * keep failing at once), and on SIGTERM/SIGINT stops accepting, passes the signal on, and
 * exits 0 once every worker has drained and exited 0. A scrape of `/metrics` reaching any
 * worker is answered with the sum of the serving workers' metrics (lib/cluster-metrics.ts).
 */

/** A worker that fails again within this of its start counts as a repeated failure. */
const STABLE_MS = 30_000;
const FIRST_RESTART_DELAY_MS = 500;
const MAX_RESTART_DELAY_MS = 30_000;

/**
 * Runs the primary: binds `config.port` (exits 1 with one line when it cannot), starts
 * `config.webConcurrency` workers and prints the start-up line once all of them are ready.
 */
export async function runPrimary(config: Config, logger: Logger): Promise<void> {
  const folder = pipeFolder(process.pid);
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder, { mode: 0o700 });
  process.once('exit', () => fs.rmSync(folder, { recursive: true, force: true }));
  const started = new Map<number, number>();
  /** Workers that announced they serve: the ones given connections and asked for metrics. */
  const readyIds = new Set<number>();
  /** Resolved once as many workers as asked for have announced they serve (the first ones). */
  let allReady: () => void = () => undefined;
  const firstReady = new Promise<void>((resolve) => {
    allReady = resolve;
  });
  let turn = 0;
  let stopping = false;
  let failures = 0;
  /** Set once every first worker is ready: a worker failing before that stops everything. */
  let serving = false;

  const live = (): Worker[] =>
    Object.values(cluster.workers ?? {}).filter(
      (w): w is Worker => w !== undefined && w.isConnected(),
    );

  /** Workers that serve: connected, and announced ready (a replacement still starting is not). */
  const servingWorkers = (): Worker[] => live().filter((worker) => readyIds.has(worker.id));

  const pick = (firstBytes: string): Worker | undefined => {
    const owner = cluster.workers?.[sessionWorker(firstBytes) ?? -1];
    if (owner?.isConnected() && readyIds.has(owner.id)) return owner;
    // A connection handed to a worker still starting would be lost: nobody listens there yet.
    const workers = servingWorkers();
    if (workers.length === 0) return undefined;
    turn = (turn + 1) % workers.length;
    return workers[turn];
  };

  /**
   * Connections that arrived while no worker served (at start, or every one restarting), with
   * what was read of them: handed over as soon as one is ready, or dropped by the client's
   * headers deadline like any connection that waits too long.
   */
  const held = new Map<net.Socket, Buffer[]>();

  const hand = (socket: net.Socket, chunks: Buffer[]) => {
    socket.pause();
    for (let more: Buffer | null; (more = socket.read() as Buffer | null) !== null;) {
      chunks.push(more);
    }
    const data = Buffer.concat(chunks);
    const worker = pick(data.toString('latin1'));
    if (!worker) {
      if (stopping) socket.destroy();
      else held.set(socket, [data]);
      return;
    }
    held.delete(socket);
    socket.setTimeout(0);
    worker.send({ type: CONNECTION, data: data.toString('base64') }, socket, (err) => {
      if (err) socket.destroy();
    });
  };

  const handHeld = () => {
    for (const [socket, chunks] of held) {
      if (socket.destroyed) held.delete(socket);
      else hand(socket, chunks);
    }
  };

  const server = net.createServer((socket) => {
    socket.on('error', () => socket.destroy());
    // A client that connects and sends nothing is dropped like a worker would drop it.
    socket.setTimeout(config.http.headersTimeoutMs, () => socket.destroy());
    socket.once('data', (chunk: Buffer) => hand(socket, [chunk]));
    socket.once('close', () => held.delete(socket));
  });

  const fork = () => {
    started.set(cluster.fork().id, Date.now());
  };

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (started.get(worker.id) ?? 0);
    started.delete(worker.id);
    readyIds.delete(worker.id);
    if (stopping) return;
    if (!serving) {
      // Before the API ever served: the cause (settings, database) will not pass by itself.
      logger.error('an API process could not start; stopping the others', { code, signal });
      stop('SIGTERM', 1);
      return;
    }
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

  const stop = (signal: NodeJS.Signals, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { reason: signal, processes: live().length });
    server.close();
    for (const socket of held.keys()) socket.destroy();
    held.clear();
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
      process.exit(exitCode === 0 && clean.every(Boolean) ? 0 : 1);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  cluster.on('message', (worker, message) => {
    if (!isMessage(message) || message.type !== READY) return;
    readyIds.add(worker.id);
    if (readyIds.size >= config.webConcurrency) allReady();
    handHeld();
  });
  answerMetricsRequests(servingWorkers, logger);

  let port: number;
  try {
    port = await listen(server, config.port, 'PORT');
  } catch (err) {
    logger.error((err as Error).message);
    process.exit(1);
  }
  for (let i = 0; i < config.webConcurrency; i += 1) fork();
  await firstReady;
  if (stopping) return;
  serving = true;
  logger.info(`ErunJrun API listening on http://localhost:${port}`, {
    event: 'listening',
    port,
    processes: config.webConcurrency,
    database: config.embedded ? 'sqlite' : 'mysql',
    store: config.store.redisUrl ? 'redis' : 'sqlite',
  });
}
