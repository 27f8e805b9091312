import { relativeTime } from '../lib/time';
import type { User } from '../users/user.model';
import type { Comment } from './comment.model';
import type { Recomment } from './recomment.model';

/** The author block of comments and replies. */
function toAuthor(user: User | undefined) {
  return {
    userId: user?.userId,
    nickname: user?.nickname,
    profileUrl: user?.profileUrl,
    userLevel: user?.userLevel ?? null,
  };
}

/** A comment in a post's list; `recommentCount` comes from the list query. */
export function toCommentItem(comment: Comment, now: Date) {
  return {
    commentId: comment.commentId,
    groupId: comment.groupId,
    courseId: comment.courseId,
    content: comment.content,
    createdAt: relativeTime(comment.createdAt, now),
    user: toAuthor(comment.user),
    recommentCount: Number(comment.get('recommentCount') ?? 0),
  };
}

/** A reply in a post's reply list; the SPA files it under its comment by `commentId`. */
export function toRecommentItem(recomment: Recomment, now: Date) {
  return {
    recommentId: recomment.recommentId,
    commentId: recomment.commentId,
    content: recomment.content,
    createdAt: relativeTime(recomment.createdAt, now),
    user: toAuthor(recomment.user),
  };
}
