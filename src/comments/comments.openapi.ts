import type { OpenAPIV3_1 } from 'openapi-types';
import {
  anyone,
  arrayOf,
  done,
  failure,
  integer,
  json,
  nullableString,
  object,
  pathParam,
  ref,
  string,
  type Paths,
} from '../docs/components';
import { jsonBody, signedInOperation } from '../docs/operations';
import { COMMENT, RECOMMENT } from './messages';

/** `/comment` (group runs and courses) and `/recomment` (replies, group runs only). */

const author = object({
  userId: string(),
  nickname: string(),
  profileUrl: string(),
  userLevel: nullableString(),
});

export const schemas: Record<string, OpenAPIV3_1.SchemaObject> = {
  Comment: object({
    commentId: string(),
    groupId: nullableString(),
    courseId: nullableString(),
    content: nullableString(),
    createdAt: string('Relative display time, e.g. `5분 전`'),
    user: author,
    recommentCount: integer(),
  }),
  Recomment: object({
    recommentId: string(),
    commentId: string('The comment it answers'),
    content: string(),
    createdAt: string('Relative display time'),
    user: author,
  }),
};

const list = (item: string, message?: string) =>
  object(
    {
      success: { const: true },
      ...(message && { message: { const: message } }),
      data: arrayOf(ref(item), 'The whole list of the post, oldest first'),
    },
    [],
  );

const contentBody = (what: string) => jsonBody(object({ content: string(what) }));

const op = signedInOperation;

const post = [
  pathParam('category', '`group` or `course`'),
  pathParam('categoryId', 'The run or the course'),
];
const commentId = [pathParam('commentId', 'The comment')];
/**
 * `/recomment/{id}` names a comment for GET and POST and a reply for PATCH and DELETE (the
 * original's paths); OpenAPI allows one parameter name per path.
 */
const ofComment = [pathParam('id', 'The comment')];
const ofReply = [pathParam('id', 'The reply')];
const badContent = (m: typeof COMMENT | typeof RECOMMENT) => [m.contentMissing, m.contentTooLong];

/** Editing and deleting one's own comment or reply: the same answers, each with its messages. */
function ownEditAndDelete(
  what: { tag: string; name: 'comment' | 'reply'; item: string; edited: string },
  m: typeof COMMENT | typeof RECOMMENT,
  parameters: OpenAPIV3_1.ParameterObject[],
) {
  const mine = `my ${what.name}`;
  const missing = `No such ${what.name}`;
  return {
    patch: op(
      what.tag,
      `Edit ${mine}; answers ${what.edited}`,
      {
        '200': json('Edited', list(what.item, m.updated)),
        '400': failure('Bad content', badContent(m)),
        '403': failure('Not mine', [m.notAuthorUpdate]),
        '404': failure(missing, [m.notFound]),
      },
      { parameters, requestBody: contentBody(`The ${what.name}`) },
    ),
    delete: op(
      what.tag,
      what.name === 'comment' ? 'Delete my comment (and its replies)' : 'Delete my reply',
      {
        '200': json('Deleted', done(m.deleted)),
        '403': failure('Not mine', [m.notAuthorDelete]),
        '404': failure(missing, [m.notFound]),
      },
      { parameters },
    ),
  };
}

export const paths: Paths = {
  '/comment/{category}/{categoryId}': {
    get: op(
      'comments',
      "A post's comments, oldest first",
      {
        '200': json('The comments', list('Comment')),
        '400': failure('Unknown category', [COMMENT.badCategory]),
        '404': failure('No such post', [COMMENT.postNotFound]),
      },
      { security: anyone, parameters: post },
    ),
    post: op(
      'comments',
      'Comment on a post; answers the whole list',
      {
        '201': json('Commented', list('Comment')),
        '400': failure('Bad content or category', [...badContent(COMMENT), COMMENT.badCategory]),
        '404': failure('No such post', [COMMENT.postNotFound]),
      },
      { parameters: post, requestBody: contentBody('The comment') },
    ),
  },
  '/comment/{commentId}': ownEditAndDelete(
    { tag: 'comments', name: 'comment', item: 'Comment', edited: 'the whole list' },
    COMMENT,
    commentId,
  ),
  '/recomment/{id}': {
    get: op(
      'replies',
      "Every reply of the comment's group post (the SPA files them by `commentId`)",
      {
        '200': json('The replies', list('Recomment')),
        '400': failure('A course comment', [RECOMMENT.onCourseComment]),
        '404': failure('No such comment', [COMMENT.notFound]),
      },
      { security: anyone, parameters: ofComment },
    ),
    post: op(
      'replies',
      'Reply to a comment; answers every reply of its post',
      {
        '201': json('Replied', list('Recomment')),
        '400': failure('Bad content, or a course comment', [
          ...badContent(RECOMMENT),
          RECOMMENT.onCourseComment,
        ]),
        '404': failure('No such comment', [COMMENT.notFound]),
      },
      { parameters: ofComment, requestBody: contentBody('The reply') },
    ),
    ...ownEditAndDelete(
      { tag: 'replies', name: 'reply', item: 'Recomment', edited: 'every reply of its post' },
      RECOMMENT,
      ofReply,
    ),
  },
};
