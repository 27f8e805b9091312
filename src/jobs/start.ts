import { startRule } from '../groups/reminders';
import type { WorkerDeps } from './deps';
import { runReminders, type WindowOptions } from './reminders';

/** Writes the start reminders that fell due in the window (the rule: `startRule`). */
export const runStartReminders = (deps: WorkerDeps, options: WindowOptions) =>
  runReminders(deps, startRule, options);
