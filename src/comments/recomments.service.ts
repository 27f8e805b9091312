import { createAlarms, recipientsExcept } from '../alarms/alarms.service';
import type { AppContext } from '../lib/context';
import { badRequest, notFound } from '../lib/errors';
import { Recomment, type Comment } from '../db/models';
import { toRecommentItem } from './comments.mapper';
import { findRecommentWithPost, findRecommentsOf } from './comments.queries';
import { findComment } from './comments.service';
import { RECOMMENT } from './messages';
import { assertAuthor, findPost, postOf, type Actor, type PostRef } from './posts';

export type RecommentItem = ReturnType<typeof toRecommentItem>;

/**
 * Every reply under every comment of the post, oldest first, in one query. The SPA asks once
 * per post (with its first comment's id) and files the replies under their `commentId`.
 * Course posts are served too: the original accepted replies there, so old data may hold some.
 */
async function recommentList(
  ctx: Pick<AppContext, 'config' | 'now'>,
  ref: PostRef,
): Promise<RecommentItem[]> {
  const recomments = await findRecommentsOf(ref);
  const now = ctx.now();
  return recomments.map((recomment) => toRecommentItem(ctx.config, recomment, now));
}

/** `GET /recomment/:commentId`: the replies of the comment's whole post. */
export async function listRecomments(
  ctx: Pick<AppContext, 'config' | 'now'>,
  commentId: string,
): Promise<RecommentItem[]> {
  return recommentList(ctx, postOf(await findComment(commentId)));
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
    const comment = await findComment(commentId, transaction);
    const ref = postOf(comment);
    if (ref.category !== 'group') throw badRequest(RECOMMENT.onCourseComment);
    const post = await findPost(ref, transaction);
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
  return recommentList(ctx, ref);
}

async function findRecomment(recommentId: string): Promise<Recomment> {
  const recomment = await findRecommentWithPost(recommentId);
  if (!recomment) throw notFound(RECOMMENT.notFound);
  return recomment;
}

/** `PATCH /recomment/:recommentId`: the author's edit; answers the post's reply list. */
export async function updateRecomment(
  ctx: Pick<AppContext, 'config' | 'now'>,
  actor: Actor,
  recommentId: string,
  content: string,
): Promise<RecommentItem[]> {
  const recomment = await findRecomment(recommentId);
  assertAuthor(recomment, actor.userId, RECOMMENT.notAuthorUpdate);
  await recomment.update({ content });
  return recommentList(ctx, postOf(recomment.comment as Comment));
}

/** `DELETE /recomment/:recommentId`: the author's delete. */
export async function deleteRecomment(actor: Actor, recommentId: string): Promise<void> {
  const recomment = await findRecomment(recommentId);
  assertAuthor(recomment, actor.userId, RECOMMENT.notAuthorDelete);
  await recomment.destroy();
}
