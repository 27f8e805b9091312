import type { NextFunction, Request, Response } from 'express';
import { currentUser, viewer } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { uploadedImages } from '../uploads';
import { toggleApplication } from './applications.service';
import { attendanceSheet, submitAttendance } from './attendance.service';
import { evaluateHost, evaluationPage } from './evaluation.service';
import { assertHost, createGroup, deleteGroup, groupDetail, updateGroup } from './groups.service';
import { attendanceIndexes, evaluationInput, groupChanges, groupFields } from './groups.validators';
import { listGroups } from './lists.service';
import { GROUP } from './messages';

const groupIdOf = (req: Request) => String(req.params.groupId);

export function postGroup(ctx: AppContext) {
  return async (req: Request, res: Response) => {
    const groupId = await createGroup(
      ctx,
      currentUser(res).userId,
      groupFields(req),
      uploadedImages(res),
    );
    res.status(201).json({ success: true, message: GROUP.created, groupId });
  };
}

/** Lets only the run's host on to the edit's upload: a stranger's files are never read. */
export async function hostOnly(req: Request, res: Response, next: NextFunction) {
  await assertHost(currentUser(res).userId, groupIdOf(req));
  next();
}

export function patchGroup(ctx: AppContext) {
  return async (req: Request, res: Response) => {
    await updateGroup(
      ctx,
      currentUser(res).userId,
      groupIdOf(req),
      groupChanges(req),
      req.body.thumbnailUrl,
      uploadedImages(res),
    );
    res.json({ success: true, message: GROUP.updated });
  };
}

export function removeGroup(ctx: AppContext) {
  return async (req: Request, res: Response) => {
    await deleteGroup(ctx, currentUser(res).userId, groupIdOf(req));
    res.json({ success: true, message: GROUP.deleted });
  };
}

export function getGroups(ctx: AppContext) {
  return async (req: Request, res: Response) => {
    const list = await listGroups(
      ctx,
      String(req.params.category),
      viewer(res),
      req.query as Record<string, unknown>,
    );
    res.json({ success: true, ...list });
  };
}

export function getGroupDetail(ctx: AppContext) {
  return async (req: Request, res: Response) => {
    const data = await groupDetail(ctx, groupIdOf(req), viewer(res)?.userId ?? null);
    res.json({ success: true, data });
  };
}

export function postApplication(ctx: AppContext) {
  return async (req: Request, res: Response) => {
    const result = await toggleApplication(ctx, currentUser(res).userId, groupIdOf(req));
    res.json({ success: true, ...result });
  };
}

export function getAttendance(ctx: AppContext) {
  return async (req: Request, res: Response) => {
    const sheet = await attendanceSheet(ctx, currentUser(res).userId, groupIdOf(req));
    res.json({ success: true, ...sheet });
  };
}

export function patchAttendance(ctx: AppContext) {
  return async (req: Request, res: Response) => {
    await submitAttendance(ctx, currentUser(res).userId, groupIdOf(req), attendanceIndexes(req));
    res.json({ success: true, message: GROUP.attendanceDone });
  };
}

export function getEvaluation(ctx: AppContext) {
  return async (req: Request, res: Response) => {
    const hostUser = await evaluationPage(ctx, currentUser(res).userId, groupIdOf(req));
    res.json({ success: true, hostUser });
  };
}

export function patchEvaluation(ctx: AppContext) {
  return async (req: Request, res: Response) => {
    await evaluateHost(ctx, currentUser(res).userId, groupIdOf(req), evaluationInput(req));
    res.json({ success: true, message: GROUP.evaluated });
  };
}
