import { body, param } from 'express-validator';
import { validate } from '../lib/validation';
import { COMMENT, CONTENT_MAX_LENGTH, RECOMMENT } from './messages';

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

// As in the original, a missing content is reported before a bad category.
export const createCommentRules = validate([content(COMMENT), category()]);
export const listCommentsRules = validate([category()]);
export const updateCommentRules = validate([content(COMMENT)]);
export const recommentContentRules = validate([content(RECOMMENT)]);
