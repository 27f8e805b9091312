import type { Request } from 'express';
import { body, matchedData, type ValidationChain } from 'express-validator';
import { THEMES } from '../lib/codes';
import { badRequest } from '../lib/errors';
import { validated } from '../lib/validation';
import type { CourseEdit, CourseInput } from './courses.service';
import type { AllFeedQuery, Page, ProfileFeedQuery } from './feed';
import {
  CONTENT_MAX_LENGTH,
  COURSE,
  TEXT_MAX_LENGTH,
  TITLE_MAX_LENGTH,
  TITLE_MIN_LENGTH,
  TOTAL_TIME_MAX_LENGTH,
} from './messages';
import { parseRoute } from '../lib/route';

export const FEED_SORTS = ['new', 'starPoint', 'comment', 'bookmark'] as const;
export type FeedSort = (typeof FEED_SORTS)[number];
export const MAX_PAGE_SIZE = 100;

const isScalar = (value: unknown) => typeof value === 'string' || typeof value === 'number';

/**
 * A body field holding one value (a field repeated in a multipart form arrives as an array and
 * is refused with the field's message). On an edit every field may be left out (it stays as it
 * is); on a create all but `parking` and `baggage` are needed.
 */
const bodyField = (name: string, optional: boolean) =>
  optional ? body(name).optional() : body(name);
const field = (name: string, optional: boolean, message: string) =>
  bodyField(name, optional).custom(isScalar).withMessage(message).bail();

/** A text that is not blank once trimmed, stored trimmed, at most `max` characters. */
const text = (
  chain: ValidationChain,
  missing: string,
  max: number,
  tooLong: string,
): ValidationChain =>
  chain
    .isString()
    .withMessage(missing)
    .bail()
    .trim()
    .notEmpty()
    .withMessage(missing)
    .bail()
    .isLength({ max })
    .withMessage(tooLong);

/** Fields in the original's order, so the same first message wins; ours come after. */
function courseFields(optional: boolean): ValidationChain[] {
  return [
    text(
      field('title', optional, COURSE.titleMissing),
      COURSE.titleMissing,
      TITLE_MAX_LENGTH,
      COURSE.titleTooLong,
    )
      .bail()
      .isLength({ min: TITLE_MIN_LENGTH })
      .withMessage(COURSE.titleTooShort),
    field('distance', optional, COURSE.distanceMissing)
      .trim()
      .notEmpty()
      .withMessage(COURSE.distanceMissing)
      .bail()
      .isFloat({ min: 0, max: 100_000 })
      .withMessage(COURSE.distanceInvalid)
      .toFloat(),
    text(
      field('location', optional, COURSE.locationMissing),
      COURSE.locationMissing,
      TEXT_MAX_LENGTH,
      COURSE.locationTooLong,
    ),
    // A JSON string in a form, or the array itself in a JSON body.
    bodyField('mapLatLng', optional)
      .custom((value) => parseRoute(value) !== null)
      .withMessage(COURSE.routeMissing)
      .bail()
      .customSanitizer(parseRoute),
    text(
      field('content', optional, COURSE.contentMissing),
      COURSE.contentMissing,
      CONTENT_MAX_LENGTH,
      COURSE.contentTooLong,
    ),
    text(
      field('totalTime', optional, COURSE.totalTimeMissing),
      COURSE.totalTimeMissing,
      TOTAL_TIME_MAX_LENGTH,
      COURSE.totalTimeTooLong,
    ),
    field('thema', optional, COURSE.themeMissing).isIn(THEMES).withMessage(COURSE.themeMissing),
    ...['parking', 'baggage'].map((name) =>
      field(name, true, COURSE.extraTooLong)
        .isString()
        .withMessage(COURSE.extraTooLong)
        .bail()
        .trim()
        .isLength({ max: TEXT_MAX_LENGTH })
        .withMessage(COURSE.extraTooLong),
    ),
  ];
}

const courseIdOf = (req: Request) => String(req.params.courseId);
const bodyOf = (req: Request) => matchedData(req, { locations: ['body'] });

/** A new course: the fields (its photos are the upload's; at least one is needed). */
export const postCourseInput = validated(
  courseFields(false),
  (req): CourseInput => bodyOf(req) as CourseInput,
);

/** An edit: the fields sent, and the images to keep (a URL, or several under the same name). */
export const patchCourseInput = validated(
  courseFields(true),
  (req): Omit<CourseEdit, 'images'> => ({
    courseId: courseIdOf(req),
    fields: bodyOf(req) as Partial<CourseInput>,
    keep: (req.body as Record<string, unknown> | undefined)?.courseImageUrl,
  }),
);

/** The routes that name a course and nothing else. */
const courseIdInput = () => validated([], (req) => ({ courseId: courseIdOf(req) }));
export const removeCourseInput = courseIdInput();
export const getStarPointInput = courseIdInput();
export const getCourseGpxInput = courseIdInput();
export const patchBookmarkInput = courseIdInput();

/** The detail: the course and who looks (a guest by their address, for the view count). */
export const getCourseInput = validated([], (req) => ({
  courseId: courseIdOf(req),
  ip: req.ip ?? '',
}));

/** `null` clears the rating (what the SPA sends when the selected star is clicked again). */
export const patchStarPointInput = validated(
  [
    body('myStarPoint')
      .custom((value) => value === null || (isScalar(value) && /^[1-5]$/.test(String(value))))
      .withMessage(COURSE.rateFailed)
      .customSanitizer((value) => (value === null ? null : Number(value))),
  ],
  (req) => ({
    courseId: courseIdOf(req),
    myStarPoint: bodyOf(req).myStarPoint as number | null,
  }),
);

type Query = Record<string, unknown>;

/**
 * A list parameter: undefined when absent or empty, else its one value (`?page=1&page=2` is
 * refused). Written by hand rather than as express-validator chains: the course lists are hot
 * reads, and the chains (with `matchedData`) took a fifth of `/course/all`'s CPU time.
 */
function listParam(query: Query, name: string): string | undefined {
  const value: unknown = query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw badRequest(COURSE.listFailed);
  return value;
}

/** Decimal digits with an optional sign, as express-validator's `isInt` reads them. */
const INTEGER = /^[-+]?[0-9]+$/;

function intParam(query: Query, name: string, min: number, max: number): number | undefined {
  const value = listParam(query, name);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!INTEGER.test(value) || number < min || number > max) throw badRequest(COURSE.listFailed);
  return parseInt(value, 10);
}

/** `region` 0 (all) to 9, `sort`, 1-based `page` and `size`; bad values answer 400. */
function listQueryOf(req: Request): ListQuery {
  // Express parses the query string again on every read of `req.query`: read once.
  const query = req.query as Query;
  const sort = listParam(query, 'sort');
  if (sort !== undefined && !(FEED_SORTS as readonly string[]).includes(sort)) {
    throw badRequest(COURSE.listFailed);
  }
  return {
    region: intParam(query, 'region', 0, 9),
    sort: sort as FeedSort | undefined,
    page: intParam(query, 'page', 1, 1_000_000),
    size: intParam(query, 'size', 1, MAX_PAGE_SIZE),
    userId: listParam(query, 'userId'),
  };
}

/** The SPA asks for pages of 6. */
const DEFAULT_PAGE_SIZE = 6;

interface ListQuery {
  region?: number;
  sort?: FeedSort;
  page?: number;
  size?: number;
  userId?: string;
}

/** `GET /course/all`: the feed's region, sort and page, defaults filled in. */
export const getCoursesInput = validated([], (req): AllFeedQuery => {
  const q = listQueryOf(req);
  return {
    region: q.region ?? 0,
    sort: q.sort ?? 'new',
    page: q.page ?? 1,
    size: q.size ?? DEFAULT_PAGE_SIZE,
  };
});

/** `GET /course/main` reads no parameter, but refuses bad ones as the other lists do. */
export const getMainCoursesInput = validated([], listQueryOf);

/** `page`/`size` for the profile lists, which answer everything unless asked for a page. */
function optionalPage(q: ListQuery): Page | undefined {
  if (q.page === undefined && q.size === undefined) return undefined;
  return { page: q.page ?? 1, size: q.size ?? DEFAULT_PAGE_SIZE };
}

const profileFeedQuery = (req: Request): ProfileFeedQuery => {
  const q = listQueryOf(req);
  return { userId: q.userId, page: optionalPage(q) };
};

export const getUserCoursesInput = validated([], profileFeedQuery);
export const getBookmarkedCoursesInput = validated([], profileFeedQuery);
