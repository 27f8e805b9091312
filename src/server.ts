import { createApp } from './app';
import { createHttpServer } from './lib/http-server';
import { bootstrap } from './bootstrap';
import { listenOrExit, onShutdown, startRuntime } from './lib/process';
import { attachChat } from './chat/chat.gateway';
import { startCourseViewFlush } from './courses/views';

async function main() {
  const runtime = await startRuntime((config, logger) => bootstrap(config, { logger }));
  const { config, logger } = runtime;

  const server = createHttpServer(createApp(runtime), config.http);
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
    const closed = new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    // Chat connections never finish by themselves: end them so the server can close.
    await closeChat();
    await closed;
    clearTimeout(force);
    // The views counted until the last request, written before the database is closed.
    await viewFlush.stop();
    await runtime.close();
    logger.info('stopped');
  });

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

void main();
