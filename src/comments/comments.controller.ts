import type { Request, Response } from 'express';
import { matchedData } from 'express-validator';
import { currentUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { createComment, deleteComment, listComments, updateComment } from './comments.service';
import type { PostCategory } from './comments.validators';
import { COMMENT } from './messages';
import type { PostRef } from './posts';

/** The post named by `/:category/:categoryId` (the category is validated by then). */
const postRef = (req: Request): PostRef => ({
  category: req.params.category as PostCategory,
  postId: String(req.params.categoryId),
});

/** The trimmed `content` the validators let through. */
export const validContent = (req: Request): string => String(matchedData(req).content);

export function getComments(ctx: AppContext) {
  return async (req: Request, res: Response) => {
    res.json({ success: true, data: await listComments(ctx, postRef(req)) });
  };
}

export function postComment(ctx: AppContext) {
  return async (req: Request, res: Response) => {
    const data = await createComment(ctx, currentUser(res), postRef(req), validContent(req));
    res.status(201).json({ success: true, data });
  };
}

export function patchComment(ctx: AppContext) {
  return async (req: Request, res: Response) => {
    const commentId = String(req.params.commentId);
    const data = await updateComment(ctx, currentUser(res), commentId, validContent(req));
    res.json({ success: true, data, message: COMMENT.updated });
  };
}

export function removeComment(ctx: AppContext) {
  return async (req: Request, res: Response) => {
    await deleteComment(ctx, currentUser(res), String(req.params.commentId));
    res.json({ success: true, message: COMMENT.deleted });
  };
}
