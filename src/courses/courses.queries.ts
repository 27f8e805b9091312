import {
  col,
  fn,
  literal,
  Op,
  QueryTypes,
  type Order,
  type OrderItem,
  type Sequelize,
  type Transaction,
  type WhereOptions,
} from 'sequelize';
import { Bookmark, Comment, Course, StarPoint } from '../db/models';
import type { FeedSort } from './courses.validators';

/**
 * The courses' hand-written SQL: correlated subqueries, the ranking score, the feed orders and
 * the aggregates, each behind a function that answers plain typed records. The services keep
 * the rules and the transactions (passed in here).
 */

/** A feed row as the list queries select it (aggregates come back as numbers or strings). */
export interface FeedRow {
  courseId: string;
  title: string;
  location: string;
  distance: number;
  courseImageUrl1: string | null;
  starPoint: number | string | null;
  commentCnt: number;
  bookmark: number | string | boolean;
}

/** Which courses a feed lists; every field left out does not narrow it. */
export interface FeedScope {
  region?: number;
  /** The author's courses. */
  authorId?: string;
  courseIds?: string[];
  /** The courses this user bookmarked. */
  bookmarkedBy?: string;
}

export interface FeedSlice {
  sort?: FeedSort;
  limit?: number;
  offset?: number;
}

/** Newest first; the course id breaks ties so that pages never overlap or skip a course. */
const NEWEST: OrderItem[] = [
  ['createdAt', 'DESC'],
  ['courseId', 'DESC'],
];

/**
 * Every sort runs in SQL before LIMIT/OFFSET (the original cut the page first and sorted only
 * inside it). Stars, comments and bookmarks sort by the copies kept on the course row (indexed
 * with createdAt and courseId, see stats.ts), so a page is read from an index.
 */
const FEED_ORDER: Record<FeedSort, Order> = {
  new: NEWEST,
  starPoint: [['starPoint', 'DESC'], ...NEWEST],
  comment: [['commentCnt', 'DESC'], ...NEWEST],
  bookmark: [['bookmarkCnt', 'DESC'], ...NEWEST],
};

/**
 * The "best courses" ranking score: comments + average stars + views, as numbers (the original
 * concatenated strings when the average was one). `starPoint` is the one-decimal average.
 */
const RANKING_SCORE = literal(
  '(`Course`.`commentCnt` + COALESCE(`Course`.`starPoint`, 0) + `Course`.`clickCnt`)',
);

/**
 * Per-course aggregates as correlated subqueries on the `Course` row of a Sequelize query: each
 * reads one course's rows through the (courseId, …) indexes, so a page of N courses costs N
 * index lookups per aggregate, in the same statement.
 */
const perCourse = (expression: string, table: string, condition = '') =>
  `(SELECT ${expression} FROM \`${table}\` AS \`x\` WHERE \`x\`.\`courseId\` = \`Course\`.\`courseId\`${condition})`;
const ofUser = (sequelize: Sequelize, userId: string) =>
  ` AND \`x\`.\`userId\` = ${sequelize.escape(userId)}`;

const STAR_TOTAL = literal(perCourse('SUM(`x`.`myStarPoint`)', 'starpoint'));
const STAR_PEOPLE = literal(perCourse('COUNT(`x`.`myStarPoint`)', 'starpoint'));

/** Whether the viewer bookmarked the course (always false for a guest). */
function bookmarkedBy(sequelize: Sequelize, viewerId: string | null) {
  if (!viewerId) return literal('0');
  return literal(`EXISTS ${perCourse('1', 'Bookmarks', ofUser(sequelize, viewerId))}`);
}

/** The viewer's own rating, NULL when they have none (or are a guest). */
function ratingBy(sequelize: Sequelize, viewerId: string | null) {
  if (!viewerId) return literal('NULL');
  return literal(perCourse('MAX(`x`.`myStarPoint`)', 'starpoint', ofUser(sequelize, viewerId)));
}

function feedWhere(sequelize: Sequelize, scope: FeedScope): WhereOptions<Course> {
  const bookmarked = (ownerId: string) =>
    literal(
      `(SELECT \`courseId\` FROM \`Bookmarks\` WHERE \`userId\` = ${sequelize.escape(ownerId)})`,
    );
  return {
    ...(scope.region !== undefined && { region: scope.region }),
    ...(scope.authorId !== undefined && { userId: scope.authorId }),
    ...(scope.courseIds !== undefined && { courseId: scope.courseIds }),
    ...(scope.bookmarkedBy !== undefined && {
      courseId: { [Op.in]: bookmarked(scope.bookmarkedBy) },
    }),
  };
}

/** The courses among `courseIds` that the user bookmarked (one index lookup each). */
export async function bookmarkedAmong(
  sequelize: Sequelize,
  courseIds: string[],
  userId: string,
): Promise<Set<string>> {
  if (courseIds.length === 0) return new Set();
  const rows = await sequelize.query<{ courseId: string }>(
    'SELECT `courseId` FROM `Bookmarks` WHERE `userId` = ? AND `courseId` IN (?)',
    { type: QueryTypes.SELECT, replacements: [userId, courseIds] },
  );
  return new Set(rows.map((row) => row.courseId));
}

/**
 * One statement per list: the page of cards with the viewer's bookmark flag computed per row in
 * SQL (no query per course); the comment count is the course's own column.
 */
export async function findFeedRows(
  sequelize: Sequelize,
  viewerId: string | null,
  scope: FeedScope,
  slice: FeedSlice = {},
): Promise<FeedRow[]> {
  const rows = await Course.findAll({
    attributes: [
      'courseId',
      'title',
      'location',
      'distance',
      'courseImageUrl1',
      'starPoint',
      'commentCnt',
      [bookmarkedBy(sequelize, viewerId), 'bookmark'],
    ],
    where: feedWhere(sequelize, scope),
    ...(slice.sort !== undefined && { order: FEED_ORDER[slice.sort] }),
    ...(slice.limit !== undefined && { limit: slice.limit }),
    ...(slice.offset !== undefined && { offset: slice.offset }),
    raw: true,
  });
  return rows as unknown as FeedRow[];
}

/** The ids of the `limit` best-scored courses of a region (or of all), best first. */
export async function findRankingIds(region: number | null, limit: number): Promise<string[]> {
  const rows = await Course.findAll({
    attributes: ['courseId'],
    where: region === null ? {} : { region },
    order: [[RANKING_SCORE, 'DESC'], ...NEWEST],
    limit,
    raw: true,
  });
  return rows.map((row) => row.courseId);
}

/** A course's ratings: their sum and count, and the viewer's own (null when none). */
export interface RatingTotals {
  total: number;
  people: number;
  mine: number | null;
}

/** The ratings of a course as the star-point read shows them, or null when it does not exist. */
export async function findRatingTotals(
  sequelize: Sequelize,
  courseId: string,
  viewerId: string | null,
): Promise<RatingTotals | null> {
  const row = (await Course.findByPk(courseId, {
    attributes: [
      [STAR_TOTAL, 'total'],
      [STAR_PEOPLE, 'people'],
      [ratingBy(sequelize, viewerId), 'mine'],
    ],
    raw: true,
  })) as unknown as { total: unknown; people: unknown; mine: unknown } | null;
  if (!row) return null;
  return {
    total: Number(row.total ?? 0),
    people: Number(row.people),
    mine: row.mine === null || row.mine === undefined ? null : Number(row.mine),
  };
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

/** How many comments (not replies) a course has, read under a share lock. */
export async function countComments(courseId: string, transaction: Transaction): Promise<number> {
  const [comments] = (await Comment.findAll({
    attributes: [[fn('COUNT', col('commentId')), 'count']],
    ...current(courseId, transaction),
  })) as unknown as Array<{ count: unknown }>;
  return Number(comments.count);
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
