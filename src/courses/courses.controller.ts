import type { NextFunction, Request, Response } from 'express';
import { matchedData } from 'express-validator';
import { currentUser, viewer } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { uploadedImages } from '../uploads';
import { toggleBookmark } from './bookmarks.service';
import {
  assertAuthor,
  createCourse,
  deleteCourse,
  getCourseDetail,
  updateCourse,
} from './courses.service';
import type { CourseInput } from './courses.service';
import type { FeedSort } from './courses.validators';
import { allFeed, bookmarkFeed, mainFeed, userFeed, type Page } from './feed';
import { COURSE } from './messages';
import { getStarPoint, rateCourse } from './ratings.service';

/** The SPA asks for pages of 6. */
const DEFAULT_PAGE_SIZE = 6;

interface ListQuery {
  region?: number;
  sort?: FeedSort;
  page?: number;
  size?: number;
  userId?: string;
}

const listQuery = (req: Request) => matchedData(req, { locations: ['query'] }) as ListQuery;
const courseId = (req: Request) => String(req.params.courseId);
const viewerId = (res: Response) => viewer(res)?.userId ?? null;

/** `page`/`size` for the profile lists, which answer everything unless asked for a page. */
function optionalPage(query: ListQuery): Page | undefined {
  if (query.page === undefined && query.size === undefined) return undefined;
  return { page: query.page ?? 1, size: query.size ?? DEFAULT_PAGE_SIZE };
}

export function postCourse(ctx: AppContext) {
  return async (req: Request, res: Response) => {
    const input = matchedData(req, { locations: ['body'] }) as CourseInput;
    const id = await createCourse(ctx, currentUser(res).userId, input, uploadedImages(res));
    res.status(201).json({ success: true, message: COURSE.created, data: { courseId: id } });
  };
}

/** Lets only the course's author on to the edit's upload: a stranger's files are never read. */
export async function authorOnly(req: Request, res: Response, next: NextFunction) {
  await assertAuthor(currentUser(res).userId, courseId(req));
  next();
}

export function patchCourse(ctx: AppContext) {
  return async (req: Request, res: Response) => {
    await updateCourse(ctx, currentUser(res).userId, courseId(req), {
      fields: matchedData(req, { locations: ['body'] }) as Partial<CourseInput>,
      // The images to keep: a URL, or several under the same name (like the group edit's).
      keep: (req.body as Record<string, unknown> | undefined)?.courseImageUrl,
      images: uploadedImages(res),
    });
    res.json({ success: true, message: COURSE.updated });
  };
}

export function removeCourse(ctx: AppContext) {
  return async (req: Request, res: Response) => {
    await deleteCourse(ctx, currentUser(res).userId, courseId(req));
    res.json({ success: true, message: COURSE.deleted });
  };
}

export function getAll(ctx: AppContext) {
  return async (req: Request, res: Response) => {
    const query = listQuery(req);
    const { feed, rankingFeed, preferData } = await allFeed(ctx, viewerId(res), {
      region: query.region ?? 0,
      sort: query.sort ?? 'new',
      page: query.page ?? 1,
      size: query.size ?? DEFAULT_PAGE_SIZE,
    });
    res.json({ success: true, data: { feed, rankingFeed }, preferData });
  };
}

export function getMain(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    res.json({ success: true, data: { feed: await mainFeed(ctx, viewerId(res)) } });
  };
}

export function getMine(ctx: AppContext) {
  return async (req: Request, res: Response) => {
    const query = listQuery(req);
    const feed = await userFeed(ctx, viewerId(res), query.userId, optionalPage(query));
    res.json({ success: true, data: { feed } });
  };
}

export function getBookmarked(ctx: AppContext) {
  return async (req: Request, res: Response) => {
    const query = listQuery(req);
    const feed = await bookmarkFeed(ctx, viewerId(res), query.userId, optionalPage(query));
    res.json({ success: true, data: { feed } });
  };
}

export function getDetail(ctx: AppContext) {
  return async (req: Request, res: Response) => {
    const viewer = { userId: viewerId(res), ip: req.ip ?? '' };
    res.json({ success: true, data: await getCourseDetail(ctx, courseId(req), viewer) });
  };
}

export function patchBookmark(ctx: AppContext) {
  return async (req: Request, res: Response) => {
    const data = await toggleBookmark(ctx, currentUser(res).userId, courseId(req));
    res.json({ success: true, data });
  };
}

export function getRating(ctx: AppContext) {
  return async (req: Request, res: Response) => {
    res.json({ success: true, data: await getStarPoint(ctx, courseId(req), viewerId(res)) });
  };
}

export function patchRating(ctx: AppContext) {
  return async (req: Request, res: Response) => {
    const { myStarPoint } = matchedData(req, { locations: ['body'] }) as {
      myStarPoint: number | null;
    };
    const data = await rateCourse(ctx, currentUser(res).userId, courseId(req), myStarPoint);
    res.json({ success: true, data });
  };
}
