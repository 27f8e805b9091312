import type { Sequelize, Transaction } from 'sequelize';
import type { SmsStatus } from './alarm.model';
import { Alarm } from '../db/models';
import type { AppContext } from '../lib/context';
import {
  deleteAlarmsFrom,
  firstAlarmPast,
  insertAlarms,
  newestAlarms,
  type AlarmRecord,
} from './alarms.queries';

/** How many notifications a user keeps: the newest ones; older ones are deleted on write. */
export const ALARM_CAP = 100;

/**
 * The categories the SPA renders (`start`/`Dday`/`end` come from the worker, with a role), and
 * `waitlist` (a promotion from a waitlist), which the SPA's list skips (see README, "Waitlist").
 */
export type AlarmCategory =
  'comment' | 'recomment' | 'update' | 'delete' | 'Dday' | 'start' | 'end' | 'waitlist';

/** One notification to write. Ids and titles are snapshots: an alarm outlives its post. */
export interface NewAlarm {
  /** The recipient. */
  userId: string;
  category: AlarmCategory;
  groupId?: string | null;
  groupTitle?: string | null;
  courseId?: string | null;
  courseTitle?: string | null;
  /** Who caused it (the commenter, the replier); the recipient's own nickname for worker alarms. */
  nickname?: string | null;
  /** `host` or `attendance` for the worker's alarms. */
  role?: string | null;
  /** The parent comment of a `recomment` alarm (its content is shown with the alarm). */
  commentId?: string | null;
  /** 0 nothing sent, 1 SMS, 2 LMS. */
  sendPhone?: number;
  /** A text that belongs to the alarm: `pending` queues it for the worker's outbox. */
  smsStatus?: SmsStatus | null;
  /** Why no text goes out (`skipped`). */
  smsError?: string | null;
}

/**
 * Writes alarms and keeps each recipient's newest {@link ALARM_CAP}. Called by every domain that
 * notifies (comments, group edits and deletes, the notification worker) inside its own
 * transaction, so the alarms commit or roll back with the change they announce:
 *
 *   await createAlarms(rows, { transaction, now });
 *
 * `now` is the creation time (the caller's clock, so tests and the worker's catch-up runs date
 * alarms consistently). Rows are written as given: choosing recipients (once each, not the
 * actor) is the caller's business, see {@link recipientsExcept}.
 */
export async function createAlarms(
  rows: NewAlarm[],
  options: { transaction?: Transaction; now: Date },
): Promise<void> {
  if (rows.length === 0) return;
  const { transaction, now } = options;
  const sequelize = alarmsDb();
  await insertAlarms(
    sequelize,
    rows.map((row) => ({
      ...row,
      createdAt: now,
      smsNextAttemptAt: row.smsStatus === 'pending' ? now : null,
    })),
    transaction,
  );
  for (const userId of new Set(rows.map((r) => r.userId))) {
    await trimAlarms(userId, transaction);
  }
}

/**
 * Deletes what lies beyond the user's newest ALARM_CAP alarms: finds the first alarm past the
 * cap, then deletes it and everything older. Two indexed statements that MySQL 5.7+, MariaDB
 * and SQLite all run (MySQL refuses LIMIT inside an IN subquery, and window functions would
 * exclude MySQL 5.7); the first is a plain read, so a user under the cap costs no lock.
 */
export async function trimAlarms(userId: string, transaction?: Transaction): Promise<void> {
  const sequelize = alarmsDb();
  const firstDropped = await firstAlarmPast(sequelize, userId, ALARM_CAP, transaction);
  if (firstDropped) await deleteAlarmsFrom(sequelize, userId, firstDropped, transaction);
}

/** The Sequelize instance the alarms live in (the models'; set once the models are). */
function alarmsDb(): Sequelize {
  const sequelize = Alarm.sequelize;
  if (!sequelize) throw new Error('the models are not initialised');
  return sequelize;
}

/** The distinct candidates other than the actor: nobody is notified twice or of their own act. */
export function recipientsExcept(actorId: string, ...candidates: string[]): string[] {
  return [...new Set(candidates)].filter((userId) => userId !== actorId);
}

/**
 * The user's newest alarms (at most the cap, even if older rows are still waiting to be
 * trimmed), a reply alarm with its parent comment's content.
 */
export function listAlarms(
  ctx: Pick<AppContext, 'sequelize'>,
  userId: string,
): Promise<AlarmRecord[]> {
  return newestAlarms(ctx.sequelize, userId, ALARM_CAP);
}

/** Marks all of the user's alarms read. */
export async function markAllRead(userId: string): Promise<void> {
  await Alarm.update({ check: true }, { where: { userId, check: false } });
}
