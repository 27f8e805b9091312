import { ddayRule } from '../groups/reminders';
import type { WorkerDeps } from './deps';
import { runReminders, type WindowOptions } from './reminders';

/** Writes the D-day reminders that fell due in the window (the rule: `ddayRule`). */
export const runDdayReminders = (deps: WorkerDeps, options: WindowOptions) =>
  runReminders(deps, ddayRule, options);
