import type { RequestHandler } from 'express';
import { Counter, Histogram } from 'prom-client';
import type { AppContext } from './context';
import { METRIC_PREFIX, metricsOnce } from './metrics';

type Labels = 'method' | 'route' | 'status';

/** The API's request metrics, on the process's registry (shared by every app built on it). */
const httpMetricsOf = metricsOnce((registry) => ({
  requests: new Counter<Labels>({
    name: `${METRIC_PREFIX}http_requests_total`,
    help: 'HTTP requests answered, by method, route template and status.',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  }),
  duration: new Histogram<Labels>({
    name: `${METRIC_PREFIX}http_request_duration_seconds`,
    help: 'Time from a request arriving to its answer being sent, by method, route template and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  }),
}));

/** The label of requests answered before any route matched (404, the per-IP limits, …). */
export const UNMATCHED_ROUTE = 'unmatched';

/** Methods outside this set share one label, so clients cannot grow the series. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Counts and times every request by its route TEMPLATE (`/group/detail/:groupId`, never the
 * path with its ids), so the number of series stays bounded whatever clients send. The template
 * is taken when the router matches the route (the mount path as it is at that moment, plus the
 * route's path): an error thrown by the handler leaves the router, which resets `baseUrl`
 * before the answer is sent. Static files are labelled by their mount (`/assets/*`).
 */
export function httpMetrics(ctx: Pick<AppContext, 'metrics'>): RequestHandler {
  const { requests, duration } = httpMetricsOf(ctx.metrics.registry);
  return (req, res, next) => {
    const stop = duration.startTimer();
    let route: unknown;
    let template: string | undefined;
    Object.defineProperty(req, 'route', {
      configurable: true,
      enumerable: true,
      get: () => route,
      set(value: { path?: unknown } | undefined) {
        route = value;
        if (value && typeof value.path === 'string') {
          // A router's own root (`/health` + `/`) is named by its mount alone.
          template =
            value.path === '/' && req.baseUrl ? req.baseUrl : `${req.baseUrl}${value.path}`;
        }
      },
    });
    res.once('finish', () => {
      const labels = {
        method: METHODS.has(req.method) ? req.method : 'OTHER',
        route: template ?? (req.baseUrl ? `${req.baseUrl}/*` : UNMATCHED_ROUTE),
        status: String(res.statusCode),
      };
      requests.inc(labels);
      stop(labels);
    });
    next();
  };
}
