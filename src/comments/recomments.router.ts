import { Router } from 'express';
import { optionalUser, requireUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import {
  getRecommentsInput,
  patchRecommentInput,
  postRecommentInput,
  removeRecommentInput,
} from './comments.validators';
import {
  getRecomments,
  patchRecomment,
  postRecomment,
  removeRecomment,
} from './recomments.controller';

/**
 * `/recomment`: replies, on group posts. The original left GET without any auth; it takes the
 * optional check here like every other public read (guests pass, a bad token does not).
 */
export function recommentsRouter(ctx: AppContext): Router {
  const router = Router();
  router.get('/:commentId', optionalUser(ctx), getRecommentsInput.check, getRecomments(ctx));
  router.post('/:commentId', requireUser(ctx), postRecommentInput.check, postRecomment(ctx));
  router.patch('/:recommentId', requireUser(ctx), patchRecommentInput.check, patchRecomment(ctx));
  router.delete('/:recommentId', requireUser(ctx), removeRecommentInput.check, removeRecomment);
  return router;
}
