import { relativeTime } from '../lib/time';
import type { AlarmRecord } from './alarms.queries';

/** `GET /alarm` item. `commentContent` only on reply alarms, as in the original. */
export function toAlarmItem(alarm: AlarmRecord, now: Date) {
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
    check: alarm.check,
    commentId: alarm.commentId,
    ...(alarm.category === 'recomment' ? { commentContent: alarm.commentContent } : {}),
  };
}

/** `GET /alarm` body: the list, how many, and how many are unread (the header badge). */
export function toAlarmList(alarms: AlarmRecord[], now: Date) {
  const data = alarms.map((alarm) => toAlarmItem(alarm, now));
  return {
    success: true,
    count: data.length,
    unreadCount: data.filter((alarm) => !alarm.check).length,
    data,
  };
}
