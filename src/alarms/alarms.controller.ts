import type { Request, Response } from 'express';
import { currentUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { sendJsonText } from '../lib/json-text';
import { readThrough } from '../lib/read-cache';
import { ALARM_LISTS } from './alarm-cache';
import { toAlarmList } from './alarms.mapper';
import { listAlarms, markAllRead } from './alarms.service';

export const ALARM_MESSAGES = {
  allRead: '새 알람 모두 읽기에 성공했습니다',
} as const;

/** `GET /alarm`: my notifications, newest first, through the alarm list cache (./alarm-cache). */
export function getAlarms(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const { userId } = currentUser(res);
    const now = ctx.now();
    const body = await readThrough(ctx.sequelize, ALARM_LISTS.name, userId, now, async () =>
      JSON.stringify(toAlarmList(await listAlarms(ctx, userId), now)),
    );
    sendJsonText(res, body);
  };
}

/** `PATCH /alarm`: marks every notification read. */
export async function patchAlarms(_req: Request, res: Response) {
  await markAllRead(currentUser(res).userId);
  res.json({ success: true, message: ALARM_MESSAGES.allRead });
}
