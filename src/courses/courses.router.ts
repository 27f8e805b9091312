import { Router } from 'express';
import { optionalUser, requireUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { failureMessage } from '../lib/error-handler';
import { MAX_IMAGES_PER_POST, uploadImages } from '../uploads';
import {
  authorOnly,
  getBookmarkedCourses,
  getCourse,
  getCourseGpx,
  getCourses,
  getMainCourses,
  getStarPoint,
  getUserCourses,
  patchBookmark,
  patchCourse,
  patchStarPoint,
  postCourse,
  removeCourse,
} from './courses.controller';
import {
  getBookmarkedCoursesInput,
  getCourseGpxInput,
  getCourseInput,
  getCoursesInput,
  getMainCoursesInput,
  getStarPointInput,
  getUserCoursesInput,
  patchBookmarkInput,
  patchCourseInput,
  patchStarPointInput,
  postCourseInput,
  removeCourseInput,
} from './courses.validators';
import { COURSE } from './messages';

/**
 * `/course`: course recommendations, their feeds, bookmarks and star ratings. Reading is open to
 * guests. Routes name the original's failure message for their unexpected errors. An edit
 * checks who may make it before its files are read.
 */
export function coursesRouter(ctx: AppContext): Router {
  const router = Router();
  const images = uploadImages(ctx, { field: 'courseImage', maxCount: MAX_IMAGES_PER_POST });
  // The lists name no failure message of their own: the original's makes the SPA sign out.
  const guest = optionalUser(ctx);

  router.post(
    '/',
    failureMessage(COURSE.createFailed),
    requireUser(ctx),
    images,
    postCourseInput.check,
    postCourse(ctx),
  );
  // The four lists the SPA asks for; any other `/course/:category` is an unknown route (404).
  router.get('/all', guest, getCoursesInput.check, getCourses(ctx));
  router.get('/main', guest, getMainCoursesInput.check, getMainCourses(ctx));
  router.get('/mypage', guest, getUserCoursesInput.check, getUserCourses(ctx));
  router.get('/bookmark', guest, getBookmarkedCoursesInput.check, getBookmarkedCourses(ctx));
  router.get(
    '/detail/:courseId',
    failureMessage(COURSE.detailFailed),
    optionalUser(ctx),
    getCourseInput.check,
    getCourse(ctx),
  );
  // The route as a GPX 1.1 file, public like the detail page.
  router.get(
    '/:courseId/route.gpx',
    failureMessage(COURSE.detailFailed),
    guest,
    getCourseGpxInput.check,
    getCourseGpx(ctx),
  );
  router.get(
    '/:courseId/starPoint',
    failureMessage(COURSE.starPointFailed),
    optionalUser(ctx),
    getStarPointInput.check,
    getStarPoint(ctx),
  );
  router.patch(
    '/:courseId/starPoint',
    failureMessage(COURSE.rateFailed),
    requireUser(ctx),
    patchStarPointInput.check,
    patchStarPoint(ctx),
  );
  router.patch(
    '/:courseId/bookmark',
    failureMessage(COURSE.bookmarkFailed),
    requireUser(ctx),
    patchBookmarkInput.check,
    patchBookmark(ctx),
  );
  router.patch(
    '/:courseId',
    failureMessage(COURSE.updateFailed),
    requireUser(ctx),
    authorOnly,
    images,
    patchCourseInput.check,
    patchCourse(ctx),
  );
  router.delete(
    '/:courseId',
    failureMessage(COURSE.deleteFailed),
    requireUser(ctx),
    removeCourseInput.check,
    removeCourse(ctx),
  );
  return router;
}
