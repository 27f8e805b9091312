import type { Config } from '../config';
import { relativeTime } from '../lib/time';
import { avatarUrl } from '../uploads';
import type { Recomment, User } from '../db/models';
import type { CommentRow } from './comments.queries';

type AvatarConfig = Pick<Config, 'images' | 'publicUrl'>;

/** The author block of comments and replies. */
function toAuthor(config: AvatarConfig, user: User | undefined) {
  return {
    userId: user?.userId,
    nickname: user?.nickname,
    profileUrl: user ? avatarUrl(config, user.profileUrl) : undefined,
    userLevel: user?.userLevel ?? null,
  };
}

/** A comment in a post's list; `recommentCount` comes from the list query. */
export function toCommentItem(
  config: AvatarConfig,
  { comment, recommentCount }: CommentRow,
  now: Date,
) {
  return {
    commentId: comment.commentId,
    groupId: comment.groupId,
    courseId: comment.courseId,
    content: comment.content,
    createdAt: relativeTime(comment.createdAt, now),
    user: toAuthor(config, comment.user),
    recommentCount,
  };
}

/** A reply in a post's reply list; the SPA files it under its comment by `commentId`. */
export function toRecommentItem(config: AvatarConfig, recomment: Recomment, now: Date) {
  return {
    recommentId: recomment.recommentId,
    commentId: recomment.commentId,
    content: recomment.content,
    createdAt: relativeTime(recomment.createdAt, now),
    user: toAuthor(config, recomment.user),
  };
}
