import { relativeTime } from '../lib/time';
import type { Alarm } from './alarm.model';

/** `GET /alarm` item. `commentContent` only on reply alarms, as in the original. */
export function toAlarmItem(alarm: Alarm, now: Date) {
  return {
    alarmId: alarm.alarmId,
    createdAt: relativeTime(alarm.createdAt, now),
    category: alarm.category,
    nickname: alarm.nickname,
    courseId: alarm.courseId,
    courseTitle: alarm.courseTitle,
    groupId: alarm.groupId,
    groupTitle: alarm.groupTitle,
    role: alarm.role,
    check: Boolean(alarm.check),
    commentId: alarm.commentId,
    ...(alarm.category === 'recomment'
      ? { commentContent: (alarm.get('commentContent') as string | null | undefined) ?? null }
      : {}),
  };
}

/** `GET /alarm` body: the list, how many, and how many are unread (the header badge). */
export function toAlarmList(alarms: Alarm[], now: Date) {
  const data = alarms.map((alarm) => toAlarmItem(alarm, now));
  return {
    success: true,
    count: data.length,
    unreadCount: data.filter((alarm) => !alarm.check).length,
    data,
  };
}
