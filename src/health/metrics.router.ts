import { Router } from 'express';
import type { AppContext } from '../lib/context';
import { METRICS_UNAUTHORIZED, metricsAuthorized } from '../lib/metrics';

/**
 * `GET /metrics`: the metrics in Prometheus' text format (the process's registry, or in a
 * cluster every API process's added up; 503 when those could not be gathered in time). With
 * `METRICS_TOKEN` set, a scrape without `Authorization: Bearer <token>` is refused (401) before
 * anything is collected.
 */
export function metricsRouter(ctx: Pick<AppContext, 'config' | 'metrics'>): Router {
  const router = Router();
  const { registry, exposition } = ctx.metrics;
  router.get('/', async (req, res) => {
    if (!metricsAuthorized(ctx.config.metrics.token, req.headers.authorization)) {
      res.set('WWW-Authenticate', 'Bearer realm="metrics"');
      res.status(401).json({ success: false, message: METRICS_UNAUTHORIZED });
      return;
    }
    const body = await exposition();
    res.set('Content-Type', registry.contentType).set('Cache-Control', 'no-store').send(body);
  });
  return router;
}
