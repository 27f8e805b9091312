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
  getGroupGpx,
  getGroups,
  getNearGroups,
  hostOnly,
  signedInForPreferred,
  patchAttendance,
  patchEvaluation,
  patchGroup,
  postApplication,
  postGroup,
  postWaitlist,
  removeGroup,
} from './groups.controller';
import {
  dropUndefinedFields,
  getAttendanceInput,
  getEvaluationInput,
  getGroupDetailInput,
  getGroupGpxInput,
  getGroupsInput,
  patchAttendanceInput,
  patchEvaluationInput,
  patchGroupInput,
  postApplicationInput,
  postGroupInput,
  postWaitlistInput,
  removeGroupInput,
} from './groups.validators';
import { GROUP, WAITLIST } from './messages';
import { getNearGroupsInput } from './near-query';

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
    postGroupInput.check,
    postGroup(ctx),
  );

  router.get(
    '/attendance/:groupId',
    failureMessage(GROUP.attendanceListFailed),
    signedIn,
    getAttendanceInput.check,
    getAttendance(ctx),
  );
  router.patch(
    '/attendance/:groupId',
    failureMessage(GROUP.attendanceFailed),
    signedIn,
    jsonBody,
    patchAttendanceInput.check,
    patchAttendance(ctx),
  );
  router.get(
    '/evaluation/:groupId',
    failureMessage(GROUP.evaluationPageFailed),
    signedIn,
    getEvaluationInput.check,
    getEvaluation(ctx),
  );
  router.patch(
    '/evaluation/:groupId',
    failureMessage(GROUP.evaluationFailed),
    signedIn,
    jsonBody,
    patchEvaluationInput.check,
    patchEvaluation(ctx),
  );

  router.get(
    '/detail/:groupId',
    failureMessage(GROUP.detailFailed),
    anyone,
    getGroupDetailInput.check,
    getGroupDetail(ctx),
  );
  router.get(
    '/near',
    failureMessage(GROUP.listFailed),
    anyone,
    getNearGroupsInput.check,
    getNearGroups(ctx),
  );
  // The route as a GPX 1.1 file, public like the detail page.
  router.get(
    '/:groupId/route.gpx',
    failureMessage(GROUP.detailFailed),
    anyone,
    getGroupGpxInput.check,
    getGroupGpx(ctx),
  );
  router.post(
    '/:groupId/apply',
    failureMessage(GROUP.applyFailed),
    signedIn,
    postApplicationInput.check,
    postApplication(ctx),
  );
  router.post(
    '/:groupId/waitlist',
    failureMessage(WAITLIST.failed),
    signedIn,
    postWaitlistInput.check,
    postWaitlist(ctx),
  );
  router.get(
    '/:category',
    failureMessage(GROUP.listFailed),
    anyone,
    signedInForPreferred,
    getGroupsInput.check,
    getGroups(ctx),
  );
  router.patch(
    '/:groupId',
    failureMessage(GROUP.updateFailed),
    signedIn,
    hostOnly,
    thumbnails,
    dropUndefinedFields,
    patchGroupInput.check,
    patchGroup(ctx),
  );
  router.delete(
    '/:groupId',
    failureMessage(GROUP.deleteFailed),
    signedIn,
    removeGroupInput.check,
    removeGroup(ctx),
  );
  return router;
}
