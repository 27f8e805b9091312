import { setTimeout as sleep } from 'node:timers/promises';
import { runDdayReminders } from './dday';
import type { JobOptions, WorkerDeps } from './deps';
import { runEndReminders } from './end';
import { runImageRemovals } from './image-removals';
import { runPrune } from './prune';
import type { ReminderDeps, ReminderResult, WindowOptions } from './reminders';
import { lastScan, recordScan } from './scan-state';
import { runSmsOutbox } from '../alarms/sms-outbox';
import { runStartReminders } from './start';
import { runWaitlistSweep } from './waitlists';

type ReminderJob = (deps: ReminderDeps, options: WindowOptions) => Promise<ReminderResult>;

/** In the order a tick runs them; the names key their scan marks in `WorkerScans`. */
export const REMINDER_JOBS: Array<[name: string, job: ReminderJob]> = [
  ['dday', runDdayReminders],
  ['start', runStartReminders],
  ['end', runEndReminders],
];

/** The alarm cap is kept by a grouped scan of the whole table: hourly is plenty. */
export const PRUNE_EVERY_MS = 60 * 60_000;

/** Images whose deletion the storage refused are tried again this often. */
export const IMAGE_REMOVALS_EVERY_MS = 10 * 60_000;

/**
 * Runs a reminder job over "since its last successful scan, up to now" and moves its mark on
 * only when the scan finished, so a failed or interrupted one is simply scanned again (the
 * unique keys make that harmless).
 */
export async function runReminderScan(
  deps: ReminderDeps,
  name: string,
  job: ReminderJob,
  { now, signal }: JobOptions,
): Promise<ReminderResult | null> {
  const since = await lastScan(name);
  // Another worker, or this one before a clock step back, has already scanned up to here.
  if (since && since >= now) return null;
  const result = await job(deps, { now, since, signal });
  if (!result.interrupted) await recordScan(name, now);
  return result;
}

/**
 * One tick: the three reminder scans, then the texts they queued (with the waitlist promotions'),
 * the waitlists of runs that started, then (every ten minutes) the queued image deletions and
 * (hourly) the alarm cap. A job that fails is logged and the next one
 * runs; the process never goes down for it.
 */
/** All the worker's deps but the database handle, which the jobs reach through the models. */
type TickDeps = Pick<
  WorkerDeps,
  'images' | 'jobMetrics' | 'logger' | 'phones' | 'settings' | 'sms' | 'smsTimeoutMs'
>;

export async function runTick(deps: TickDeps, { now, signal }: JobOptions): Promise<void> {
  const guarded = async (name: string, work: () => Promise<unknown>) => {
    if (signal?.aborted) return;
    try {
      await work();
    } catch (err) {
      deps.jobMetrics.jobFailures.inc({ job: name });
      deps.logger.error('worker job failed', { job: name, error: (err as Error).message });
    }
  };
  for (const [name, job] of REMINDER_JOBS) {
    await guarded(name, () => runReminderScan(deps, name, job, { now, signal }));
  }
  // A burst of texts yields after one tick period, so the next tick's reminders are not held
  // up behind it; the next tick goes on with the rest.
  await guarded('sms', () => runSmsOutbox(deps, { now, signal, budgetMs: deps.settings.tickMs }));
  await guarded('waitlists', () => runWaitlistSweep(deps, { now, signal }));
  await guarded('images', async () => {
    const last = await lastScan('images');
    if (last && now.getTime() - last.getTime() < IMAGE_REMOVALS_EVERY_MS) return;
    const result = await runImageRemovals(deps, { now, signal });
    if (!result.interrupted) await recordScan('images', now);
  });
  await guarded('prune', async () => {
    const last = await lastScan('prune');
    if (last && now.getTime() - last.getTime() < PRUNE_EVERY_MS) return;
    const result = await runPrune(deps, { now, signal });
    if (!result.interrupted) await recordScan('prune', now);
  });
}

export interface Scheduler {
  /** When the last tick finished; null before the first. */
  lastTickAt(): Date | null;
  /** Lets the running batch finish, then resolves; no tick starts after it is called. */
  stop(): Promise<void>;
}

/**
 * Ticks every WORKER_TICK_SECONDS, on the boundaries of that period (so :00 and :30 with the
 * default), with no cron library: the jobs scan windows, so the loop only has to come round
 * regularly, and the Korea-time rules live in the jobs rather than in a schedule's time zone.
 */
export function startScheduler(deps: TickDeps, clock: () => Date = () => new Date()): Scheduler {
  const controller = new AbortController();
  const { signal } = controller;
  let finished: Date | null = null;
  const { tickLag, tickDuration, lastTick } = deps.jobMetrics;

  const loop = async () => {
    // The first tick is planned for the start; each next one for its period boundary.
    let planned = clock().getTime();
    while (!signal.aborted) {
      const now = clock();
      tickLag.set(Math.max(0, now.getTime() - planned) / 1000);
      const timer = tickDuration.startTimer();
      await runTick(deps, { now, signal });
      timer();
      finished = clock();
      lastTick.set(finished.getTime() / 1000);
      const wait = deps.settings.tickMs - (clock().getTime() % deps.settings.tickMs);
      planned = clock().getTime() + wait;
      await sleep(wait, undefined, { signal }).catch(() => undefined);
    }
  };
  const running = loop().catch((err: Error) => {
    // runTick guards each job; this is a bug in the loop itself, so make it loud.
    deps.logger.error('worker loop stopped', { error: err.message, stack: err.stack });
    throw err;
  });

  return {
    lastTickAt: () => finished,
    async stop() {
      controller.abort();
      await running;
    },
  };
}
