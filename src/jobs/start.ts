import { startRule } from '../groups/reminders';
import { runReminders, type ReminderDeps, type WindowOptions } from './reminders';

/** Writes the start reminders that fell due in the window (the rule: `startRule`). */
export const runStartReminders = (deps: ReminderDeps, options: WindowOptions) =>
  runReminders(deps, startRule, options);
