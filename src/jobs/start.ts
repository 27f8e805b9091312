import {
  MINUTE_MS,
  meetingAt,
  meetingBetween,
  runReminders,
  type ReminderRule,
  type WindowOptions,
} from './reminders';
import type { WorkerDeps } from './deps';

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
  dueAt: (group) => new Date(meetingAt(group).getTime() - START_LEAD_MS),
};

export const runStartReminders = (deps: WorkerDeps, options: WindowOptions) =>
  runReminders(deps, startRule, options);
