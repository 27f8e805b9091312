import { performance } from 'node:perf_hooks';
import type { Alarm, User } from '../db/models';
import type { JobOptions, WorkerDeps } from '../jobs/deps';
import { normalizeMobile } from '../lib/phone';
import { SmsError } from '../sms';
import {
  claimText,
  countPendingTexts,
  dropLate,
  dueTexts,
  recordSent,
  requeueInterrupted,
  settleText,
  skipText,
  type ClaimDeps,
} from './sms-claims';
import { reminderText } from './texts';

/** What the outbox uses of the worker's dependencies. */
export type OutboxDeps = ClaimDeps & Pick<WorkerDeps, 'jobMetrics' | 'sms' | 'phones'>;

export interface OutboxResult {
  sent: number;
  retried: number;
  failed: number;
  skipped: number;
  interrupted: boolean;
  /** The time budget ran out with texts still due; the next run goes on with them. */
  unfinished: boolean;
}

/** SENS answered that it took nothing, so trying again cannot make a second text. */
const RETRY_STATUSES = new Set([429, 500, 502, 503]);
/** Never connected: nothing reached SENS. */
const NOT_CONNECTED = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN)\b/;

/**
 * Whether a failed send may be tried again without risking a second text. A timeout, a dropped
 * connection or a 504 may come after SENS accepted the message (its API has no idempotency key),
 * so those are given up rather than risk a duplicate, as are refusals (4xx) that would only
 * repeat.
 */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof SmsError)) return false;
  if (err.status !== undefined) return RETRY_STATUSES.has(err.status);
  return NOT_CONNECTED.test(err.message);
}

/** Runs `work` over the items in `lanes` parallel lanes; a lane stops when `stop()` says so. */
async function inLanes<T>(
  items: T[],
  lanes: number,
  stop: () => boolean,
  work: (item: T) => Promise<void>,
) {
  let next = 0;
  const lane = async () => {
    while (next < items.length && !stop()) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
}

/** A due row, with what is needed to send it. */
interface Sendable {
  alarm: Alarm;
  to: string;
}

/**
 * Sends the queued texts of worker alarms. The alarm row is the outbox record: right before each
 * SENS call a worker claims that one row with a conditional UPDATE (pending and due → sending,
 * stamped with its claim token), so with any number of workers exactly one of them sends each
 * text, and no row is `sending` unless its call is in flight. The result is recorded on the same
 * row as soon as SENS answers (`sendPhone` 1 SMS / 2 LMS); a row whose worker died before that
 * goes back to pending once its lease is over (see {@link requeueInterrupted}).
 * Failures SENS certainly did not take are retried with doubling backoff, up to
 * WORKER_SMS_MAX_ATTEMPTS tries in all; a text not out within the maximum lateness of its alarm
 * is dropped. One bad row is logged and skipped; the job goes on.
 */
export async function runSmsOutbox(
  deps: OutboxDeps,
  { now, signal, budgetMs = Infinity }: JobOptions & { budgetMs?: number },
): Promise<OutboxResult> {
  const { settings, logger } = deps;
  const started = performance.now();
  // The job's `now`, moved on by the time it has been running: claims are dated truly even when
  // a long round of sends runs well past the tick that started it.
  const clock = () => new Date(now.getTime() + (performance.now() - started));
  const result: OutboxResult = {
    sent: 0,
    retried: 0,
    failed: 0,
    skipped: 0,
    interrupted: false,
    unfinished: false,
  };
  const outOfTime = () => performance.now() - started >= budgetMs;
  const count = (outcome: 'sent' | 'retried' | 'failed' | 'skipped') => {
    result[outcome] += 1;
    deps.jobMetrics.texts.inc({ outcome });
  };

  await requeueInterrupted(deps, now);
  await dropLate(deps, now);

  const seen = new Set<string>();
  for (;;) {
    const due = await dueTexts(settings, now);
    // A row still pending after its turn in this run (its result could not be stored) waits for
    // the next run rather than looping here.
    const fresh = due.filter((alarm) => !seen.has(alarm.alarmId));
    if (fresh.length === 0) break;
    const sendable: Sendable[] = [];
    for (const alarm of fresh) {
      seen.add(alarm.alarmId);
      const reason = checkRecipient(deps, alarm);
      if (typeof reason === 'string') {
        logger.info('text skipped', {
          alarmId: alarm.alarmId,
          category: alarm.category,
          reason,
        });
        if (await skipText(alarm, reason)) count('skipped');
      } else {
        sendable.push({ alarm, to: reason.to });
      }
    }
    // Each lane claims one row right before its SENS call and records the outcome right after
    // it, so no more rows are `sending` than there are calls in flight.
    const stop = () => Boolean(signal?.aborted) || outOfTime();
    await inLanes(sendable, settings.smsConcurrency, stop, async (item) => {
      try {
        if (await claimText(item.alarm, now, clock)) count(await send(deps, item, now));
      } catch (err) {
        logger.error('text result not recorded', {
          alarmId: item.alarm.alarmId,
          error: (err as Error).message,
        });
      }
    });
    if (signal?.aborted) {
      result.interrupted = true;
      break;
    }
    if (outOfTime()) {
      result.unfinished = true;
      break;
    }
    if (due.length < settings.batchSize) break;
  }
  if (result.sent + result.retried + result.failed + result.skipped > 0) {
    logger.info('texts processed', { ...result });
  }
  deps.jobMetrics.outboxPending.set(await countPendingTexts());
  return result;
}

/**
 * Consent and number are read when the text goes, not when the alarm was written: either may
 * have changed. Returns where to send it, or why not.
 */
function checkRecipient(deps: OutboxDeps, alarm: Alarm): { to: string } | string {
  const user = alarm.get('user') as User | null;
  if (!user) return 'recipient no longer exists';
  if (!user.agreeSMS) return 'no SMS consent';
  if (!user.phone) return 'no phone number';
  let to: string | null;
  try {
    to = normalizeMobile(deps.phones.decrypt(user.phone));
  } catch {
    return 'stored phone number cannot be read';
  }
  return to ? { to } : 'stored phone number is not a mobile number';
}

type Outcome = 'sent' | 'retried' | 'failed' | 'skipped';

async function send(deps: OutboxDeps, { alarm, to }: Sendable, now: Date): Promise<Outcome> {
  const { settings, logger } = deps;
  const attempt = alarm.smsAttempts;
  let type: 'SMS' | 'LMS';
  try {
    ({ type } = await deps.sms.send({ to, content: reminderText(alarm, settings.spaUrl) }));
  } catch (err) {
    const error = (err as Error).message.slice(0, 255);
    if (!isRetryable(err) || attempt >= settings.smsMaxAttempts) {
      logger.warn('text given up', { alarmId: alarm.alarmId, attempt, error });
      await settleText(alarm, { smsStatus: 'failed', smsError: error });
      return 'failed';
    }
    const retryAt = new Date(now.getTime() + settings.smsBackoffMs * 2 ** (attempt - 1));
    logger.warn('text failed; will retry', { alarmId: alarm.alarmId, attempt, error });
    await settleText(alarm, { smsStatus: 'pending', smsError: error, smsNextAttemptAt: retryAt });
    return 'retried';
  }

  if (deps.sms.kind === 'log') {
    // Only written to the log: `sendPhone` counts what SENS accepted (the bill), so it stays 0.
    await settleText(alarm, {
      smsStatus: 'skipped',
      smsError: 'SENS is not configured (logged only)',
    });
    return 'skipped';
  }
  const sent = { smsStatus: 'sent' as const, smsError: null, sendPhone: type === 'LMS' ? 2 : 1 };
  if (!(await settleText(alarm, sent))) {
    // Taken back as interrupted by another worker meanwhile; the text did go out, so say so.
    await recordSent(alarm, sent);
  }
  logger.info('text sent', { alarmId: alarm.alarmId, category: alarm.category, type, attempt });
  return 'sent';
}
