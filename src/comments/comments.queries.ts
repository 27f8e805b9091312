import { literal, type Transaction } from 'sequelize';
import { Comment, Course, Group, Recomment, User } from '../db/models';
import type { PostRef } from './posts';

/**
 * The comments' hand-written SQL and the reads the services share, answering typed records.
 * The services keep the rules and the transactions (passed in here).
 */

/** Authors are always loaded with the same public fields. */
const AUTHOR_ATTRIBUTES = ['userId', 'nickname', 'profileUrl', 'userLevel'];

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

/** The post's author and title, or null; with `lock` (in a transaction) its row stays locked. */
export async function findPostRow(
  ref: PostRef,
  transaction?: Transaction,
  lock = false,
): Promise<PostRow | null> {
  const options = {
    attributes: ['userId', 'title'],
    transaction,
    ...(lock && transaction && { lock: transaction.LOCK.UPDATE }),
  };
  const row =
    ref.category === 'group'
      ? await Group.findByPk(ref.postId, options)
      : await Course.findByPk(ref.postId, options);
  return row && { userId: row.userId, title: row.title };
}

/**
 * Replies per comment, counted in the list query itself: a subquery on the indexed
 * `Recomments.commentId`, evaluated only for the post's comments.
 */
const RECOMMENT_COUNT = literal(
  '(SELECT COUNT(*) FROM `Recomments` AS `r` WHERE `r`.`commentId` = `Comment`.`commentId`)',
);

/** A comment of a post's list, with its author loaded, and how many replies it has. */
export interface CommentRow {
  comment: Comment;
  recommentCount: number;
}

/** A post's comments, oldest first, with author and reply count, in a single query. */
export async function findCommentsOf(ref: PostRef): Promise<CommentRow[]> {
  const comments = await Comment.findAll({
    where: commentKeys(ref),
    attributes: { include: [[RECOMMENT_COUNT, 'recommentCount']] },
    include: [{ model: User, as: 'user', attributes: AUTHOR_ATTRIBUTES, required: true }],
    order: [
      ['createdAt', 'ASC'],
      ['commentId', 'ASC'],
    ],
  });
  return comments.map((comment) => ({
    comment,
    recommentCount: Number(comment.get('recommentCount') ?? 0),
  }));
}

/** Every reply under every comment of the post, oldest first, with its author, in one query. */
export async function findRecommentsOf(ref: PostRef): Promise<Recomment[]> {
  return Recomment.findAll({
    include: [
      { model: Comment, as: 'comment', attributes: [], where: commentKeys(ref), required: true },
      { model: User, as: 'user', attributes: AUTHOR_ATTRIBUTES, required: true },
    ],
    order: [
      ['createdAt', 'ASC'],
      ['recommentId', 'ASC'],
    ],
  });
}

/** The reply with its comment's post keys, or null. */
export async function findRecommentWithPost(recommentId: string): Promise<Recomment | null> {
  return Recomment.findByPk(recommentId, {
    include: [{ model: Comment, as: 'comment', attributes: ['groupId', 'courseId'] }],
  });
}
