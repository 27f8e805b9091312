import type { Transaction } from 'sequelize';
import { Course } from '../courses/course.model';
import { Group } from '../groups/group.model';
import { forbidden, notFound } from '../lib/errors';
import type { Comment } from './comment.model';
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
  ref: PostRef,
  transaction?: Transaction,
  { lock = false } = {},
): Promise<Post> {
  const options = {
    attributes: ['userId', 'title'],
    transaction,
    ...(lock && transaction && { lock: transaction.LOCK.UPDATE }),
  };
  const row =
    ref.category === 'group'
      ? await Group.findByPk(ref.postId, options)
      : await Course.findByPk(ref.postId, options);
  if (!row) throw notFound(COMMENT.postNotFound);
  return { ...ref, authorId: row.userId, title: row.title };
}

/** Which post a comment belongs to (exactly one of its two keys is set). */
export function postOf(comment: Pick<Comment, 'groupId' | 'courseId'>): PostRef {
  return comment.groupId !== null
    ? { category: 'group', postId: comment.groupId }
    : { category: 'course', postId: comment.courseId as string };
}

/** A post's key columns on `Comments`: selects its comments, and is written into new ones. */
export function commentKeys(ref: PostRef): Pick<Comment, 'groupId' | 'courseId'> {
  return ref.category === 'group'
    ? { groupId: ref.postId, courseId: null }
    : { groupId: null, courseId: ref.postId };
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

/** Authors are always loaded with the same public fields. */
export const AUTHOR_ATTRIBUTES = ['userId', 'nickname', 'profileUrl', 'userLevel'];
