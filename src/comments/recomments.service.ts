import { createAlarms, recipientsExcept } from '../alarms/alarms.service';
import type { AppContext } from '../lib/context';
import { badRequest, notFound } from '../lib/errors';
import { readThrough } from '../lib/read-cache';
import { successBody } from '../lib/json-text';
import { Recomment, type Comment } from '../db/models';
import { toRecommentItem } from './comments.mapper';
import { findRecommentWithPost, selectCommentOwner, selectReplies } from './comments.queries';
import { COMMENT, RECOMMENT } from './messages';
import { COMMENT_THREADS } from './thread-cache';
import { findComment } from './comments.service';
import { assertAuthor, findPost, postOf, type Actor, type PostRef } from './posts';

export type RecommentItem = ReturnType<typeof toRecommentItem>;

/**
 * Every reply under every comment of the post, oldest first, in one statement. The SPA asks once
 * per post (with its first comment's id) and files the replies under their `commentId`.
 * Course posts are served too: the original accepted replies there, so old data may hold some.
 */
async function recommentList(
  ctx: Pick<AppContext, 'config' | 'sequelize'>,
  ref: PostRef,
  now: Date,
): Promise<RecommentItem[]> {
  const rows = await selectReplies(ctx.sequelize, ref);
  return rows.map((row) => toRecommentItem(ctx.config, row, now));
}

/**
 * `GET /recomment/:commentId` as a JSON body: the replies of the comment's whole post (the
 * comment's post by its key, then one statement), through the thread cache.
 */
export async function recommentsBody(
  ctx: Pick<AppContext, 'config' | 'now' | 'sequelize'>,
  commentId: string,
): Promise<string> {
  const now = ctx.now();
  const body = await readThrough(
    ctx.sequelize,
    COMMENT_THREADS.name,
    `replies:${commentId}`,
    now,
    async () => {
      const comment = await selectCommentOwner(ctx.sequelize, commentId);
      return comment && successBody(await recommentList(ctx, postOf(comment), now));
    },
  );
  if (body === null) throw notFound(COMMENT.notFound);
  return body;
}

/**
 * `POST /recomment/:commentId`: replies exist on group posts only. The reply and its alarms
 * commit together: the comment's author and the post's author are notified, once each, and
 * never the replier (the original notified the post author only, even himself, with no name).
 */
export async function createRecomment(
  ctx: Pick<AppContext, 'config' | 'now' | 'sequelize'>,
  actor: Actor,
  commentId: string,
  content: string,
): Promise<RecommentItem[]> {
  const ref = await ctx.sequelize.transaction(async (transaction) => {
    const comment = await findComment(ctx, commentId, transaction);
    const ref = postOf(comment);
    if (ref.category !== 'group') throw badRequest(RECOMMENT.onCourseComment);
    const post = await findPost(ctx.sequelize, ref, transaction);
    const now = ctx.now();
    await Recomment.create(
      { commentId, userId: actor.userId, content, createdAt: now },
      { transaction },
    );
    const alarms = recipientsExcept(actor.userId, comment.userId, post.authorId).map((userId) => ({
      userId,
      category: 'recomment' as const,
      nickname: actor.nickname,
      groupId: post.postId,
      groupTitle: post.title,
      commentId,
    }));
    await createAlarms(alarms, { transaction, now });
    return ref;
  });
  return recommentList(ctx, ref, ctx.now());
}

async function findRecomment(recommentId: string): Promise<Recomment> {
  const recomment = await findRecommentWithPost(recommentId);
  if (!recomment) throw notFound(RECOMMENT.notFound);
  return recomment;
}

/** `PATCH /recomment/:recommentId`: the author's edit; answers the post's reply list. */
export async function updateRecomment(
  ctx: Pick<AppContext, 'config' | 'now' | 'sequelize'>,
  actor: Actor,
  recommentId: string,
  content: string,
): Promise<RecommentItem[]> {
  const recomment = await findRecomment(recommentId);
  assertAuthor(recomment, actor.userId, RECOMMENT.notAuthorUpdate);
  await recomment.update({ content });
  return recommentList(ctx, postOf(recomment.comment as Comment), ctx.now());
}

/** `DELETE /recomment/:recommentId`: the author's delete. */
export async function deleteRecomment(actor: Actor, recommentId: string): Promise<void> {
  const recomment = await findRecomment(recommentId);
  assertAuthor(recomment, actor.userId, RECOMMENT.notAuthorDelete);
  await recomment.destroy();
}
