import type { Request, Response } from 'express';
import { currentUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { validContent } from './comments.controller';
import { RECOMMENT } from './messages';
import {
  createRecomment,
  deleteRecomment,
  listRecomments,
  updateRecomment,
} from './recomments.service';

export function getRecomments(ctx: AppContext) {
  return async (req: Request, res: Response) => {
    res.json({ success: true, data: await listRecomments(ctx, String(req.params.commentId)) });
  };
}

export function postRecomment(ctx: AppContext) {
  return async (req: Request, res: Response) => {
    const commentId = String(req.params.commentId);
    const data = await createRecomment(ctx, currentUser(res), commentId, validContent(req));
    res.status(201).json({ success: true, data });
  };
}

export function patchRecomment(ctx: AppContext) {
  return async (req: Request, res: Response) => {
    const recommentId = String(req.params.recommentId);
    const data = await updateRecomment(ctx, currentUser(res), recommentId, validContent(req));
    res.json({ success: true, message: RECOMMENT.updated, data });
  };
}

export async function removeRecomment(req: Request, res: Response) {
  await deleteRecomment(currentUser(res), String(req.params.recommentId));
  res.json({ success: true, message: RECOMMENT.deleted });
}
