import { col, fn, Op, QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { randomUUID } from 'node:crypto';
import { Bookmark, Comment, Course, StarPoint } from '../db/models';
import { forUpdate, writeAnnounced } from '../db/plain-writes';

/*
 * The reads and counts a course's marks (bookmarks, ratings) and comment count are written
 * from: under the course's row lock, or as one UPDATE's own subquery.
 */

/** What a bookmark or rating toggle reads of a course under its row lock. */
export interface CourseMarks {
  /** The user's bookmark, or null. */
  bookmarkId: string | null;
  /** The course's bookmarks. */
  bookmarks: number;
  /** The user's rating row and its value (null when there is none). */
  ratingId: string | null;
  myStarPoint: number | null;
  /** Sum and count of the course's ratings. */
  starTotal: number;
  starPeople: number;
}

/**
 * The user's bookmark and rating of a course and the course's bookmark and rating totals, in
 * one plain read (each subquery through a (courseId, …) index). Run under the course's row
 * lock, which every change of its marks takes first, as the transaction's first plain read:
 * its snapshot begins after the lock, so it sees every change committed before, and a plain
 * read locks no index gap shared with the neighbouring course's marks.
 */
export async function selectMarks(
  sequelize: Sequelize,
  courseId: string,
  userId: string,
  transaction: Transaction,
): Promise<CourseMarks> {
  const mine = 'WHERE `x`.`courseId` = ? AND `x`.`userId` = ?';
  const all = 'WHERE `x`.`courseId` = ?';
  const [row] = await sequelize.query<{
    bookmarkId: string | null;
    bookmarks: number | string;
    ratingId: string | null;
    myStarPoint: number | string | null;
    starTotal: number | string | null;
    starPeople: number | string;
  }>(
    `SELECT (SELECT MAX(\`x\`.\`bookmarkId\`) FROM \`Bookmarks\` AS \`x\` ${mine}) AS \`bookmarkId\`, ` +
      `(SELECT COUNT(*) FROM \`Bookmarks\` AS \`x\` ${all}) AS \`bookmarks\`, ` +
      `(SELECT MAX(\`x\`.\`starPointId\`) FROM \`starpoint\` AS \`x\` ${mine}) AS \`ratingId\`, ` +
      `(SELECT MAX(\`x\`.\`myStarPoint\`) FROM \`starpoint\` AS \`x\` ${mine}) AS \`myStarPoint\`, ` +
      `(SELECT SUM(\`x\`.\`myStarPoint\`) FROM \`starpoint\` AS \`x\` ${all}) AS \`starTotal\`, ` +
      `(SELECT COUNT(\`x\`.\`myStarPoint\`) FROM \`starpoint\` AS \`x\` ${all}) AS \`starPeople\``,
    {
      type: QueryTypes.SELECT,
      replacements: [
        courseId,
        userId,
        courseId,
        courseId,
        userId,
        courseId,
        userId,
        courseId,
        courseId,
      ],
      transaction,
    },
  );
  return {
    bookmarkId: row.bookmarkId,
    bookmarks: Number(row.bookmarks),
    ratingId: row.ratingId,
    myStarPoint: row.myStarPoint === null ? null : Number(row.myStarPoint),
    starTotal: Number(row.starTotal ?? 0),
    starPeople: Number(row.starPeople),
  };
}

/** What a course's mark writes read of its row. */
export interface LockedCourse {
  courseId: string;
  userId: string;
  region: number;
}

/**
 * The course row, or null, locked for the rest of the transaction, in plain SQL (no model
 * instance to build): MySQL's SELECT … FOR UPDATE; SQLite has no lock clause (its writers are
 * serial). The one lock of a `Courses` row: a write that needs the model instance (the edit, the
 * delete) reads it next, as the transaction's first plain read, whose snapshot begins under the
 * lock (the latest row, which nobody changes until the end).
 */
export async function lockCourseRow(
  sequelize: Sequelize,
  courseId: string,
  transaction: Transaction,
): Promise<LockedCourse | null> {
  const [course] = await sequelize.query<LockedCourse>(
    'SELECT `courseId`, `userId`, `region` FROM `Courses` WHERE `courseId` = ?' +
      forUpdate(sequelize),
    { type: QueryTypes.SELECT, replacements: [courseId], transaction },
  );
  return course ?? null;
}

/** Stores a course's feed sort keys without touching `updatedAt`, announced to the write hooks. */
export async function updateSortKeys(
  sequelize: Sequelize,
  courseId: string,
  keys: { starPoint: number; bookmarkCnt: number },
  transaction: Transaction,
): Promise<void> {
  await writeAnnounced(
    sequelize,
    Course,
    'UPDATE `Courses` SET `starPoint` = ?, `bookmarkCnt` = ? WHERE `courseId` = ?',
    [keys.starPoint, keys.bookmarkCnt, courseId],
    transaction,
  );
}

/**
 * Recounts a course's comments (its `Comments` rows; replies do not count) into `commentCnt`, the
 * feed's `comment` sort key, counted in the same UPDATE, without touching `updatedAt`, announced
 * to the write hooks. Run in the transaction that added or removed the comment, after locking the
 * course row.
 *
 * Every comment write on a course locks the course row first, so two comments posted at once take
 * turns and the second recount sees the first comment. An atomic `commentCnt = commentCnt ± 1`
 * would be as safe (MySQL's UPDATE works on the latest row version, SQLite has one writer); the
 * recount is chosen because it is the rule `refreshStats` (stats.ts) follows, fits withdrawal's
 * bulk deletes as well as a single comment, and corrects any drift at the course's next comment,
 * at the cost of one indexed COUNT over that course's comments, inside the UPDATE (one
 * statement). The count is a locking read (an UPDATE's subquery reads under share locks under
 * MySQL's REPEATABLE READ: the latest committed rows, whatever the transaction read before): a
 * plain COUNT reads the transaction's snapshot, which can predate a comment committed while this
 * transaction waited for the lock, and would store a count short of it.
 */
export async function updateCommentCnt(
  sequelize: Sequelize,
  courseId: string,
  transaction: Transaction,
): Promise<void> {
  await writeAnnounced(
    sequelize,
    Course,
    'UPDATE `Courses` SET `commentCnt` = ' +
      '(SELECT COUNT(*) FROM `Comments` AS `x` WHERE `x`.`courseId` = `Courses`.`courseId`) ' +
      'WHERE `courseId` = ?',
    [courseId],
    transaction,
  );
}

/** Locking reads (SHARE) in the given transaction: the latest committed rows. */
const current = (courseId: string, transaction: Transaction) =>
  ({ where: { courseId }, raw: true, lock: transaction.LOCK.SHARE, transaction }) as const;

/** Sum and count of a course's ratings, read under a share lock. */
export async function countRatings(
  courseId: string,
  transaction: Transaction,
): Promise<{ total: number; people: number }> {
  const [ratings] = (await StarPoint.findAll({
    attributes: [
      [fn('SUM', col('myStarPoint')), 'total'],
      [fn('COUNT', col('myStarPoint')), 'people'],
    ],
    ...current(courseId, transaction),
  })) as unknown as Array<{ total: unknown; people: unknown }>;
  return { total: Number(ratings.total ?? 0), people: Number(ratings.people) };
}

/** How many bookmarks a course has, read under a share lock. */
export async function countBookmarks(courseId: string, transaction: Transaction): Promise<number> {
  const [bookmarks] = (await Bookmark.findAll({
    attributes: [[fn('COUNT', col('bookmarkId')), 'count']],
    ...current(courseId, transaction),
  })) as unknown as Array<{ count: unknown }>;
  return Number(bookmarks.count);
}

/**
 * The ids of the courses a user bookmarked, rated or commented on, in id order, read under a
 * share lock (nothing new of theirs slips in meanwhile).
 */
export async function findCoursesTouchedBy(
  userId: string,
  transaction: Transaction,
): Promise<string[]> {
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
  return [...new Set(rows.map((r) => r.courseId as string))].sort();
}

/*
 * A toggle's writes of the marks, in plain SQL by primary key (no model instance to build),
 * each announced to the read caches' write hooks as the model's write would have been. The ids
 * are what the models' defaults give (a random UUID v4).
 */

/** Adds the user's bookmark of a course. */
export const insertBookmark = (
  sequelize: Sequelize,
  mark: { courseId: string; userId: string },
  transaction: Transaction,
) =>
  writeAnnounced(
    sequelize,
    Bookmark,
    'INSERT INTO `Bookmarks` (`bookmarkId`, `courseId`, `userId`) VALUES (?, ?, ?)',
    [randomUUID(), mark.courseId, mark.userId],
    transaction,
  );

/** Removes a bookmark by its id. */
export const deleteBookmark = (
  sequelize: Sequelize,
  bookmarkId: string,
  transaction: Transaction,
) =>
  writeAnnounced(
    sequelize,
    Bookmark,
    'DELETE FROM `Bookmarks` WHERE `bookmarkId` = ?',
    [bookmarkId],
    transaction,
  );

/** Adds the user's rating of a course. */
export const insertRating = (
  sequelize: Sequelize,
  rating: { courseId: string; userId: string; myStarPoint: number },
  transaction: Transaction,
) =>
  writeAnnounced(
    sequelize,
    StarPoint,
    'INSERT INTO `starpoint` (`starPointId`, `userId`, `courseId`, `myStarPoint`) ' +
      'VALUES (?, ?, ?, ?)',
    [randomUUID(), rating.userId, rating.courseId, rating.myStarPoint],
    transaction,
  );

/** Changes a rating's value by its id. */
export const updateRating = (
  sequelize: Sequelize,
  starPointId: string,
  myStarPoint: number,
  transaction: Transaction,
) =>
  writeAnnounced(
    sequelize,
    StarPoint,
    'UPDATE `starpoint` SET `myStarPoint` = ? WHERE `starPointId` = ?',
    [myStarPoint, starPointId],
    transaction,
  );

/** Removes a rating by its id. */
export const deleteRating = (sequelize: Sequelize, starPointId: string, transaction: Transaction) =>
  writeAnnounced(
    sequelize,
    StarPoint,
    'DELETE FROM `starpoint` WHERE `starPointId` = ?',
    [starPointId],
    transaction,
  );
