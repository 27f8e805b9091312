import { literal, Op, QueryTypes, type Sequelize } from 'sequelize';
import { storedInstant } from '../lib/time';
import { Alarm } from '../db/models';

/** The newest first; the same order decides which alarms the cap keeps. */
export const NEWEST_FIRST: [string, string][] = [
  ['createdAt', 'DESC'],
  ['alarmId', 'DESC'],
];

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
