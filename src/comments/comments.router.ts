import { Router } from 'express';
import { optionalUser, requireUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { getComments, patchComment, postComment, removeComment } from './comments.controller';
import {
  getCommentsInput,
  patchCommentInput,
  postCommentInput,
  removeCommentInput,
} from './comments.validators';

/** `/comment`: comments on group runs and courses. Reading is open to guests. */
export function commentsRouter(ctx: AppContext): Router {
  const router = Router();
  const post = '/:category/:categoryId';
  router.get(post, optionalUser(ctx), getCommentsInput.check, getComments(ctx));
  router.post(post, requireUser(ctx), postCommentInput.check, postComment(ctx));
  router.patch('/:commentId', requireUser(ctx), patchCommentInput.check, patchComment(ctx));
  router.delete('/:commentId', requireUser(ctx), removeCommentInput.check, removeComment(ctx));
  return router;
}
