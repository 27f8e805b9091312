import { ddayRule } from '../groups/reminders';
import { runReminders, type ReminderDeps, type WindowOptions } from './reminders';

/** Writes the D-day reminders that fell due in the window (the rule: `ddayRule`). */
export const runDdayReminders = (deps: ReminderDeps, options: WindowOptions) =>
  runReminders(deps, ddayRule, options);
