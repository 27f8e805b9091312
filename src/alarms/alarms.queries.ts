import { literal, Op } from 'sequelize';
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
 * The user's newest `limit` alarms in one query. A reply alarm also carries its parent
 * comment's content, read by a subquery on the comment's primary key rather than one query per
 * alarm.
 */
export async function newestAlarms(userId: string, limit: number): Promise<AlarmRecord[]> {
  const alarms = await Alarm.findAll({
    where: { userId },
    attributes: {
      include: [
        [
          literal(
            "(CASE WHEN `Alarm`.`category` = 'recomment' THEN (SELECT `c`.`content` FROM `Comments` AS `c` WHERE `c`.`commentId` = `Alarm`.`commentId`) END)",
          ),
          'commentContent',
        ],
      ],
    },
    order: NEWEST_FIRST,
    limit,
  });
  return alarms.map((alarm) => ({
    alarmId: alarm.alarmId,
    userId: alarm.userId,
    category: alarm.category,
    courseId: alarm.courseId,
    courseTitle: alarm.courseTitle,
    groupId: alarm.groupId,
    groupTitle: alarm.groupTitle,
    nickname: alarm.nickname,
    role: alarm.role,
    check: Boolean(alarm.check),
    commentId: alarm.commentId,
    createdAt: alarm.createdAt,
    commentContent: (alarm.get('commentContent') as string | null | undefined) ?? null,
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
