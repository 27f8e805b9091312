import type { NextFunction, Request, Response } from 'express';
import { currentUser, viewer } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { routeFileThrough, sendGpx } from '../lib/gpx';
import { sendJson } from '../lib/json-text';
import { uploadedImages } from '../uploads';
import { toggleBookmark } from './bookmarks.service';
import {
  assertAuthor,
  COURSE_ROUTE,
  createCourse,
  deleteCourse,
  updateCourse,
  viewCourse,
} from './courses.service';
import {
  getBookmarkedCoursesInput,
  getCourseGpxInput,
  getCourseInput,
  getCoursesInput,
  getStarPointInput,
  getUserCoursesInput,
  patchBookmarkInput,
  patchCourseInput,
  patchStarPointInput,
  postCourseInput,
  removeCourseInput,
} from './courses.validators';
import { listBookmarkedCourses, listCourses, listNewestCourses, listUserCourses } from './feed';
import { COURSE } from './messages';
import { rateCourse, summarizeRatings } from './ratings.service';

const viewerId = (res: Response) => viewer(res)?.userId ?? null;

export function postCourse(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const input = postCourseInput.input(res);
    const id = await createCourse(ctx, currentUser(res).userId, input, uploadedImages(res));
    res.status(201).json({ success: true, message: COURSE.created, data: { courseId: id } });
  };
}

/** Lets only the course's author on to the edit's upload: a stranger's files are never read. */
export async function authorOnly(req: Request, res: Response, next: NextFunction) {
  await assertAuthor(currentUser(res).userId, String(req.params.courseId));
  next();
}

export function patchCourse(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const input = patchCourseInput.input(res);
    await updateCourse(ctx, currentUser(res).userId, { ...input, images: uploadedImages(res) });
    res.json({ success: true, message: COURSE.updated });
  };
}

export function removeCourse(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const { courseId } = removeCourseInput.input(res);
    await deleteCourse(ctx, currentUser(res).userId, courseId);
    res.json({ success: true, message: COURSE.deleted });
  };
}

export function getCourses(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const input = getCoursesInput.input(res);
    const { feed, rankingFeed, preferData } = await listCourses(ctx, viewerId(res), input);
    sendJson(res, { success: true, data: { feed, rankingFeed }, preferData });
  };
}

export function getMainCourses(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    sendJson(res, { success: true, data: { feed: await listNewestCourses(ctx, viewerId(res)) } });
  };
}

export function getUserCourses(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const input = getUserCoursesInput.input(res);
    const feed = await listUserCourses(ctx, viewerId(res), input);
    res.json({ success: true, data: { feed } });
  };
}

export function getBookmarkedCourses(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const input = getBookmarkedCoursesInput.input(res);
    const feed = await listBookmarkedCourses(ctx, viewerId(res), input);
    res.json({ success: true, data: { feed } });
  };
}

export function getCourse(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const { courseId, ip } = getCourseInput.input(res);
    const data = await viewCourse(ctx, courseId, { userId: viewerId(res), ip });
    sendJson(res, { success: true, data });
  };
}

export function patchBookmark(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const { courseId } = patchBookmarkInput.input(res);
    const data = await toggleBookmark(ctx, currentUser(res).userId, courseId);
    res.json({ success: true, data });
  };
}

export function getStarPoint(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const { courseId } = getStarPointInput.input(res);
    res.json({ success: true, data: await summarizeRatings(ctx, courseId, viewerId(res)) });
  };
}

export function patchStarPoint(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const { courseId, myStarPoint } = patchStarPointInput.input(res);
    const data = await rateCourse(ctx, currentUser(res).userId, courseId, myStarPoint);
    res.json({ success: true, data });
  };
}

export function getCourseGpx(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const { courseId } = getCourseGpxInput.input(res);
    sendGpx(res, await routeFileThrough(ctx, COURSE_ROUTE, courseId));
  };
}
