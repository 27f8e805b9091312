import http from 'node:http';
import { bootstrap } from './bootstrap';
import { listenOrExit, onShutdown, startRuntime } from './lib/process';
import { createWorkerDeps } from './jobs/deps';
import { startScheduler, type Scheduler } from './jobs/scheduler';

/**
 * `GET /health` of the worker: 200 while ticks keep finishing, 503 once the last one is more
 * than three periods old (a wedged loop or a database that stopped answering).
 */
function healthServer(scheduler: Scheduler, tickMs: number, startedAt: Date): http.Server {
  return http.createServer((req, res) => {
    const last = scheduler.lastTickAt();
    const staleAfter = Math.max(3 * tickMs, 60_000);
    const healthy = Date.now() - (last ?? startedAt).getTime() < staleAfter;
    const known = req.url === '/health' || req.url === '/';
    res.writeHead(known ? (healthy ? 200 : 503) : 404, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify(
        known
          ? { success: healthy, status: healthy ? 'ok' : 'stalled', lastTickAt: last }
          : { success: false },
      ),
    );
  });
}

async function main() {
  const runtime = await startRuntime((config, logger) => bootstrap(config, { logger }));
  const { config, logger } = runtime;

  const deps = createWorkerDeps(runtime);
  const scheduler = startScheduler(deps, runtime.now);
  const health =
    config.worker.healthPort === null
      ? null
      : healthServer(scheduler, config.worker.tickMs, runtime.now());
  onShutdown(logger, async (reason) => {
    logger.info('worker stopping', { reason });
    const force = setTimeout(() => {
      logger.error('the current batch did not finish in time; exiting');
      process.exit(1);
    }, config.http.shutdownTimeoutMs);
    force.unref();
    // The running job sees the stop between two batches (texts: between two sends of a lane);
    // nothing is cut off mid-batch, and a text in flight is finished and recorded.
    await scheduler.stop().catch(() => undefined);
    await new Promise<void>((resolve) => (health ? health.close(() => resolve()) : resolve()));
    await runtime.close();
    clearTimeout(force);
    logger.info('worker stopped');
  });

  if (health) {
    const port = await listenOrExit(
      health,
      config.worker.healthPort ?? 0,
      'WORKER_HEALTH_PORT',
      logger,
      async () => {
        await scheduler.stop();
        await runtime.close();
      },
    );
    logger.info('worker health endpoint listening', { port });
  }
  logger.info('worker started', {
    database: config.embedded ? 'sqlite' : 'mysql',
    sms: deps.sms.kind,
    tickSeconds: config.worker.tickMs / 1000,
    ddayHour: config.worker.ddayHour,
  });
}

void main();
