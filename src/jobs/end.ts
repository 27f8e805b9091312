import { endRule } from '../groups/reminders';
import type { WorkerDeps } from './deps';
import { runReminders, type WindowOptions } from './reminders';

/** Writes the end reminders that fell due in the window (the rule: `endRule`). */
export const runEndReminders = (deps: WorkerDeps, options: WindowOptions) =>
  runReminders(deps, endRule, options);
