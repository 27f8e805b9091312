import type { OpenAPIV3_1 } from 'openapi-types';
import {
  anyone,
  arrayOf,
  boolean,
  done,
  failure,
  integer,
  json,
  nullableString,
  number,
  object,
  pathParam,
  queryParam,
  ref,
  signedIn,
  string,
  unauthorized,
  type Paths,
} from '../docs/components';
import {
  imageFiles,
  multipartBody,
  ownerParam as owner,
  pageParams as page,
  signedInOperation,
  theme,
} from '../docs/operations';
import { COURSE as M } from './messages';

/** `/course`: course recommendations, their feeds, bookmarks and star ratings. */

export const schemas: Record<string, OpenAPIV3_1.SchemaObject> = {
  CourseCard: object(
    {
      courseId: string(),
      courseImageUrl1: nullableString('384-px variant'),
      bookmark: boolean('Whether the viewer bookmarked it'),
      title: string(),
      starPoint: number('Average rating, one decimal (0 when none)'),
      commentCnt: integer(),
      location: string('Short address'),
      distance: number('km, without unit'),
    },
    [],
    'A card of every course list.',
  ),
  CourseDetail: object({
    courseId: string(),
    title: string(),
    content: string(),
    location: string(),
    distance: number(),
    totalTime: nullableString('As typed, e.g. `1h 30min`'),
    courseImageUrl1: nullableString('758-px variant'),
    courseImageUrl2: nullableString(),
    courseImageUrl3: nullableString(),
    mapLatLng: arrayOf({}, 'The route as the SPA drew it'),
    parking: nullableString(),
    baggage: nullableString(),
    createdAt: string(),
    clickCnt: integer('Views'),
    thema: string(),
    user: object({
      userId: string(),
      nickname: string(),
      profileUrl: string(),
      userLevel: nullableString(),
      mannerPoint: number(),
    }),
    bookmark: boolean(),
  }),
  StarPoint: object({
    starPoint: number('Average, one decimal'),
    starPeople: integer(),
    myStarPoint: integer("The viewer's own rating, 0 when none"),
  }),
};

const feed = arrayOf(ref('CourseCard'));
const feedOnly = object({ success: { const: true }, data: object({ feed }) });
const courseId = pathParam('courseId', 'The course');
const notFound = failure('No such course', [M.notFound]);

const list = (
  summary: string,
  body: OpenAPIV3_1.SchemaObject,
  parameters: OpenAPIV3_1.ParameterObject[],
  missing = false,
): OpenAPIV3_1.OperationObject => ({
  tags: ['courses'],
  summary,
  security: anyone,
  parameters,
  responses: {
    '200': json('The cards', body),
    '400': failure('A bad query value', [M.listFailed]),
    '401': unauthorized(),
    ...(missing && { '404': failure('No such user', [M.listFailed]) }),
  },
});

const signedInOp = (
  summary: string,
  responses: OpenAPIV3_1.ResponsesObject,
  extra: Partial<OpenAPIV3_1.OperationObject> = {},
) => signedInOperation('courses', summary, responses, { parameters: [courseId], ...extra });

const FIELD_MESSAGES = [
  M.titleMissing,
  M.titleTooShort,
  M.titleTooLong,
  M.distanceMissing,
  M.distanceInvalid,
  M.locationMissing,
  M.locationTooLong,
  M.routeMissing,
  M.contentMissing,
  M.contentTooLong,
  M.totalTimeMissing,
  M.totalTimeTooLong,
  M.themeMissing,
  M.extraTooLong,
];

function form(required: boolean): OpenAPIV3_1.RequestBodyObject {
  return multipartBody(
    {
      courseImage: imageFiles,
      title: string(),
      totalTime: string('e.g. `1h 30min`'),
      parking: string(),
      baggage: string(),
      content: string(),
      thema: theme,
      location: string(),
      distance: string('km'),
      mapLatLng: string('The route as a JSON array'),
    },
    required ? ['title', 'distance', 'location', 'mapLatLng', 'content', 'totalTime'] : null,
  );
}

export const paths: Paths = {
  '/course': {
    post: {
      tags: ['courses'],
      summary: 'Recommend a course (multipart, at least one image)',
      security: signedIn,
      requestBody: form(true),
      responses: {
        '201': json(
          'Posted',
          object({
            success: { const: true },
            message: { const: M.created },
            data: object({ courseId: string() }),
          }),
        ),
        '400': failure('A bad field or image', [...FIELD_MESSAGES, M.imageMissing]),
        '401': unauthorized(),
        '500': failure('Unexpected failure', [M.createFailed]),
      },
    },
  },
  '/course/all': {
    get: list(
      'Courses of a region, sorted, with the ranking of the region',
      object({
        success: { const: true },
        data: object({ feed, rankingFeed: arrayOf(ref('CourseCard'), 'The best three') }),
        preferData: string("The region's label, empty for all regions"),
      }),
      [
        queryParam('region', '0 (all) to 9', { type: 'integer', minimum: 0, maximum: 9 }),
        queryParam('sort', 'Order', { enum: ['new', 'starPoint', 'comment', 'bookmark'] }),
        ...page,
      ],
    ),
  },
  '/course/main': { get: list('The newest courses', feedOnly, []) },
  '/course/mypage': {
    get: list('Courses a user recommended', feedOnly, [owner, ...page], true),
  },
  '/course/bookmark': {
    get: list('Courses a user bookmarked', feedOnly, [owner, ...page], true),
  },
  '/course/detail/{courseId}': {
    get: {
      tags: ['courses'],
      summary: 'A course (counts a view per viewer)',
      security: anyone,
      parameters: [courseId],
      responses: {
        '200': json('The course', object({ success: { const: true }, data: ref('CourseDetail') })),
        '401': unauthorized(),
        '404': failure('No such course', [M.detailFailed]),
        '500': failure('Unexpected failure', [M.detailFailed]),
      },
    },
  },
  '/course/{courseId}/starPoint': {
    get: {
      tags: ['courses'],
      summary: "A course's rating and the viewer's own",
      security: anyone,
      parameters: [courseId],
      responses: {
        '200': json('The rating', object({ success: { const: true }, data: ref('StarPoint') })),
        '401': unauthorized(),
        '404': notFound,
        '500': failure('Unexpected failure', [M.starPointFailed]),
      },
    },
    patch: signedInOp(
      'Rate a course 1..5 (`null` removes my rating)',
      {
        '200': json('Rated', object({ success: { const: true }, data: ref('StarPoint') })),
        '400': failure('Not 1..5 or null', [M.rateFailed]),
        '403': failure('My own course', [M.ownCourseRating]),
        '404': notFound,
        '500': failure('Unexpected failure', [M.rateFailed]),
      },
      {
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: object({
                myStarPoint: { type: ['integer', 'null'], minimum: 1, maximum: 5 },
              }),
            },
          },
        },
      },
    ),
  },
  '/course/{courseId}/bookmark': {
    patch: signedInOp('Bookmark, or remove the bookmark (a toggle)', {
      '200': json(
        'Toggled',
        object({ success: { const: true }, data: object({ bookmark: boolean() }) }),
      ),
      '404': notFound,
      '500': failure('Unexpected failure', [M.bookmarkFailed]),
    }),
  },
  '/course/{courseId}': {
    patch: signedInOp(
      "Edit a course (multipart, the author's only; the SPA has no edit page)",
      {
        '200': json('Edited', done(M.updated)),
        '400': failure('A bad field or image', FIELD_MESSAGES),
        '403': failure('Not the author', [M.notAuthorUpdate]),
        '404': notFound,
        '500': failure('Unexpected failure', [M.updateFailed]),
      },
      { requestBody: form(false) },
    ),
    delete: signedInOp('Delete a course (the author only)', {
      '200': json('Deleted', done(M.deleted)),
      '403': failure('Not the author', [M.notAuthorDelete]),
      '404': notFound,
      '500': failure('Unexpected failure', [M.deleteFailed]),
    }),
  },
};
