import { clearStartedWaitlists } from '../groups/waitlist';
import type { JobOptions, WorkerDeps } from './deps';

/**
 * Deletes the waitlists of runs that have started: from then on no seat can free up (cancelling
 * is closed), and the detail already shows such a queue as empty. One grouped read of the
 * (small) waitlist table joined to its runs, then one delete.
 */
export async function runWaitlistSweep(
  deps: Pick<WorkerDeps, 'logger'>,
  { now }: JobOptions,
): Promise<number> {
  const removed = await clearStartedWaitlists(now);
  if (removed > 0) deps.logger.info('waitlists of started runs cleared', { removed });
  return removed;
}
