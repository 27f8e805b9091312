import { Router } from 'express';
import { optionalUser, requireUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { failureMessage } from '../lib/error-handler';
import { MAX_IMAGES_PER_POST, uploadImages } from '../uploads';
import {
  authorOnly,
  getAll,
  getBookmarked,
  getDetail,
  getMain,
  getMine,
  getRating,
  patchBookmark,
  patchCourse,
  patchRating,
  postCourse,
  removeCourse,
} from './courses.controller';
import { createCourseRules, listRules, rateRules, updateCourseRules } from './courses.validators';
import { COURSE } from './messages';

/**
 * `/course`: course recommendations, their feeds, bookmarks and star ratings. Reading is open to
 * guests. Routes name the original's failure message for their unexpected errors. An edit
 * checks who may make it before its files are read.
 */
export function coursesRouter(ctx: AppContext): Router {
  const router = Router();
  const images = uploadImages(ctx, { field: 'courseImage', maxCount: MAX_IMAGES_PER_POST });
  // No failure message of their own: the original's list message makes the SPA sign out.
  const lists = [optionalUser(ctx), listRules];

  router.post(
    '/',
    failureMessage(COURSE.createFailed),
    requireUser(ctx),
    images,
    createCourseRules,
    postCourse(ctx),
  );
  // The four lists the SPA asks for; any other `/course/:category` is an unknown route (404).
  router.get('/all', lists, getAll(ctx));
  router.get('/main', lists, getMain(ctx));
  router.get('/mypage', lists, getMine(ctx));
  router.get('/bookmark', lists, getBookmarked(ctx));
  router.get(
    '/detail/:courseId',
    failureMessage(COURSE.detailFailed),
    optionalUser(ctx),
    getDetail(ctx),
  );
  router.get(
    '/:courseId/starPoint',
    failureMessage(COURSE.starPointFailed),
    optionalUser(ctx),
    getRating(ctx),
  );
  router.patch(
    '/:courseId/starPoint',
    failureMessage(COURSE.rateFailed),
    requireUser(ctx),
    rateRules,
    patchRating(ctx),
  );
  router.patch(
    '/:courseId/bookmark',
    failureMessage(COURSE.bookmarkFailed),
    requireUser(ctx),
    patchBookmark(ctx),
  );
  router.patch(
    '/:courseId',
    failureMessage(COURSE.updateFailed),
    requireUser(ctx),
    authorOnly,
    images,
    updateCourseRules,
    patchCourse(ctx),
  );
  router.delete(
    '/:courseId',
    failureMessage(COURSE.deleteFailed),
    requireUser(ctx),
    removeCourse(ctx),
  );
  return router;
}
