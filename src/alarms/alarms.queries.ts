import { randomUUID } from 'node:crypto';
import { literal, Op, QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { writeAnnounced } from '../db/plain-writes';
import { storedInstant } from '../lib/time';
import { Alarm } from '../db/models';
import type { NewAlarm } from './alarms.service';

/** An alarm as the list shows it. */
export interface AlarmRecord {
  alarmId: string;
  userId: string;
  category: string;
  courseId: string | null;
  courseTitle: string | null;
  groupId: string | null;
  groupTitle: string | null;
  nickname: string | null;
  role: string | null;
  check: boolean;
  commentId: string | null;
  createdAt: Date;
  /** A reply alarm's parent comment content (null once the comment is gone, or not a reply). */
  commentContent: string | null;
}

/**
 * The user's newest `limit` alarms in one statement answering plain rows (no model instances:
 * `/alarm` is read on every page of the SPA). A reply alarm also carries its parent comment's
 * content, read by a subquery on the comment's primary key rather than one query per alarm.
 */
export async function newestAlarms(
  sequelize: Sequelize,
  userId: string,
  limit: number,
): Promise<AlarmRecord[]> {
  const rows = await sequelize.query<
    Omit<AlarmRecord, 'check' | 'createdAt'> & {
      check: boolean | number | string;
      createdAt: Date | string;
    }
  >(
    'SELECT `a`.`alarmId`, `a`.`userId`, `a`.`category`, `a`.`courseId`, `a`.`courseTitle`, ' +
      '`a`.`groupId`, `a`.`groupTitle`, `a`.`nickname`, `a`.`role`, `a`.`check`, ' +
      '`a`.`commentId`, `a`.`createdAt`, ' +
      "(CASE WHEN `a`.`category` = 'recomment' THEN (SELECT `c`.`content` FROM `Comments` AS `c` " +
      'WHERE `c`.`commentId` = `a`.`commentId`) END) AS `commentContent` ' +
      'FROM `Alarms` AS `a` WHERE `a`.`userId` = ? ' +
      'ORDER BY `a`.`createdAt` DESC, `a`.`alarmId` DESC LIMIT ?',
    { type: QueryTypes.SELECT, replacements: [userId, limit] },
  );
  return rows.map((row) => ({
    ...row,
    check: Boolean(Number(row.check)),
    createdAt: storedInstant(row.createdAt),
    commentContent: row.commentContent ?? null,
  }));
}

/**
 * Gives up the texts still queued for alarms created at or before `createdBy`: `skipped` when
 * never tried, `failed` otherwise. Returns how many.
 */
export async function dropQueuedTexts(createdBy: Date, reason: string): Promise<number> {
  const [count] = await Alarm.update(
    {
      smsStatus: literal("CASE WHEN `smsAttempts` = 0 THEN 'skipped' ELSE 'failed' END"),
      smsError: reason,
    },
    { where: { smsStatus: 'pending', createdAt: { [Op.lte]: createdBy } } },
  );
  return count;
}

/** One alarm row to insert: the notification, dated, as the model's defaults complete it. */
export interface AlarmInsert extends NewAlarm {
  smsNextAttemptAt?: Date | null;
  createdAt: Date;
}

/** The columns `insertAlarms` writes, in its VALUES order. */
const INSERTED_COLUMNS = [
  'alarmId',
  'userId',
  'category',
  'courseId',
  'courseTitle',
  'groupId',
  'groupTitle',
  'nickname',
  'role',
  'check',
  'commentId',
  'sendPhone',
  'dedupeKey',
  'smsStatus',
  'smsAttempts',
  'smsNextAttemptAt',
  'smsClaimedAt',
  'smsClaimToken',
  'smsError',
  'createdAt',
  'updatedAt',
]
  .map((column) => `\`${column}\``)
  .join(', ');

/**
 * Adds alarms in one multi-row INSERT of plain SQL announced to the write hooks (no model
 * instances), each row as `Alarm.bulkCreate` writes it: a random UUID v4 id, unread, no dedupe
 * key, no SMS attempt or claim, `sendPhone` 0 unless given, `createdAt` the caller's clock and
 * `updatedAt` the process's, both in the connection's time zone (`sequelize.escape`).
 */
export async function insertAlarms(
  sequelize: Sequelize,
  rows: readonly AlarmInsert[],
  transaction: Transaction | undefined,
): Promise<void> {
  if (rows.length === 0) return;
  const updatedAt = sequelize.escape(new Date());
  const replacements: unknown[] = [];
  const values = rows.map((row) => {
    replacements.push(
      randomUUID(),
      row.userId,
      row.category,
      row.courseId ?? null,
      row.courseTitle ?? null,
      row.groupId ?? null,
      row.groupTitle ?? null,
      row.nickname ?? null,
      row.role ?? null,
      row.commentId ?? null,
      row.sendPhone ?? 0,
      row.smsStatus ?? null,
    );
    const next = row.smsNextAttemptAt ? sequelize.escape(row.smsNextAttemptAt) : 'NULL';
    replacements.push(row.smsError ?? null);
    return (
      '(?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, NULL, ?, 0, ' +
      `${next}, NULL, NULL, ?, ${sequelize.escape(row.createdAt)}, ${updatedAt})`
    );
  });
  await writeAnnounced(
    sequelize,
    Alarm,
    `INSERT INTO \`Alarms\` (${INSERTED_COLUMNS}) VALUES ${values.join(', ')}`,
    replacements,
    transaction,
  );
}

/**
 * The newest alarm of the user past the first `kept` in the list's order (newest first, then by
 * id: the same order decides which alarms the cap keeps), the first one a cap of `kept` drops, as
 * stored: its id and its `createdAt` as the driver answers it (given back unchanged to
 * {@link deleteAlarmsFrom}, so it compares equal on every dialect), or null when the user has
 * `kept` alarms or fewer. A plain read through the (userId, createdAt) index: it locks nothing.
 */
export async function firstAlarmPast(
  sequelize: Sequelize,
  userId: string,
  kept: number,
  transaction: Transaction | undefined,
): Promise<{ alarmId: string; createdAt: unknown } | null> {
  const [row] = await sequelize.query<{ alarmId: string; createdAt: unknown }>(
    'SELECT `alarmId`, `createdAt` FROM `Alarms` WHERE `userId` = ? ' +
      'ORDER BY `createdAt` DESC, `alarmId` DESC LIMIT 1 OFFSET ?',
    { type: QueryTypes.SELECT, replacements: [userId, kept], transaction },
  );
  return row ?? null;
}

/**
 * Deletes the user's alarm `first` (from {@link firstAlarmPast}) and every one older (in the
 * newest-first order), announced to the write hooks.
 */
export async function deleteAlarmsFrom(
  sequelize: Sequelize,
  userId: string,
  first: { alarmId: string; createdAt: unknown },
  transaction: Transaction | undefined,
): Promise<void> {
  // Inlined by `sequelize.escape`, in the connection's time zone (replacements format a date in
  // UTC); SQLite's stored text goes back as it came.
  const at = sequelize.escape(first.createdAt as string | Date);
  await writeAnnounced(
    sequelize,
    Alarm,
    'DELETE FROM `Alarms` WHERE `userId` = ? AND ' +
      `(\`createdAt\` < ${at} OR (\`createdAt\` = ${at} AND \`alarmId\` <= ?))`,
    [userId, first.alarmId],
    transaction,
  );
}
