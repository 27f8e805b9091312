import http from 'node:http';
import { bootstrap, type Runtime } from './bootstrap';
import { METRICS_UNAUTHORIZED, metricsAuthorized } from './lib/metrics';
import { listenOrExit, onShutdown, startRuntime } from './lib/process';
import { createWorkerDeps } from './jobs/deps';
import { startScheduler, type Scheduler } from './jobs/scheduler';

/** `GET /metrics` of the worker: its registry, behind `METRICS_TOKEN` when one is set. */
async function serveMetrics(runtime: Runtime, req: http.IncomingMessage, res: http.ServerResponse) {
  const { config, metrics } = runtime;
  if (!metricsAuthorized(config.metrics.token, req.headers.authorization)) {
    res.writeHead(401, {
      'Content-Type': 'application/json; charset=utf-8',
      'WWW-Authenticate': 'Bearer realm="metrics"',
    });
    res.end(JSON.stringify({ success: false, message: METRICS_UNAUTHORIZED }));
    return;
  }
  const body = await metrics.registry.metrics();
  res.writeHead(200, { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' });
  res.end(body);
}

/**
 * The worker's health port. `GET /health`: 200 while ticks keep finishing, 503 once the last
 * one is more than three periods old (a wedged loop or a database that stopped answering).
 * `GET /metrics` (unless METRICS_ENABLED=false): its Prometheus metrics.
 */
function healthServer(runtime: Runtime, scheduler: Scheduler, startedAt: Date): http.Server {
  const tickMs = runtime.config.worker.tickMs;
  return http.createServer((req, res) => {
    if (req.url === '/metrics' && runtime.config.metrics.enabled) {
      serveMetrics(runtime, req, res).catch(() => {
        res.writeHead(500).end();
      });
      return;
    }
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
    config.worker.healthPort === null ? null : healthServer(runtime, scheduler, runtime.now());
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
