import type { ReadCacheSpec } from '../lib/read-cache';
import { Comment, Course, Group, Recomment, User } from '../db/models';

/**
 * The comment threads (`GET /comment/:category/:id`, `GET /recomment/:commentId`), kept in each
 * process for the rest of the current second while nothing they show has changed (see
 * `ReadCache`). A thread is the same for every viewer, so its body is kept serialized.
 *
 * Watched: comments, replies and users (authors' names and avatars), and the posts: deleting a
 * run or a course deletes its comments by foreign key, which no hook sees, and the thread of a
 * deleted post answers 404.
 */
export const COMMENT_THREADS: ReadCacheSpec = {
  name: 'comments:threads',
  label: 'comment_threads',
  models: [Comment, Recomment, User, Group, Course],
};
