import { Counter, Gauge, Histogram } from 'prom-client';
import { METRIC_PREFIX, metricsOnce } from '../lib/metrics';

const name = (suffix: string) => `${METRIC_PREFIX}worker_${suffix}`;

/**
 * The notification worker's metrics, on its process's registry (served by its health port at
 * `GET /metrics`). README, "Metrics", describes each.
 */
export const workerMetricsOf = metricsOnce((registry) => ({
  alarmsDue: new Counter<'category'>({
    name: name('alarms_due_total'),
    help: 'Reminder alarms found due by the scans (dday, start, end); ones another worker wrote first are ignored by the database.',
    labelNames: ['category'],
    registers: [registry],
  }),
  texts: new Counter<'outcome'>({
    name: name('texts_total'),
    help: 'Texts handled by the outbox, by outcome: sent, retried (failed, tried again later), failed (given up), skipped.',
    labelNames: ['outcome'],
    registers: [registry],
  }),
  outboxPending: new Gauge({
    name: name('outbox_pending'),
    help: 'Texts waiting in the outbox (pending rows, due or backing off), read after each outbox run.',
    registers: [registry],
  }),
  jobFailures: new Counter<'job'>({
    name: name('job_failures_total'),
    help: 'Jobs of a tick that failed (logged; the tick went on with the next job).',
    labelNames: ['job'],
    registers: [registry],
  }),
  tickLag: new Gauge({
    name: name('tick_lag_seconds'),
    help: 'How late the last tick started, after the instant it was planned for.',
    registers: [registry],
  }),
  tickDuration: new Histogram({
    name: name('tick_duration_seconds'),
    help: 'How long a whole tick (every job) took.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  }),
  lastTick: new Gauge({
    name: name('last_tick_timestamp_seconds'),
    help: 'When the last tick finished (Unix time); compare with time() for a stalled loop.',
    registers: [registry],
  }),
}));

export type WorkerMetrics = ReturnType<typeof workerMetricsOf>;
