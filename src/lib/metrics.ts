import crypto from 'node:crypto';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics of one process, on a registry of its own (never prom-client's global one),
 * so several apps or test files in one process never share or collide on a metric. Built once
 * by `bootstrap`; what only one kind of process records (HTTP and chat in the API, the jobs in
 * the worker) is added to the same registry by {@link metricsOnce}. README, "Metrics", lists
 * every name.
 */
export interface Metrics {
  readonly registry: Registry;
  /**
   * The text a scrape gets: this registry's, or in a cluster every API process's added up
   * (lib/cluster-metrics.ts).
   */
  readonly exposition: () => Promise<string>;
  /** Lookups answered from a cache, by cache name (`group_lists`, `course_ranking`). */
  readonly cacheHits: Counter<'cache'>;
  /** Lookups that had to read the database, by cache name. */
  readonly cacheMisses: Counter<'cache'>;
  /** Key-store failures that were caught and worked around (fail open), by where they happened. */
  readonly keyStoreErrors: Counter<'operation'>;
}

export const METRIC_PREFIX = 'erunjrun_';

/** The registry and the metrics every process records. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  // The process defaults keep prom-client's standard names (process_*, nodejs_*), which the
  // usual Node.js dashboards expect.
  collectDefaultMetrics({ register: registry });
  const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
    new Counter<L>({ name: `${METRIC_PREFIX}${name}`, help, labelNames, registers: [registry] });
  return {
    registry,
    exposition: () => registry.metrics(),
    cacheHits: counter('cache_hits_total', 'Lookups answered from a cache.', ['cache']),
    cacheMisses: counter('cache_misses_total', 'Lookups a cache had to read anew.', ['cache']),
    keyStoreErrors: counter(
      'keystore_errors_total',
      'Key-store failures caught and worked around (fail open).',
      ['operation'],
    ),
  };
}

/**
 * Metrics that one part of a process adds to its registry, built the first time that part asks
 * and shared after (several apps or workers on one context record into the same ones).
 */
export function metricsOnce<T>(build: (registry: Registry) => T): (registry: Registry) => T {
  const built = new WeakMap<Registry, T>();
  return (registry) => {
    let metrics = built.get(registry);
    if (metrics === undefined) {
      metrics = build(registry);
      built.set(registry, metrics);
    }
    return metrics;
  };
}

/** The answer to a scrape without the right `METRICS_TOKEN` (401). */
export const METRICS_UNAUTHORIZED = '메트릭을 조회할 권한이 없습니다.';

const digest = (value: string) => crypto.createHash('sha256').update(value).digest();

/**
 * Whether a scrape may read the metrics: always when no token is set, otherwise only with
 * `Authorization: Bearer <token>`. Compared in constant time (as digests of equal length, so
 * neither the token's content nor its length shows in the timing).
 */
export function metricsAuthorized(token: string | null, authorization: string | undefined) {
  if (token === null) return true;
  const given = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '')?.[1] ?? '';
  return crypto.timingSafeEqual(digest(given), digest(token));
}
