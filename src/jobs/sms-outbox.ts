import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Op, literal } from 'sequelize';
import { Alarm, User } from '../db/models';
import type { SmsStatus } from '../alarms/alarm.model';
import { normalizeMobile } from '../lib/phone';
import { SmsError } from '../sms';
import type { JobOptions, WorkerDeps } from './deps';
import { reminderText } from './texts';

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

/**
 * How long after its claim a `sending` row is taken for interrupted: one SENS call (each claim
 * covers exactly one), plus a margin for clocks of different workers and a slow database.
 */
export function sendingLeaseMs(deps: Pick<WorkerDeps, 'smsTimeoutMs'>): number {
  return deps.smsTimeoutMs + 60_000;
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
  deps: WorkerDeps,
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
  };

  await requeueInterrupted(deps, now);
  await dropLate(deps, now);

  const seen = new Set<string>();
  for (;;) {
    const due = await Alarm.findAll({
      where: {
        smsStatus: 'pending',
        smsNextAttemptAt: { [Op.lte]: now },
        createdAt: { [Op.gt]: new Date(now.getTime() - settings.maxLatenessMs) },
      },
      include: [{ model: User, as: 'user', attributes: ['phone', 'agreeSMS'], required: false }],
      order: [
        ['smsNextAttemptAt', 'ASC'],
        ['alarmId', 'ASC'],
      ],
      limit: settings.batchSize,
    });
    // A row still pending after its turn in this run (its result could not be stored) waits for
    // the next run rather than looping here.
    const fresh = due.filter((alarm) => !seen.has(alarm.alarmId));
    if (fresh.length === 0) break;
    const sendable: Sendable[] = [];
    for (const alarm of fresh) {
      seen.add(alarm.alarmId);
      const reason = checkRecipient(deps, alarm);
      if (typeof reason === 'string') {
        if (await skip(deps, alarm, reason)) count('skipped');
      } else {
        sendable.push({ alarm, to: reason.to });
      }
    }
    // Each lane claims one row right before its SENS call and records the outcome right after
    // it, so no more rows are `sending` than there are calls in flight.
    const stop = () => Boolean(signal?.aborted) || outOfTime();
    await inLanes(sendable, settings.smsConcurrency, stop, async (item) => {
      try {
        if (await claim(item, now, clock)) count(await send(deps, item, now));
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
  return result;
}

/**
 * Consent and number are read when the text goes, not when the alarm was written: either may
 * have changed. Returns where to send it, or why not.
 */
function checkRecipient(deps: WorkerDeps, alarm: Alarm): { to: string } | string {
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

async function skip(deps: WorkerDeps, alarm: Alarm, reason: string): Promise<boolean> {
  deps.logger.info('text skipped', { alarmId: alarm.alarmId, category: alarm.category, reason });
  const [changed] = await Alarm.update(
    { smsStatus: 'skipped', smsError: reason },
    { where: { alarmId: alarm.alarmId, smsStatus: 'pending' } },
  );
  return changed === 1;
}

/**
 * Takes one row for this worker's next SENS call: a conditional UPDATE (still pending, due, and
 * with the attempt count it was read with) stamped with a fresh token. False when another worker
 * took or changed it first.
 */
async function claim({ alarm }: Sendable, now: Date, clock: () => Date): Promise<boolean> {
  const token = crypto.randomUUID();
  const attempts = alarm.smsAttempts + 1;
  const [changed] = await Alarm.update(
    { smsStatus: 'sending', smsClaimToken: token, smsClaimedAt: clock(), smsAttempts: attempts },
    {
      where: {
        alarmId: alarm.alarmId,
        smsStatus: 'pending',
        smsAttempts: alarm.smsAttempts,
        smsNextAttemptAt: { [Op.lte]: now },
      },
    },
  );
  if (changed !== 1) return false;
  // Local copies of what the claim wrote, for the send and its record.
  alarm.smsAttempts = attempts;
  alarm.smsClaimToken = token;
  return true;
}

/** Records the end of a claimed row's turn (only while it is still this claim's). */
async function settle(
  alarm: Alarm,
  values: {
    smsStatus: SmsStatus;
    smsError: string | null;
    sendPhone?: number;
    smsNextAttemptAt?: Date;
  },
): Promise<boolean> {
  const [changed] = await Alarm.update(values, {
    where: {
      alarmId: alarm.alarmId,
      smsStatus: 'sending',
      smsClaimToken: alarm.smsClaimToken,
    },
  });
  return changed === 1;
}

type Outcome = 'sent' | 'retried' | 'failed' | 'skipped';

async function send(deps: WorkerDeps, { alarm, to }: Sendable, now: Date): Promise<Outcome> {
  const { settings, logger } = deps;
  const attempt = alarm.smsAttempts;
  let type: 'SMS' | 'LMS';
  try {
    ({ type } = await deps.sms.send({ to, content: reminderText(alarm, settings.spaUrl) }));
  } catch (err) {
    const error = (err as Error).message.slice(0, 255);
    if (!isRetryable(err) || attempt >= settings.smsMaxAttempts) {
      logger.warn('text given up', { alarmId: alarm.alarmId, attempt, error });
      await settle(alarm, { smsStatus: 'failed', smsError: error });
      return 'failed';
    }
    const retryAt = new Date(now.getTime() + settings.smsBackoffMs * 2 ** (attempt - 1));
    logger.warn('text failed; will retry', { alarmId: alarm.alarmId, attempt, error });
    await settle(alarm, { smsStatus: 'pending', smsError: error, smsNextAttemptAt: retryAt });
    return 'retried';
  }

  if (deps.sms.kind === 'log') {
    // Only written to the log: `sendPhone` counts what SENS accepted (the bill), so it stays 0.
    await settle(alarm, { smsStatus: 'skipped', smsError: 'SENS is not configured (logged only)' });
    return 'skipped';
  }
  const sent = { smsStatus: 'sent' as const, smsError: null, sendPhone: type === 'LMS' ? 2 : 1 };
  if (!(await settle(alarm, sent))) {
    // Taken back as interrupted by another worker meanwhile; the text did go out, so say so.
    await Alarm.update(sent, { where: { alarmId: alarm.alarmId } });
  }
  logger.info('text sent', { alarmId: alarm.alarmId, category: alarm.category, type, attempt });
  return 'sent';
}

/**
 * A row left `sending` past its lease belongs to a worker that died between its claim and
 * recording the outcome of that one SENS call. Its outcome was never recorded, so it goes back
 * to pending and is sent again (counting as an attempt, so a row that keeps bringing workers
 * down is given up after WORKER_SMS_MAX_ATTEMPTS). Texts SENS answered are recorded the moment
 * the answer comes, so the only text this can send twice is one SENS took whose answer the dead
 * worker never got to record (see README, "Notification worker").
 */
async function requeueInterrupted(deps: WorkerDeps, now: Date): Promise<void> {
  const { settings, logger } = deps;
  const expired = {
    smsStatus: 'sending',
    smsClaimedAt: { [Op.lt]: new Date(now.getTime() - sendingLeaseMs(deps)) },
  };
  const [requeued] = await Alarm.update(
    { smsStatus: 'pending', smsError: 'interrupted while sending', smsNextAttemptAt: now },
    { where: { ...expired, smsAttempts: { [Op.lt]: settings.smsMaxAttempts } } },
  );
  const [givenUp] = await Alarm.update(
    { smsStatus: 'failed', smsError: 'interrupted while sending; attempts used up' },
    { where: { ...expired, smsAttempts: { [Op.gte]: settings.smsMaxAttempts } } },
  );
  if (requeued > 0) logger.warn('interrupted texts queued again', { count: requeued });
  if (givenUp > 0) logger.warn('interrupted texts given up', { count: givenUp });
}

/** Texts still queued once their alarm is older than the maximum lateness go unsent. */
async function dropLate(deps: WorkerDeps, now: Date): Promise<void> {
  const [count] = await Alarm.update(
    {
      smsStatus: literal("CASE WHEN `smsAttempts` = 0 THEN 'skipped' ELSE 'failed' END"),
      smsError: 'too late to send',
    },
    {
      where: {
        smsStatus: 'pending',
        createdAt: { [Op.lte]: new Date(now.getTime() - deps.settings.maxLatenessMs) },
      },
    },
  );
  if (count > 0) deps.logger.warn('texts too late to send were dropped', { count });
}
