import { endRule } from '../groups/reminders';
import { runReminders, type ReminderDeps, type WindowOptions } from './reminders';

/** Writes the end reminders that fell due in the window (the rule: `endRule`). */
export const runEndReminders = (deps: ReminderDeps, options: WindowOptions) =>
  runReminders(deps, endRule, options);
