import type { Request, Response } from 'express';
import { currentUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { sendJsonText } from '../lib/json-text';
import {
  getRecommentsInput,
  patchRecommentInput,
  postRecommentInput,
  removeRecommentInput,
} from './comments.validators';
import { RECOMMENT } from './messages';
import {
  createRecomment,
  deleteRecomment,
  recommentsBody,
  updateRecomment,
} from './recomments.service';

export function getRecomments(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const { commentId } = getRecommentsInput.input(res);
    sendJsonText(res, await recommentsBody(ctx, commentId));
  };
}

export function postRecomment(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const { commentId, content } = postRecommentInput.input(res);
    const data = await createRecomment(ctx, currentUser(res), commentId, content);
    res.status(201).json({ success: true, data });
  };
}

export function patchRecomment(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const { recommentId, content } = patchRecommentInput.input(res);
    const data = await updateRecomment(ctx, currentUser(res), recommentId, content);
    res.json({ success: true, message: RECOMMENT.updated, data });
  };
}

export async function removeRecomment(_req: Request, res: Response) {
  const { recommentId } = removeRecommentInput.input(res);
  await deleteRecomment(currentUser(res), recommentId);
  res.json({ success: true, message: RECOMMENT.deleted });
}
