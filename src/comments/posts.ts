import type { Sequelize, Transaction } from 'sequelize';
import type { Comment } from '../db/models';
import { forbidden, notFound } from '../lib/errors';
import { findPostRow } from './comments.queries';
import type { PostCategory } from './comments.validators';
import { COMMENT } from './messages';

/** The post a comment hangs under: a group run or a course. */
export interface PostRef {
  category: PostCategory;
  postId: string;
}

export interface Post extends PostRef {
  authorId: string;
  title: string;
}

/**
 * The post's author and title (for alarms), or 404. With `lock` (in a transaction), the post's row
 * stays locked until the transaction ends.
 */
export async function findPost(
  sequelize: Sequelize,
  ref: PostRef,
  transaction?: Transaction,
  { lock = false } = {},
): Promise<Post> {
  const row = await findPostRow(sequelize, ref, transaction, lock);
  if (!row) throw notFound(COMMENT.postNotFound);
  return { ...ref, authorId: row.userId, title: row.title };
}

/** Which post a comment belongs to (exactly one of its two keys is set). */
export function postOf(comment: Pick<Comment, 'groupId' | 'courseId'>): PostRef {
  return comment.groupId !== null
    ? { category: 'group', postId: comment.groupId }
    : { category: 'course', postId: comment.courseId as string };
}

/** Only the author may edit or delete: anyone else gets 403 with the action's message. */
export function assertAuthor(row: { userId: string }, actorId: string, message: string): void {
  if (row.userId !== actorId) throw forbidden(message);
}

/** The signed-in user acting, as the services need them (the nickname goes into alarms). */
export interface Actor {
  userId: string;
  nickname: string;
}
