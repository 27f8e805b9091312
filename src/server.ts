import cluster from 'node:cluster';
import { createApp } from './app';
import { createHttpServer, drainer } from './lib/http-server';
import { bootstrap } from './bootstrap';
import { listenOrExit, loadConfigOrExit, onShutdown, startRuntime } from './lib/process';
import { runPrimary } from './lib/cluster';
import { announceReady, serveFromPrimary } from './lib/cluster-worker';
import { shareMetricsWithPrimary } from './lib/cluster-metrics';
import { createLogger } from './lib/logger';
import { attachChat } from './chat/chat.gateway';
import { startCourseViewFlush } from './courses/views';

async function serve() {
  const runtime = await startRuntime((config, logger) => bootstrap(config, { logger }));
  const { config, logger } = runtime;
  // In a cluster a scrape reaching this process answers with every API process's counts.
  if (cluster.isWorker) runtime.metrics = shareMetricsWithPrimary(runtime.metrics);

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
    // Connections come from the primary, which owns the port. Without it, nothing to serve.
    await serveFromPrimary(server);
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
