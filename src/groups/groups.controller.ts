import type { NextFunction, Request, Response } from 'express';
import { currentUser, viewer } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { unauthorized } from '../lib/errors';
import { routeFileThrough, sendGpx } from '../lib/gpx';
import { sendJson, sendJsonText } from '../lib/json-text';
import { uploadedImages } from '../uploads';
import { toggleApplication } from './applications.service';
import { openAttendanceSheet, submitAttendance } from './attendance.service';
import { groupDetailBody } from './detail.service';
import { evaluateHost, findHostToEvaluate } from './evaluation.service';
import { assertHost, createGroup, deleteGroup, GROUP_ROUTE, updateGroup } from './groups.service';
import {
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
import { listGroups } from './lists.service';
import { GROUP } from './messages';
import { getNearGroupsInput } from './near-query';
import { listNearby } from './near.service';
import { toggleWaitlist } from './waitlist.service';

export function postGroup(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const fields = postGroupInput.input(res);
    const groupId = await createGroup(ctx, currentUser(res).userId, fields, uploadedImages(res));
    res.status(201).json({ success: true, message: GROUP.created, groupId });
  };
}

/** Lets only the run's host on to the edit's upload: a stranger's files are never read. */
export async function hostOnly(req: Request, res: Response, next: NextFunction) {
  await assertHost(currentUser(res).userId, String(req.params.groupId));
  next();
}

/** The preferred list is the signed-in user's own: a guest is refused before its query is read. */
export function signedInForPreferred(req: Request, res: Response, next: NextFunction) {
  if (req.params.category === 'prefer' && !viewer(res)) throw unauthorized(GROUP.loginRequired);
  next();
}

export function patchGroup(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const input = patchGroupInput.input(res);
    await updateGroup(ctx, currentUser(res).userId, input, uploadedImages(res));
    res.json({ success: true, message: GROUP.updated });
  };
}

export function removeGroup(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const { groupId } = removeGroupInput.input(res);
    await deleteGroup(ctx, currentUser(res).userId, groupId);
    res.json({ success: true, message: GROUP.deleted });
  };
}

export function getGroups(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const list = await listGroups(ctx, viewer(res), getGroupsInput.input(res));
    sendJson(res, { success: true, ...list });
  };
}

export function getNearGroups(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const data = await listNearby(ctx, viewer(res), getNearGroupsInput.input(res));
    sendJson(res, { success: true, data });
  };
}

export function getGroupGpx(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const { groupId } = getGroupGpxInput.input(res);
    sendGpx(res, await routeFileThrough(ctx, GROUP_ROUTE, groupId));
  };
}

export function getGroupDetail(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const { groupId } = getGroupDetailInput.input(res);
    sendJsonText(res, await groupDetailBody(ctx, groupId, viewer(res)?.userId ?? null));
  };
}

export function postApplication(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const { groupId } = postApplicationInput.input(res);
    const result = await toggleApplication(ctx, currentUser(res).userId, groupId);
    res.json({ success: true, ...result });
  };
}

export function postWaitlist(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const { groupId } = postWaitlistInput.input(res);
    const result = await toggleWaitlist(ctx, currentUser(res).userId, groupId);
    res.json({ success: true, ...result });
  };
}

export function getAttendance(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const { groupId } = getAttendanceInput.input(res);
    const sheet = await openAttendanceSheet(ctx, currentUser(res).userId, groupId);
    res.json({ success: true, ...sheet });
  };
}

export function patchAttendance(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const { groupId, indexes } = patchAttendanceInput.input(res);
    await submitAttendance(ctx, currentUser(res).userId, groupId, indexes);
    res.json({ success: true, message: GROUP.attendanceDone });
  };
}

export function getEvaluation(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const { groupId } = getEvaluationInput.input(res);
    const hostUser = await findHostToEvaluate(ctx, currentUser(res).userId, groupId);
    res.json({ success: true, hostUser });
  };
}

export function patchEvaluation(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const { groupId, evaluation } = patchEvaluationInput.input(res);
    await evaluateHost(ctx, currentUser(res).userId, groupId, evaluation);
    res.json({ success: true, message: GROUP.evaluated });
  };
}
