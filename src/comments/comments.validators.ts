import type { Request } from 'express';
import { body, matchedData, param } from 'express-validator';
import { validated } from '../lib/validation';
import { COMMENT, CONTENT_MAX_LENGTH, RECOMMENT } from './messages';
import type { PostRef } from './posts';

export const POST_CATEGORIES = ['group', 'course'] as const;
export type PostCategory = (typeof POST_CATEGORIES)[number];

/**
 * `content`: a string that is not blank once trimmed, stored trimmed. The limit counts
 * characters (an emoji is one), not UTF-16 units or bytes.
 */
const content = (messages: { contentMissing: string; contentTooLong: string }) =>
  body('content')
    .isString()
    .withMessage(messages.contentMissing)
    .bail()
    .trim()
    .notEmpty()
    .withMessage(messages.contentMissing)
    .bail()
    .isLength({ max: CONTENT_MAX_LENGTH })
    .withMessage(messages.contentTooLong);

const category = () => param('category').isIn(POST_CATEGORIES).withMessage(COMMENT.badCategory);

/** The post named by `/:category/:categoryId` (the category is validated by then). */
const postOf = (req: Request): PostRef => ({
  category: req.params.category as PostCategory,
  postId: String(req.params.categoryId),
});
/** The trimmed `content` the chains let through. */
const contentOf = (req: Request) => String(matchedData(req, { locations: ['body'] }).content);
const commentIdOf = (req: Request) => String(req.params.commentId);
const recommentIdOf = (req: Request) => String(req.params.recommentId);

export const getCommentsInput = validated([category()], (req) => ({ post: postOf(req) }));
// As in the original, a missing content is reported before a bad category.
export const postCommentInput = validated([content(COMMENT), category()], (req) => ({
  post: postOf(req),
  content: contentOf(req),
}));
export const patchCommentInput = validated([content(COMMENT)], (req) => ({
  commentId: commentIdOf(req),
  content: contentOf(req),
}));
export const removeCommentInput = validated([], (req) => ({ commentId: commentIdOf(req) }));

export const getRecommentsInput = validated([], (req) => ({ commentId: commentIdOf(req) }));
export const postRecommentInput = validated([content(RECOMMENT)], (req) => ({
  commentId: commentIdOf(req),
  content: contentOf(req),
}));
export const patchRecommentInput = validated([content(RECOMMENT)], (req) => ({
  recommentId: recommentIdOf(req),
  content: contentOf(req),
}));
export const removeRecommentInput = validated([], (req) => ({
  recommentId: recommentIdOf(req),
}));
