import { Router } from 'express';
import { optionalUser, requireUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { getComments, patchComment, postComment, removeComment } from './comments.controller';
import { createCommentRules, listCommentsRules, updateCommentRules } from './comments.validators';

/** `/comment`: comments on group runs and courses. Reading is open to guests. */
export function commentsRouter(ctx: AppContext): Router {
  const router = Router();
  router.get('/:category/:categoryId', optionalUser(ctx), listCommentsRules, getComments(ctx));
  router.post('/:category/:categoryId', requireUser(ctx), createCommentRules, postComment(ctx));
  router.patch('/:commentId', requireUser(ctx), updateCommentRules, patchComment(ctx));
  router.delete('/:commentId', requireUser(ctx), removeComment(ctx));
  return router;
}
