import { Op, type WhereOptions } from 'sequelize';
import type { AlarmCategory } from '../alarms/alarms.service';
import type { Config } from '../config';
import { fromKst, kstDate, kstTime, normalizeTime } from '../lib/time';
import type { Group } from '../db/models';
import { finishTimeIsMeetingTime } from './groups.queries';
import { runStart } from './schedule';

/**
 * The reminder rules of a group run (D-day, start, end): which runs fall due for which reminder
 * in a window of time, and who of the applicants receives it. They build on the run's start
 * (`runStart`, its Korean date and `standbyTime`); the worker's jobs (`src/jobs/`) scan the
 * windows and write the alarms.
 */
export type ReminderCategory = Extract<AlarmCategory, 'Dday' | 'start' | 'end'>;
export type ReminderRole = 'host' | 'attendance';

/** The fields of a group the reminder rules look at. */
export type GroupTimes = Pick<Group, 'date' | 'standbyTime' | 'finishTime'>;

/** One applicant of a group, as the reminder sees them. */
export interface Recipient {
  userId: string;
  nickname: string;
  role: ReminderRole;
  attendance: boolean;
  evaluation: number;
  /** Consent and a stored number: whether a text is queued with the alarm. */
  agreeSMS: boolean;
  hasPhone: boolean;
}

/**
 * One reminder: which groups may fall due in a window, when exactly each is due, and who gets it.
 * `candidates` may return more groups than are due (never fewer); `dueAt` decides.
 */
export interface ReminderRule {
  category: ReminderCategory;
  candidates(from: Date, to: Date, settings: Config['worker']): WhereOptions<Group> | null;
  /** When the group's reminder falls due; null when it gets none. */
  dueAt(group: GroupTimes, settings: Config['worker']): Date | null;
  /** Who of the applicants receives it; everyone when absent. */
  recipients?(applicants: Recipient[]): Recipient[];
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/**
 * Groups whose meeting instant lies in (lo, hi], as conditions on the indexed Korean `date` and
 * `standbyTime` columns (computed here, passed as parameters). Within the BETWEEN on `date`,
 * "a later date or a later time" is the same as "a later date, or the same date and a later time".
 */
export function meetingBetween(lo: Date, hi: Date): WhereOptions<Group> {
  const [loDate, loTime, hiDate, hiTime] = [kstDate(lo), kstTime(lo), kstDate(hi), kstTime(hi)];
  return {
    [Op.and]: [
      { date: { [Op.between]: [loDate, hiDate] } },
      { [Op.or]: [{ date: { [Op.gt]: loDate } }, { standbyTime: { [Op.gt]: loTime } }] },
      { [Op.or]: [{ date: { [Op.lt]: hiDate } }, { standbyTime: { [Op.lte]: hiTime } }] },
    ],
  };
}

/** How long before the meeting time the start reminder goes out (its text says 30분 뒤). */
export const START_LEAD_MS = 30 * MINUTE_MS;

/** `start`: 30 minutes before the meeting time, to every applicant, the host included. */
export const startRule: ReminderRule = {
  category: 'start',
  candidates: (from, to) =>
    meetingBetween(
      new Date(from.getTime() + START_LEAD_MS),
      new Date(to.getTime() + START_LEAD_MS),
    ),
  dueAt: (group) => new Date(runStart(group).getTime() - START_LEAD_MS),
};

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
    return runStart(group).getTime() - START_LEAD_MS > at.getTime() ? at : null;
  },
};

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
  const meeting = runStart(group).getTime();
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
            { [Op.or]: [{ finishTime: null }, finishTimeIsMeetingTime()] },
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
