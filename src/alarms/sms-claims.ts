import crypto from 'node:crypto';
import { Op } from 'sequelize';
import { Alarm, User } from '../db/models';
import type { JobOptions, WorkerDeps } from '../jobs/deps';
import type { SmsStatus } from './alarm.model';
import { dropQueuedTexts } from './alarms.queries';

/**
 * The outbox's records: an alarm row carries its text's state (`smsStatus`), and every change of
 * that state is a conditional UPDATE here, so any number of workers can share the table. The
 * send loop is `sms-outbox.ts`.
 */
export type ClaimDeps = Pick<WorkerDeps, 'logger' | 'settings' | 'smsTimeoutMs'>;

/**
 * How long after its claim a `sending` row is taken for interrupted: one SENS call (each claim
 * covers exactly one), plus a margin for clocks of different workers and a slow database.
 */
export function sendingLeaseMs(deps: Pick<WorkerDeps, 'smsTimeoutMs'>): number {
  return deps.smsTimeoutMs + 60_000;
}

/** The next batch of texts due at `now`, with the recipient's consent and stored number. */
export function dueTexts(
  settings: Pick<WorkerDeps['settings'], 'maxLatenessMs' | 'batchSize'>,
  now: JobOptions['now'],
): Promise<Alarm[]> {
  return Alarm.findAll({
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
}

/** Texts waiting in the outbox: due now or backing off before a retry (the backlog). */
export function countPendingTexts(): Promise<number> {
  return Alarm.count({ where: { smsStatus: 'pending' } });
}

/** A pending text that will not go out, and why; false when it was no longer pending. */
export async function skipText(alarm: Alarm, reason: string): Promise<boolean> {
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
export async function claimText(alarm: Alarm, now: Date, clock: () => Date): Promise<boolean> {
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

export interface Settlement {
  smsStatus: SmsStatus;
  smsError: string | null;
  sendPhone?: number;
  smsNextAttemptAt?: Date;
}

/** Records the end of a claimed row's turn (only while it is still this claim's). */
export async function settleText(alarm: Alarm, values: Settlement): Promise<boolean> {
  const [changed] = await Alarm.update(values, {
    where: {
      alarmId: alarm.alarmId,
      smsStatus: 'sending',
      smsClaimToken: alarm.smsClaimToken,
    },
  });
  return changed === 1;
}

/** Records a text that went out whoever holds its row now (it was taken back meanwhile). */
export async function recordSent(alarm: Alarm, values: Settlement): Promise<void> {
  await Alarm.update(values, { where: { alarmId: alarm.alarmId } });
}

/**
 * A row left `sending` past its lease belongs to a worker that died between its claim and
 * recording the outcome of that one SENS call. Its outcome was never recorded, so it goes back
 * to pending and is sent again (counting as an attempt, so a row that keeps bringing workers
 * down is given up after WORKER_SMS_MAX_ATTEMPTS). Texts SENS answered are recorded the moment
 * the answer comes, so the only text this can send twice is one SENS took whose answer the dead
 * worker never got to record (see README, "Notification worker").
 */
export async function requeueInterrupted(deps: ClaimDeps, now: Date): Promise<void> {
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
export async function dropLate(deps: ClaimDeps, now: Date): Promise<void> {
  const oldest = new Date(now.getTime() - deps.settings.maxLatenessMs);
  const count = await dropQueuedTexts(oldest, 'too late to send');
  if (count > 0) deps.logger.warn('texts too late to send were dropped', { count });
}
