import { Router, type RequestHandler } from 'express';
import { optionalUser, requireUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { jsonEvenIfMultipart } from '../lib/json-body';
import { uploadImages, MAX_IMAGES_PER_POST } from '../uploads';
import {
  getAttendance,
  getEvaluation,
  getGroupDetail,
  getGroups,
  hostOnly,
  patchAttendance,
  patchEvaluation,
  patchGroup,
  postApplication,
  postGroup,
  removeGroup,
} from './groups.controller';
import {
  attendanceRules,
  createRules,
  dropUndefinedFields,
  evaluationRules,
  updateRules,
} from './groups.validators';
import { GROUP } from './messages';

/** What an unexpected failure of the route answers (the original's per-endpoint message). */
const failsWith =
  (message: string): RequestHandler =>
  (_req, res, next) => {
    res.locals.failureMessage = message;
    next();
  };

/**
 * `/group`: group runs. Reads are open to guests (`Bearer undefined`); everything else needs a
 * signed-in user. The fixed paths come before `/:groupId` and `/:category`. An edit checks who
 * may make it before its files are read (the per-IP limits of app.ts come before all of it).
 */
export function groupsRouter(ctx: AppContext): Router {
  const router = Router();
  const signedIn = requireUser(ctx);
  const anyone = optionalUser(ctx);
  const thumbnails = uploadImages(ctx, { field: 'thumbnail', maxCount: MAX_IMAGES_PER_POST });
  const jsonBody = jsonEvenIfMultipart(ctx.config.http.bodyLimit);

  router.post(
    '/',
    failsWith(GROUP.createFailed),
    signedIn,
    thumbnails,
    createRules,
    postGroup(ctx),
  );

  router.get(
    '/attendance/:groupId',
    failsWith(GROUP.attendanceListFailed),
    signedIn,
    getAttendance(ctx),
  );
  router.patch(
    '/attendance/:groupId',
    failsWith(GROUP.attendanceFailed),
    signedIn,
    jsonBody,
    attendanceRules,
    patchAttendance(ctx),
  );
  router.get(
    '/evaluation/:groupId',
    failsWith(GROUP.evaluationPageFailed),
    signedIn,
    getEvaluation(ctx),
  );
  router.patch(
    '/evaluation/:groupId',
    failsWith(GROUP.evaluationFailed),
    signedIn,
    jsonBody,
    evaluationRules,
    patchEvaluation(ctx),
  );

  router.get('/detail/:groupId', failsWith(GROUP.detailFailed), anyone, getGroupDetail(ctx));
  router.post('/:groupId/apply', failsWith(GROUP.applyFailed), signedIn, postApplication(ctx));
  router.get('/:category', failsWith(GROUP.listFailed), anyone, getGroups(ctx));
  router.patch(
    '/:groupId',
    failsWith(GROUP.updateFailed),
    signedIn,
    hostOnly,
    thumbnails,
    dropUndefinedFields,
    updateRules,
    patchGroup(ctx),
  );
  router.delete('/:groupId', failsWith(GROUP.deleteFailed), signedIn, removeGroup(ctx));
  return router;
}
