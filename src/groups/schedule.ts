import { Op, type WhereOptions } from 'sequelize';
import { fromKst, kstDate, kstDaysFrom, kstTime } from '../lib/time';

/**
 * The time rules of a group run, all on Korea time with the caller's clock. A run's start is
 * its date + meeting time (`standbyTime`); the SPA's `finishTime` is a constant "23:00", so no
 * rule depends on it.
 *
 * - Recruitment (applying and cancelling) is open until the start. Lists that hide closed runs
 *   show exactly the runs that have not started, and `applyEndTime` counts down to the start.
 * - A run is "done" (completed lists, host evaluation) once it has started.
 * - The attendance sheet opens 30 minutes before the start and stays open until submitted.
 */
export const CREATE_LEAD_MS = 6 * 60 * 60 * 1000;
export const ATTENDANCE_OPENS_MS = 30 * 60 * 1000;

export interface Scheduled {
  date: string;
  standbyTime: string;
}

export const runStart = (run: Scheduled): Date => fromKst(run.date, run.standbyTime);

export const hasStarted = (run: Scheduled, now: Date): boolean =>
  runStart(run).getTime() <= now.getTime();

/** At least six hours ahead: how far a new or moved run must be from now. */
export const isFarEnoughAhead = (run: Scheduled, now: Date): boolean =>
  runStart(run).getTime() - now.getTime() >= CREATE_LEAD_MS;

export const attendanceIsOpen = (run: Scheduled, now: Date): boolean =>
  runStart(run).getTime() - ATTENDANCE_OPENS_MS <= now.getTime();

/** A run's start and its day's start (Korean midnight), in ms: what its countdown is made of. */
export interface RunTimes {
  startMs: number;
  dayMs: number;
}

export const runTimes = (run: Scheduled): RunTimes => ({
  startMs: runStart(run).getTime(),
  dayMs: fromKst(run.date).getTime(),
});

/**
 * Time left to apply, as the SPA shows it ("약 {applyEndTime} 후 마감"; `0 일` means closed):
 * whole Korean calendar days when the run is on a later day, else hours, and minutes in the
 * last hour (the original said `0 일` then although applying was still possible).
 */
export const applyEndTime = (run: Scheduled, now: Date): string =>
  applyEndTimeAt(runTimes(run), now);

/** {@link applyEndTime} of a run's {@link runTimes} (computed once for a cached card). */
export function applyEndTimeAt(run: RunTimes, now: Date): string {
  const left = run.startMs - now.getTime();
  if (left <= 0) return '0 일';
  const days = kstDaysFrom(run.dayMs, now);
  if (days > 0) return `${days} 일`;
  const hours = Math.floor(left / 3_600_000);
  if (hours > 0) return `${hours} 시간`;
  return `${Math.max(1, Math.floor(left / 60_000))} 분`;
}

/**
 * Runs that have not started at `now`, as a condition the (date, standbyTime) index can range
 * over: `date >= today AND (date > today OR standbyTime > time)`.
 */
export function notStartedWhere(now: Date): WhereOptions {
  const today = kstDate(now);
  return {
    date: { [Op.gte]: today },
    [Op.or]: [{ date: { [Op.gt]: today } }, { standbyTime: { [Op.gt]: kstTime(now) } }],
  };
}

/** Runs that have started at `now` (the complement of {@link notStartedWhere}). */
export function startedWhere(now: Date): WhereOptions {
  const today = kstDate(now);
  return {
    date: { [Op.lte]: today },
    [Op.or]: [{ date: { [Op.lt]: today } }, { standbyTime: { [Op.lte]: kstTime(now) } }],
  };
}
