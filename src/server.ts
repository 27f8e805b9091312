import cluster from 'node:cluster';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from './app';
import { createHttpServer, drainer } from './lib/http-server';
import { bootstrap } from './bootstrap';
import { listenOrExit, loadConfigOrExit, onShutdown, startRuntime } from './lib/process';
import { acceptFromPrimary, announceReady, runPrimary } from './lib/cluster';
import { createLogger } from './lib/logger';
import { attachChat } from './chat/chat.gateway';
import { startCourseViewFlush } from './courses/views';

async function serve() {
  const runtime = await startRuntime((config, logger) => bootstrap(config, { logger }));
  const { config, logger } = runtime;

  const server = createHttpServer(createApp(runtime), config.http);
  const drain = drainer(server);
  const closeChat = await attachChat(server, runtime);
  const viewFlush = startCourseViewFlush(runtime);
  onShutdown(logger, async (reason) => {
    logger.info('shutting down', { reason });
    const force = setTimeout(() => {
      logger.warn('in-flight requests did not finish in time; closing connections');
      server.closeAllConnections();
    }, config.http.shutdownTimeoutMs);
    force.unref();
    // Stop accepting, let in-flight requests finish, drop idle keep-alive sockets.
    const drained = drain();
    // Chat connections never finish by themselves: end them so the server can close.
    await closeChat();
    await drained;
    clearTimeout(force);
    // The views counted until the last request, written before the database is closed.
    await viewFlush.stop();
    await runtime.close();
    logger.info('stopped');
  });

  if (cluster.isWorker) {
    // Connections come from the primary, which owns the port; the private pipe is never used
    // by anyone (see acceptFromPrimary). Without the primary there is nothing left to serve.
    acceptFromPrimary(server);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erunjrun-api-'));
    await new Promise<void>((resolve) => {
      server.listen({ path: path.join(dir, 'api.sock'), exclusive: true }, resolve);
    });
    server.once('close', () => fs.rmSync(dir, { recursive: true, force: true }));
    process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
    logger.info('API process ready', { event: 'ready', pid: process.pid });
    announceReady();
    return;
  }

  const port = await listenOrExit(server, config.port, 'PORT', logger, async () => {
    await closeChat();
    await runtime.close();
  });
  logger.info(`ErunJrun API listening on http://localhost:${port}`, {
    event: 'listening',
    port,
    database: config.embedded ? 'sqlite' : 'mysql',
    store: runtime.store.kind,
  });
}

async function main() {
  if (cluster.isPrimary) {
    const config = loadConfigOrExit();
    if (config.webConcurrency > 1) {
      await runPrimary(config, createLogger(config.log));
      return;
    }
  }
  await serve();
}

void main();
