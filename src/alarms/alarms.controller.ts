import type { Request, Response } from 'express';
import { currentUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { toAlarmList } from './alarms.mapper';
import { listAlarms, markAllRead } from './alarms.service';

export const ALARM_MESSAGES = {
  allRead: '새 알람 모두 읽기에 성공했습니다',
} as const;

/** `GET /alarm`: my notifications, newest first. */
export function getAlarms(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const alarms = await listAlarms(ctx, currentUser(res).userId);
    res.json(toAlarmList(alarms, ctx.now()));
  };
}

/** `PATCH /alarm`: marks every notification read. */
export async function patchAlarms(_req: Request, res: Response) {
  await markAllRead(currentUser(res).userId);
  res.json({ success: true, message: ALARM_MESSAGES.allRead });
}
