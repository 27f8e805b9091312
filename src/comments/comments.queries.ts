import { randomUUID } from 'node:crypto';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { forUpdate, writeAnnounced } from '../db/plain-writes';
import { storedInstant } from '../lib/time';
import { Comment, Recomment } from '../db/models';
import type { PostRef } from './posts';

/**
 * The comments' hand-written SQL and the reads the services share, answering typed records.
 * The services keep the rules and the transactions (passed in here).
 */

/** A post's key columns on `Comments`: selects its comments, and is written into new ones. */
export function commentKeys(ref: PostRef): Pick<Comment, 'groupId' | 'courseId'> {
  return ref.category === 'group'
    ? { groupId: ref.postId, courseId: null }
    : { groupId: null, courseId: ref.postId };
}

/** A post's author and title. */
export interface PostRow {
  userId: string;
  title: string;
}

/**
 * The post's author and title, or null; with `lock` (in a transaction) its row stays locked
 * (MySQL: SELECT … FOR UPDATE; SQLite has no lock clause, its writers are serial). Plain SQL:
 * no model instance to build.
 */
export async function findPostRow(
  sequelize: Sequelize,
  ref: PostRef,
  transaction?: Transaction,
  lock = false,
): Promise<PostRow | null> {
  const [table, key] = ref.category === 'group' ? ['Groups', 'groupId'] : ['Courses', 'courseId'];
  const locking = lock && transaction ? forUpdate(sequelize) : '';
  const [row] = await sequelize.query<PostRow>(
    `SELECT \`userId\`, \`title\` FROM \`${table}\` WHERE \`${key}\` = ?${locking}`,
    { type: QueryTypes.SELECT, replacements: [ref.postId], transaction },
  );
  return row ? { userId: row.userId, title: row.title } : null;
}

/**
 * Adds a comment, in plain SQL announced to the write hooks, as the model writes it: a random
 * UUID v4 id, `createdAt` the caller's clock and `updatedAt` the process's (Sequelize's
 * timestamp), both in the connection's time zone (`sequelize.escape`). Answers its id.
 */
export async function insertComment(
  sequelize: Sequelize,
  comment: Pick<Comment, 'groupId' | 'courseId' | 'userId' | 'content' | 'createdAt'>,
  transaction: Transaction,
): Promise<string> {
  const commentId = randomUUID();
  const [createdAt, updatedAt] = [comment.createdAt, new Date()].map((d) => sequelize.escape(d));
  await writeAnnounced(
    sequelize,
    Comment,
    'INSERT INTO `Comments` ' +
      '(`commentId`, `groupId`, `courseId`, `userId`, `content`, `createdAt`, `updatedAt`) ' +
      `VALUES (?, ?, ?, ?, ?, ${createdAt}, ${updatedAt})`,
    [commentId, comment.groupId, comment.courseId, comment.userId, comment.content],
    transaction,
  );
  return commentId;
}

/**
 * Edits a comment's content, in plain SQL announced to the write hooks, stamping `updatedAt`
 * with the process's clock as the model's update does (in the connection's time zone).
 */
export async function updateCommentContent(
  sequelize: Sequelize,
  commentId: string,
  content: string,
): Promise<void> {
  await writeAnnounced(
    sequelize,
    Comment,
    `UPDATE \`Comments\` SET \`content\` = ?, \`updatedAt\` = ${sequelize.escape(new Date())} ` +
      'WHERE `commentId` = ?',
    [content, commentId],
    undefined,
  );
}

/** Deletes a comment by its id (its replies go by the FK cascade), announced to the write hooks. */
export async function deleteCommentRow(
  sequelize: Sequelize,
  commentId: string,
  transaction: Transaction,
): Promise<void> {
  await writeAnnounced(
    sequelize,
    Comment,
    'DELETE FROM `Comments` WHERE `commentId` = ?',
    [commentId],
    transaction,
  );
}

/** The author block of comments and replies, as read with them. */
export interface Author {
  userId: string;
  nickname: string;
  profileUrl: string;
  userLevel: string | null;
}

/** A comment of a post's thread: its columns, its author and how many replies it has. */
export interface CommentRow {
  commentId: string;
  groupId: string | null;
  courseId: string | null;
  content: string | null;
  createdAt: Date;
  author: Author;
  recommentCount: number;
}

/** A reply of a post's thread, with its author. */
export interface RecommentRow {
  recommentId: string;
  commentId: string;
  content: string | null;
  createdAt: Date;
  author: Author;
}

const AUTHOR_COLUMNS = '`u`.`userId`, `u`.`nickname`, `u`.`profileUrl`, `u`.`userLevel`';

/** The author of a row that joined `Users` as `u`. */
const authorOf = ({ userId, nickname, profileUrl, userLevel }: Author): Author => ({
  userId,
  nickname,
  profileUrl,
  userLevel,
});

/** The post's table and its key column on `Comments` (the other key is NULL there). */
const POST_TABLES = {
  group: { table: 'Groups', key: 'groupId', other: 'courseId' },
  course: { table: 'Courses', key: 'courseId', other: 'groupId' },
} as const;

/**
 * A post's comments, oldest first, with their authors and reply counts (a subquery on the
 * indexed `Recomments.commentId`), as plain rows read in the order of the post's
 * `(key, createdAt)` index; null when the post does not exist, asked by a second statement only
 * when it has no comment (a comment's post always exists: its rows go with the post). Joining the
 * post first, to tell the two apart in one statement, made MariaDB sort every list in a temporary
 * table: three to four times the CPU of this read (bench/README.md, 2026-12-05). In `transaction`
 * when given (on its connection, seeing its writes).
 */
export async function selectThread(
  sequelize: Sequelize,
  ref: PostRef,
  transaction?: Transaction,
): Promise<CommentRow[] | null> {
  const { table, key, other } = POST_TABLES[ref.category];
  const select = <T extends object>(sql: string) =>
    sequelize.query<T>(sql, { type: QueryTypes.SELECT, replacements: [ref.postId], transaction });
  const rows = await select<
    Author & {
      commentId: string;
      groupId: string | null;
      courseId: string | null;
      content: string | null;
      createdAt: Date | string;
      recommentCount: number | string;
    }
  >(
    'SELECT `c`.`commentId`, `c`.`groupId`, `c`.`courseId`, `c`.`content`, `c`.`createdAt`, ' +
      `${AUTHOR_COLUMNS}, ` +
      '(SELECT COUNT(*) FROM `Recomments` AS `r` WHERE `r`.`commentId` = `c`.`commentId`) AS `recommentCount` ' +
      'FROM `Comments` AS `c` JOIN `Users` AS `u` ON `u`.`userId` = `c`.`userId` ' +
      `WHERE \`c\`.\`${key}\` = ? AND \`c\`.\`${other}\` IS NULL ` +
      'ORDER BY `c`.`createdAt` ASC, `c`.`commentId` ASC',
  );
  if (rows.length === 0) {
    const [post] = await select(`SELECT 1 AS \`found\` FROM \`${table}\` WHERE \`${key}\` = ?`);
    return post ? [] : null;
  }
  return rows.map((row) => ({
    commentId: row.commentId,
    groupId: row.groupId,
    courseId: row.courseId,
    content: row.content,
    createdAt: storedInstant(row.createdAt),
    author: authorOf(row),
    recommentCount: Number(row.recommentCount),
  }));
}

/** What a write on a comment reads of it first: its author and its post. */
export type CommentOwner = Pick<Comment, 'userId' | 'groupId' | 'courseId'>;
/** What an edit reads: the owner, and the text (an unchanged one is not written again). */
export type CommentToEdit = CommentOwner & Pick<Comment, 'content'>;

const OWNER_COLUMNS = '`userId`, `groupId`, `courseId`';

/** One comment's `columns` by its key, or null when there is no such comment. */
async function selectComment<T extends object>(
  sequelize: Sequelize,
  columns: string,
  commentId: string,
  transaction?: Transaction,
): Promise<T | null> {
  const [row] = await sequelize.query<T>(
    `SELECT ${columns} FROM \`Comments\` WHERE \`commentId\` = ?`,
    { type: QueryTypes.SELECT, replacements: [commentId], transaction },
  );
  return row ?? null;
}

/** A comment's author and post, or null when there is no such comment (one key read). */
export function selectCommentOwner(
  sequelize: Sequelize,
  commentId: string,
  transaction?: Transaction,
): Promise<CommentOwner | null> {
  return selectComment<CommentOwner>(sequelize, OWNER_COLUMNS, commentId, transaction);
}

/** A comment's author, post and text, or null when there is no such comment (one key read). */
export function selectCommentToEdit(
  sequelize: Sequelize,
  commentId: string,
): Promise<CommentToEdit | null> {
  return selectComment<CommentToEdit>(sequelize, `${OWNER_COLUMNS}, \`content\``, commentId);
}

/**
 * Every reply under every comment of the post, oldest first, with its author, in one
 * statement answering plain rows.
 */
export async function selectReplies(sequelize: Sequelize, ref: PostRef): Promise<RecommentRow[]> {
  const { key, other } = POST_TABLES[ref.category];
  const rows = await sequelize.query<
    Author & {
      recommentId: string;
      commentId: string;
      content: string | null;
      createdAt: Date | string;
    }
  >(
    'SELECT `r`.`recommentId`, `r`.`commentId`, `r`.`content`, `r`.`createdAt`, ' +
      `${AUTHOR_COLUMNS} ` +
      'FROM `Recomments` AS `r` JOIN `Comments` AS `c` ON `c`.`commentId` = `r`.`commentId` ' +
      'JOIN `Users` AS `u` ON `u`.`userId` = `r`.`userId` ' +
      `WHERE \`c\`.\`${key}\` = ? AND \`c\`.\`${other}\` IS NULL ` +
      'ORDER BY `r`.`createdAt` ASC, `r`.`recommentId` ASC',
    { type: QueryTypes.SELECT, replacements: [ref.postId] },
  );
  return rows.map((row) => ({
    recommentId: row.recommentId,
    commentId: row.commentId,
    content: row.content,
    createdAt: storedInstant(row.createdAt),
    author: authorOf(row),
  }));
}

/** The reply with its comment's post keys, or null. */
export async function findRecommentWithPost(recommentId: string): Promise<Recomment | null> {
  return Recomment.findByPk(recommentId, {
    include: [{ model: Comment, as: 'comment', attributes: ['groupId', 'courseId'] }],
  });
}
