import type { Sequelize, Transaction } from 'sequelize';
import { Bookmark, Comment, StarPoint } from '../db/models';
import { notFound } from '../lib/errors';
import {
  countBookmarks,
  countRatings,
  findCoursesTouchedBy,
  lockCourseRow,
  updateCommentCnt,
  updateSortKeys,
  type LockedCourse,
} from './marks.queries';
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
export async function lockCourse(
  sequelize: Sequelize,
  courseId: string,
  transaction: Transaction,
): Promise<LockedCourse> {
  const course = await lockCourseRow(sequelize, courseId, transaction);
  if (!course) throw notFound(COURSE.notFound);
  return course;
}

/**
 * Recounts a course's ratings and bookmarks from their rows and stores the feed's sort keys
 * (`starPoint`, `bookmarkCnt`) without touching `updatedAt`. Run in the transaction that changed
 * them, after `lockCourse`. The counts are locking reads: under MySQL's REPEATABLE READ a plain
 * read could see the snapshot of an earlier statement of a longer transaction (a withdrawal) and
 * miss a rating committed since.
 */
export async function refreshStats(
  sequelize: Sequelize,
  courseId: string,
  transaction: Transaction,
): Promise<CourseStats> {
  const ratings = await countRatings(courseId, transaction);
  return storeStats(
    sequelize,
    courseId,
    {
      starTotal: ratings.total,
      starPeople: ratings.people,
      bookmarkCnt: await countBookmarks(courseId, transaction),
    },
    transaction,
  );
}

/**
 * Stores the feed's sort keys (`starPoint`, `bookmarkCnt`) of counts the caller read under the
 * course's row lock, without touching `updatedAt`.
 */
export async function storeStats(
  sequelize: Sequelize,
  courseId: string,
  counts: Omit<CourseStats, 'starPoint'>,
  transaction: Transaction,
): Promise<CourseStats> {
  const starPoint = starPointOf(counts.starTotal, counts.starPeople);
  await updateSortKeys(
    sequelize,
    courseId,
    { starPoint, bookmarkCnt: counts.bookmarkCnt },
    transaction,
  );
  return { ...counts, starPoint };
}

/**
 * For deleting a user: their bookmarks, ratings and course comments are removed (the database
 * would cascade them without recounting) and the courses they touched are recounted. Call it in
 * the deleting transaction, before the user row goes.
 */
export async function forgetCourseActivityOf(
  sequelize: Sequelize,
  userId: string,
  transaction: Transaction,
): Promise<void> {
  // Locking reads here too: the latest rows, and nothing new of theirs slips in meanwhile.
  const courseIds = await findCoursesTouchedBy(userId, transaction);
  // One pass in id order: every course this user touched is locked once, in a fixed order.
  for (const courseId of courseIds) {
    if (!(await lockCourseRow(sequelize, courseId, transaction))) continue;
    await Bookmark.destroy({ where: { courseId, userId }, transaction });
    await StarPoint.destroy({ where: { courseId, userId }, transaction });
    await Comment.destroy({ where: { courseId, userId }, transaction });
    await refreshStats(sequelize, courseId, transaction);
    await updateCommentCnt(sequelize, courseId, transaction);
  }
}
