import type { Config } from '../config';
import type { AppContext } from '../lib/context';
import { workerMetricsOf, type WorkerMetrics } from './metrics';
import { WorkerScan } from './scan-state';

/**
 * What the worker's jobs run on: a slice of the process's runtime (built by `bootstrap`), with
 * the worker's settings. Tests build it with a fake sender and their own settings.
 */
export interface WorkerDeps extends Pick<
  AppContext,
  'sequelize' | 'logger' | 'sms' | 'phones' | 'images'
> {
  settings: Config['worker'];
  /** How long one SENS call may take: a `sending` row older than this was interrupted. */
  smsTimeoutMs: number;
  /** What the jobs count (texts, alarms, ticks), on the process's metrics registry. */
  jobMetrics: WorkerMetrics;
}

/**
 * Where a job stops early when the process is asked to: between batches (texts: between two
 * sends), never inside one.
 */
export interface JobOptions {
  now: Date;
  signal?: AbortSignal;
}

export function createWorkerDeps(
  runtime: Pick<
    AppContext,
    'config' | 'sequelize' | 'logger' | 'sms' | 'phones' | 'images' | 'metrics'
  >,
  overrides: Partial<WorkerDeps> = {},
): WorkerDeps {
  // The worker's own table; the API never reads it, so it is not among the shared models.
  WorkerScan.initModel(runtime.sequelize);
  return {
    sequelize: runtime.sequelize,
    logger: runtime.logger,
    settings: runtime.config.worker,
    sms: runtime.sms,
    smsTimeoutMs: runtime.config.sms.timeoutMs,
    phones: runtime.phones,
    images: runtime.images,
    jobMetrics: workerMetricsOf(runtime.metrics.registry),
    ...overrides,
  };
}
