import { col, fn, literal, Op, type Sequelize, type Transaction } from 'sequelize';
import { Comment } from '../comments/comment.model';
import { notFound } from '../lib/errors';
import { Bookmark } from './bookmark.model';
import { Course } from './course.model';
import { StarPoint } from './starpoint.model';
import { COURSE } from './messages';

/**
 * `starPoint` everywhere it is shown: the average of the course's ratings rounded half up to one
 * decimal, as a number; 0 when nobody has rated it (the original answered "NaN" there).
 * Integer arithmetic first, so a half (4.25, 4.05) rounds up on every platform.
 */
export function starPointOf(total: number, people: number): number {
  return people > 0 ? Math.round((total * 10) / people) / 10 : 0;
}

/** A stored `Courses.starPoint` as a one-decimal number (MySQL keeps it as a FLOAT). */
export function storedStarPoint(value: number | string | null): number {
  return value === null ? 0 : Math.round(Number(value) * 10) / 10;
}

export interface CourseStats {
  /** Sum and count of the ratings. */
  starTotal: number;
  starPeople: number;
  starPoint: number;
  bookmarkCnt: number;
}

/**
 * The course row, locked for the rest of the transaction: bookmark and rating changes of one
 * course take turns, so the counts written after them are never computed from a stale view.
 */
export async function lockCourse(courseId: string, transaction: Transaction): Promise<Course> {
  const course = await Course.findByPk(courseId, {
    attributes: ['courseId', 'userId', 'region'],
    lock: transaction.LOCK.UPDATE,
    transaction,
  });
  if (!course) throw notFound(COURSE.notFound);
  return course;
}

/**
 * Per-course aggregates as correlated subqueries on the `Course` row of a Sequelize query: each
 * reads one course's rows through the (courseId, …) indexes, so a page of N courses costs N
 * index lookups per aggregate, in the same statement.
 */
const perCourse = (expression: string, table: string, condition = '') =>
  `(SELECT ${expression} FROM \`${table}\` AS \`x\` WHERE \`x\`.\`courseId\` = \`Course\`.\`courseId\`${condition})`;
const ofUser = (sequelize: Sequelize, userId: string) =>
  ` AND \`x\`.\`userId\` = ${sequelize.escape(userId)}`;

export const STAR_TOTAL = literal(perCourse('SUM(`x`.`myStarPoint`)', 'starpoint'));
export const STAR_PEOPLE = literal(perCourse('COUNT(`x`.`myStarPoint`)', 'starpoint'));

/** Whether the viewer bookmarked the course (always false for a guest). */
export function bookmarkedBy(sequelize: Sequelize, viewerId: string | null) {
  if (!viewerId) return literal('0');
  return literal(`EXISTS ${perCourse('1', 'Bookmarks', ofUser(sequelize, viewerId))}`);
}

/** The viewer's own rating, NULL when they have none (or are a guest). */
export function ratingBy(sequelize: Sequelize, viewerId: string | null) {
  if (!viewerId) return literal('NULL');
  return literal(perCourse('MAX(`x`.`myStarPoint`)', 'starpoint', ofUser(sequelize, viewerId)));
}

/**
 * Recounts a course's ratings and bookmarks from their rows and stores the feed's sort keys
 * (`starPoint`, `bookmarkCnt`) without touching `updatedAt`. Run in the transaction that changed
 * them, after `lockCourse`. The counts are locking reads: under MySQL's REPEATABLE READ a plain
 * read could see the snapshot of an earlier statement of a longer transaction (a withdrawal) and
 * miss a rating committed since.
 */
export async function refreshStats(
  courseId: string,
  transaction: Transaction,
): Promise<CourseStats> {
  const current = { where: { courseId }, raw: true, lock: transaction.LOCK.SHARE, transaction };
  const [ratings] = (await StarPoint.findAll({
    attributes: [
      [fn('SUM', col('myStarPoint')), 'total'],
      [fn('COUNT', col('myStarPoint')), 'people'],
    ],
    ...current,
  })) as unknown as Array<{ total: unknown; people: unknown }>;
  const [bookmarks] = (await Bookmark.findAll({
    attributes: [[fn('COUNT', col('bookmarkId')), 'count']],
    ...current,
  })) as unknown as Array<{ count: unknown }>;
  const stats = {
    starTotal: Number(ratings.total ?? 0),
    starPeople: Number(ratings.people),
    bookmarkCnt: Number(bookmarks.count),
  };
  const starPoint = starPointOf(stats.starTotal, stats.starPeople);
  await Course.update(
    { starPoint, bookmarkCnt: stats.bookmarkCnt },
    { where: { courseId }, silent: true, transaction },
  );
  return { ...stats, starPoint };
}

/**
 * Recounts a course's comments (its `Comments` rows; replies do not count) into `commentCnt`, the
 * feed's `comment` sort key, without touching `updatedAt`. Run in the transaction that added or
 * removed the comment, after locking the course row.
 *
 * Every comment write on a course locks the course row first, so two comments posted at once take
 * turns and the second recount sees the first comment. An atomic `commentCnt = commentCnt ± 1`
 * would be as safe (MySQL's UPDATE works on the latest row version, SQLite has one writer); the
 * recount is chosen because it is the rule `refreshStats` follows, fits withdrawal's bulk deletes
 * as well as a single comment, and corrects any drift at the course's next comment, at the cost
 * of one indexed COUNT over that course's comments. The count is a locking read: under
 * MySQL's REPEATABLE READ a plain COUNT reads the transaction's snapshot, which can predate a
 * comment committed while this transaction waited for the lock, and would store a count short of
 * it.
 */
export async function refreshCommentCnt(courseId: string, transaction: Transaction): Promise<void> {
  const [comments] = (await Comment.findAll({
    attributes: [[fn('COUNT', col('commentId')), 'count']],
    where: { courseId },
    raw: true,
    lock: transaction.LOCK.SHARE,
    transaction,
  })) as unknown as Array<{ count: unknown }>;
  await Course.update(
    { commentCnt: Number(comments.count) },
    { where: { courseId }, silent: true, transaction },
  );
}

/**
 * For deleting a user: their bookmarks, ratings and course comments are removed (the database
 * would cascade them without recounting) and the courses they touched are recounted. Call it in
 * the deleting transaction, before the user row goes.
 */
export async function forgetCourseActivityOf(
  userId: string,
  transaction: Transaction,
): Promise<void> {
  // Locking reads here too: the latest rows, and nothing new of theirs slips in meanwhile.
  const mine = { where: { userId }, attributes: ['courseId'], lock: transaction.LOCK.SHARE };
  const rows = [
    ...(await Bookmark.findAll({ ...mine, transaction })),
    ...(await StarPoint.findAll({ ...mine, transaction })),
    ...(await Comment.findAll({
      ...mine,
      where: { userId, courseId: { [Op.ne]: null } },
      transaction,
    })),
  ];
  const courseIds = [...new Set(rows.map((r) => r.courseId as string))].sort();
  // One pass in id order: every course this user touched is locked once, in a fixed order.
  for (const courseId of courseIds) {
    const course = await Course.findByPk(courseId, {
      attributes: ['courseId'],
      lock: transaction.LOCK.UPDATE,
      transaction,
    });
    if (!course) continue;
    await Bookmark.destroy({ where: { courseId, userId }, transaction });
    await StarPoint.destroy({ where: { courseId, userId }, transaction });
    await Comment.destroy({ where: { courseId, userId }, transaction });
    await refreshStats(courseId, transaction);
    await refreshCommentCnt(courseId, transaction);
  }
}
