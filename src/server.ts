import http from 'node:http';
import { loadConfigFromEnvironment, ConfigError } from './config';
import { createApp } from './app';
import { bootstrap, type Runtime } from './bootstrap';
import { createLogger } from './lib/logger';
import { attachChat } from './chat/chat.gateway';

async function main() {
  let config;
  try {
    config = loadConfigFromEnvironment();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.log);
  let runtime: Runtime;
  try {
    runtime = await bootstrap(config, { logger });
  } catch (err) {
    logger.error('could not start', { error: (err as Error).message });
    process.exit(1);
  }

  const server = http.createServer(createApp(runtime));
  const closeChat = await attachChat(server, runtime);
  let stopping = false;

  const shutdown = async (reason: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
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
    await runtime.close();
    logger.info('stopped');
    process.exit(exitCode);
  };

  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('unhandledRejection', (reason) => {
    logger.error('unhandled rejection', { error: String(reason) });
    void shutdown('unhandledRejection', 1);
  });
  process.on('uncaughtException', (err) => {
    logger.error('uncaught exception', { error: err.message, stack: err.stack });
    void shutdown('uncaughtException', 1);
  });

  server.listen(config.port, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info('listening', {
      port,
      database: config.embedded ? 'sqlite' : 'mysql',
      store: runtime.store.kind,
    });
  });
}

void main();
