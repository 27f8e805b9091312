import type { Transaction } from 'sequelize';
import { createAlarms, recipientsExcept } from '../alarms/alarms.service';
import { updateCommentCnt } from '../courses/marks.queries';
import type { AppContext } from '../lib/context';
import { notFound } from '../lib/errors';
import { readThrough } from '../lib/read-cache';
import { successBody } from '../lib/json-text';
import { toCommentItem } from './comments.mapper';
import {
  commentKeys,
  deleteCommentRow,
  type CommentOwner,
  insertComment,
  selectCommentOwner,
  selectCommentToEdit,
  selectThread,
  updateCommentContent,
} from './comments.queries';
import { COMMENT_THREADS } from './thread-cache';
import { COMMENT } from './messages';
import { assertAuthor, findPost, postOf, type Actor, type Post, type PostRef } from './posts';

export type CommentItem = ReturnType<typeof toCommentItem>;

/** A post's comments as the SPA lists them, or null when the post does not exist. */
async function commentItems(
  ctx: Pick<AppContext, 'config' | 'sequelize'>,
  ref: PostRef,
  now: Date,
  transaction?: Transaction,
): Promise<CommentItem[] | null> {
  const rows = await selectThread(ctx.sequelize, ref, transaction);
  return rows && rows.map((row) => toCommentItem(ctx.config, row, now));
}

/**
 * A write's answer: the post's whole list, read again (none when the post has gone since); in
 * the write's transaction when given, as its last statement, so the answer costs no second
 * connection from the pool (it sees the write, and on a course, whose row the write holds
 * locked, every other comment write committed before it).
 */
async function commentList(
  ctx: Pick<AppContext, 'config' | 'now' | 'sequelize'>,
  ref: PostRef,
  transaction?: Transaction,
): Promise<CommentItem[]> {
  return (await commentItems(ctx, ref, ctx.now(), transaction)) ?? [];
}

/**
 * `GET /comment/:category/:categoryId` as a JSON body: one statement (the post, its comments,
 * their authors and reply counts), through the thread cache.
 */
export async function commentsBody(
  ctx: Pick<AppContext, 'config' | 'now' | 'sequelize'>,
  ref: PostRef,
): Promise<string> {
  const now = ctx.now();
  const body = await readThrough(
    ctx.sequelize,
    COMMENT_THREADS.name,
    `comments:${ref.category}:${ref.postId}`,
    now,
    async () => {
      const items = await commentItems(ctx, ref, now);
      return items && successBody(items);
    },
  );
  if (body === null) throw notFound(COMMENT.postNotFound);
  return body;
}

/**
 * A write that adds or removes comments of a post, in the caller's transaction. On a course, the
 * course row is locked before the write and its `commentCnt` recounted after it, so the count
 * commits with the comments and two writes on one course take turns (see `updateCommentCnt`).
 */
async function writeOnPost(
  ctx: Pick<AppContext, 'sequelize'>,
  ref: PostRef,
  transaction: Transaction,
  write: (post: Post) => Promise<void>,
): Promise<void> {
  const onCourse = ref.category === 'course';
  const post = await findPost(ctx.sequelize, ref, transaction, { lock: onCourse });
  await write(post);
  if (onCourse) await updateCommentCnt(ctx.sequelize, ref.postId, transaction);
}

/**
 * `POST /comment/:category/:categoryId`: the comment and the post author's alarm (unless the
 * author comments on their own post) commit together; answers the post's refreshed list.
 */
export async function createComment(
  ctx: Pick<AppContext, 'config' | 'now' | 'sequelize'>,
  actor: Actor,
  ref: PostRef,
  content: string,
): Promise<CommentItem[]> {
  return ctx.sequelize.transaction(async (transaction) => {
    await writeOnPost(ctx, ref, transaction, async (post) => {
      const now = ctx.now();
      const commentId = await insertComment(
        ctx.sequelize,
        { ...commentKeys(ref), userId: actor.userId, content, createdAt: now },
        transaction,
      );
      const alarms = recipientsExcept(actor.userId, post.authorId).map((userId) => ({
        userId,
        category: 'comment' as const,
        nickname: actor.nickname,
        ...(ref.category === 'group'
          ? { groupId: post.postId, groupTitle: post.title }
          : { courseId: post.postId, courseTitle: post.title }),
        commentId,
      }));
      await createAlarms(alarms, { transaction, now });
    });
    return commentList(ctx, ref, transaction);
  });
}

/** The comment, or 404 with the contract's message. */
function found<T>(comment: T | null): T {
  if (!comment) throw notFound(COMMENT.notFound);
  return comment;
}

/** The comment's author and post, or 404; in `transaction` when given. */
export async function findComment(
  ctx: Pick<AppContext, 'sequelize'>,
  commentId: string,
  transaction?: Transaction,
): Promise<CommentOwner> {
  return found(await selectCommentOwner(ctx.sequelize, commentId, transaction));
}

/**
 * `PATCH /comment/:commentId`: the author's edit; answers the post's list. An edit that keeps
 * the stored text (a form sent again unchanged) writes nothing, so the caches watching
 * comments keep their generation; it answers the same list all the same.
 */
export async function updateComment(
  ctx: Pick<AppContext, 'config' | 'now' | 'sequelize'>,
  actor: Actor,
  commentId: string,
  content: string,
): Promise<CommentItem[]> {
  const comment = found(await selectCommentToEdit(ctx.sequelize, commentId));
  assertAuthor(comment, actor.userId, COMMENT.notAuthorUpdate);
  if (comment.content !== content) await updateCommentContent(ctx.sequelize, commentId, content);
  return commentList(ctx, postOf(comment));
}

/** `DELETE /comment/:commentId`: the author's delete; the replies go with it (FK cascade). */
export async function deleteComment(
  ctx: Pick<AppContext, 'sequelize'>,
  actor: Actor,
  commentId: string,
): Promise<void> {
  await ctx.sequelize.transaction(async (transaction) => {
    // Read in the deleting transaction: one connection from the pool for the whole request.
    const comment = await findComment(ctx, commentId, transaction);
    assertAuthor(comment, actor.userId, COMMENT.notAuthorDelete);
    await writeOnPost(ctx, postOf(comment), transaction, () =>
      deleteCommentRow(ctx.sequelize, commentId, transaction),
    );
  });
}
