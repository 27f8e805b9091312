import { Op } from 'sequelize';
import type { Config } from '../config';
import { fromKst, kstDate, kstTime } from '../lib/time';
import {
  DAY_MS,
  meetingAt,
  runReminders,
  type ReminderRule,
  type WindowOptions,
} from './reminders';
import type { WorkerDeps } from './deps';
import { START_LEAD_MS } from './start';

const hourOf = (settings: Config['worker']) =>
  `${String(settings.ddayHour).padStart(2, '0')}:00:00`;

/** The D-day reminder's instant on a Korean date. */
const ddayAt = (date: string, settings: Config['worker']) => fromKst(date, hourOf(settings));

/**
 * `Dday`: on the run's day at WORKER_DDAY_HOUR (Korea time), to every applicant. A run whose start
 * reminder comes before that hour (it meets at or before HH:30) gets none: its first notice is
 * the start reminder, and "오늘 러닝이 있습니다" after it would only be noise.
 */
export const ddayRule: ReminderRule = {
  category: 'Dday',
  candidates(from, to, settings) {
    // The Korean dates whose D-day instant lies in the window: at most one or two.
    const dates: string[] = [];
    for (let day = fromKst(kstDate(from)); day <= to; day = new Date(day.getTime() + DAY_MS)) {
      const date = kstDate(day);
      const at = ddayAt(date, settings);
      if (at > from && at <= to) dates.push(date);
    }
    if (dates.length === 0) return null;
    // Same hour every day, so one time bound serves every date.
    const firstMeeting = new Date(ddayAt(dates[0], settings).getTime() + START_LEAD_MS);
    return { date: dates, standbyTime: { [Op.gt]: kstTime(firstMeeting) } };
  },
  dueAt(group, settings) {
    const at = ddayAt(group.date, settings);
    return meetingAt(group).getTime() - START_LEAD_MS > at.getTime() ? at : null;
  },
};

export const runDdayReminders = (deps: WorkerDeps, options: WindowOptions) =>
  runReminders(deps, ddayRule, options);
