import { Op, col } from 'sequelize';
import { fromKst, kstDate, kstTime, normalizeTime } from '../lib/time';
import {
  DAY_MS,
  HOUR_MS,
  meetingAt,
  meetingBetween,
  runReminders,
  type GroupTimes,
  type Recipient,
  type ReminderRule,
  type WindowOptions,
} from './reminders';
import type { WorkerDeps } from './deps';

/** Without a usable `finishTime`, a run is taken to last an hour (the original's rule). */
export const DEFAULT_RUN_MS = HOUR_MS;
/**
 * The latest an end reminder comes after the meeting time. Group runs last well under this;
 * it also keeps the SPA's constant `finishTime` of 23:00 from turning every evaluation request
 * into a late-night text.
 */
export const LONGEST_RUN_MS = 3 * HOUR_MS;

/**
 * When a run ends: at `finishTime` when it is set and differs from the meeting time (on the next
 * day when it is earlier, for a run past midnight), but no later than 3 hours after the meeting
 * time; 1 hour after the meeting time when `finishTime` is not set.
 */
export function endsAt(group: GroupTimes): Date {
  const meeting = meetingAt(group).getTime();
  const finish = group.finishTime ? normalizeTime(group.finishTime) : null;
  if (!finish || finish === normalizeTime(group.standbyTime)) {
    return new Date(meeting + DEFAULT_RUN_MS);
  }
  let at = fromKst(group.date, finish).getTime();
  if (at < meeting) at += DAY_MS;
  return new Date(Math.min(at, meeting + LONGEST_RUN_MS));
}

/**
 * Runners who already rated the host are not asked again; once the host has taken attendance,
 * only the runners marked present are asked (before that, everyone who applied is).
 */
function askToEvaluate(applicants: Recipient[]): Recipient[] {
  const runners = applicants.filter((a) => a.role === 'attendance');
  const attendanceTaken = runners.some((a) => a.attendance);
  return applicants.filter(
    (a) => a.role === 'host' || (a.evaluation === 0 && (!attendanceTaken || a.attendance)),
  );
}

/** `end`: when the run is over; runners get the host-evaluation link, the host a thank-you. */
export const endRule: ReminderRule = {
  category: 'end',
  candidates(from, to) {
    const back = (instant: Date, ms: number) => new Date(instant.getTime() - ms);
    const [fromTime, toTime] = [kstTime(from), kstTime(to)];
    // Windows are shorter than a day, so one that crosses midnight wraps round the clock once.
    const finishInWindow =
      kstDate(from) === kstDate(to)
        ? { finishTime: { [Op.gt]: fromTime, [Op.lte]: toTime } }
        : {
            [Op.or]: [{ finishTime: { [Op.gt]: fromTime } }, { finishTime: { [Op.lte]: toTime } }],
          };
    // Each branch is a narrow range of the (date, standbyTime) index, so a tick does not read
    // every run of the last three hours.
    return {
      [Op.or]: [
        // No usable finish time: an hour after the meeting.
        {
          [Op.and]: [
            meetingBetween(back(from, DEFAULT_RUN_MS), back(to, DEFAULT_RUN_MS)),
            { [Op.or]: [{ finishTime: null }, { finishTime: { [Op.eq]: col('standbyTime') } }] },
          ],
        },
        // The finish time itself, when it comes within the cap.
        { [Op.and]: [meetingBetween(back(from, LONGEST_RUN_MS), to), finishInWindow] },
        // The cap.
        meetingBetween(back(from, LONGEST_RUN_MS), back(to, LONGEST_RUN_MS)),
      ],
    };
  },
  dueAt: endsAt,
  recipients: askToEvaluate,
};

export const runEndReminders = (deps: WorkerDeps, options: WindowOptions) =>
  runReminders(deps, endRule, options);
