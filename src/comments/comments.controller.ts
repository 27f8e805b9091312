import type { Request, Response } from 'express';
import { currentUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { sendJsonText } from '../lib/json-text';
import { createComment, deleteComment, commentsBody, updateComment } from './comments.service';
import {
  getCommentsInput,
  patchCommentInput,
  postCommentInput,
  removeCommentInput,
} from './comments.validators';
import { COMMENT } from './messages';

export function getComments(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const { post } = getCommentsInput.input(res);
    sendJsonText(res, await commentsBody(ctx, post));
  };
}

export function postComment(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const { post, content } = postCommentInput.input(res);
    const data = await createComment(ctx, currentUser(res), post, content);
    res.status(201).json({ success: true, data });
  };
}

export function patchComment(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const { commentId, content } = patchCommentInput.input(res);
    const data = await updateComment(ctx, currentUser(res), commentId, content);
    res.json({ success: true, data, message: COMMENT.updated });
  };
}

export function removeComment(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const { commentId } = removeCommentInput.input(res);
    await deleteComment(ctx, currentUser(res), commentId);
    res.json({ success: true, message: COMMENT.deleted });
  };
}
