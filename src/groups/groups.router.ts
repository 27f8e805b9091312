import { Router } from 'express';
import { optionalUser, requireUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { failureMessage } from '../lib/error-handler';
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
    failureMessage(GROUP.createFailed),
    signedIn,
    thumbnails,
    createRules,
    postGroup(ctx),
  );

  router.get(
    '/attendance/:groupId',
    failureMessage(GROUP.attendanceListFailed),
    signedIn,
    getAttendance(ctx),
  );
  router.patch(
    '/attendance/:groupId',
    failureMessage(GROUP.attendanceFailed),
    signedIn,
    jsonBody,
    attendanceRules,
    patchAttendance(ctx),
  );
  router.get(
    '/evaluation/:groupId',
    failureMessage(GROUP.evaluationPageFailed),
    signedIn,
    getEvaluation(ctx),
  );
  router.patch(
    '/evaluation/:groupId',
    failureMessage(GROUP.evaluationFailed),
    signedIn,
    jsonBody,
    evaluationRules,
    patchEvaluation(ctx),
  );

  router.get('/detail/:groupId', failureMessage(GROUP.detailFailed), anyone, getGroupDetail(ctx));
  router.post('/:groupId/apply', failureMessage(GROUP.applyFailed), signedIn, postApplication(ctx));
  router.get('/:category', failureMessage(GROUP.listFailed), anyone, getGroups(ctx));
  router.patch(
    '/:groupId',
    failureMessage(GROUP.updateFailed),
    signedIn,
    hostOnly,
    thumbnails,
    dropUndefinedFields,
    updateRules,
    patchGroup(ctx),
  );
  router.delete('/:groupId', failureMessage(GROUP.deleteFailed), signedIn, removeGroup(ctx));
  return router;
}
