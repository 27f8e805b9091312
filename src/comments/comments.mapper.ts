import type { Config } from '../config';
import { relativeTime } from '../lib/time';
import { avatarUrl } from '../uploads';
import type { Author, CommentRow, RecommentRow } from './comments.queries';

type AvatarConfig = Pick<Config, 'images' | 'publicUrl'>;

/** The author block of comments and replies. */
function toAuthor(config: AvatarConfig, author: Author) {
  return {
    userId: author.userId,
    nickname: author.nickname,
    profileUrl: avatarUrl(config, author.profileUrl),
    userLevel: author.userLevel,
  };
}

/** A comment in a post's list; `recommentCount` comes from the list query. */
export function toCommentItem(config: AvatarConfig, row: CommentRow, now: Date) {
  return {
    commentId: row.commentId,
    groupId: row.groupId,
    courseId: row.courseId,
    content: row.content,
    createdAt: relativeTime(row.createdAt, now),
    user: toAuthor(config, row.author),
    recommentCount: row.recommentCount,
  };
}

/** A reply in a post's reply list; the SPA files it under its comment by `commentId`. */
export function toRecommentItem(config: AvatarConfig, row: RecommentRow, now: Date) {
  return {
    recommentId: row.recommentId,
    commentId: row.commentId,
    content: row.content,
    createdAt: relativeTime(row.createdAt, now),
    user: toAuthor(config, row.author),
  };
}
