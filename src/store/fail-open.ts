import type { AppContext } from '../lib/context';

/** How a check that lets requests through while the key store fails names itself. */
export interface FailOpenCheck {
  /** The key-store error metric's `operation` label. */
  operation: string;
  /** Warned once per outage. */
  skipped: string;
  /** Logged once when the store answers again. */
  back: string;
}

/**
 * A check on the key store that lets requests through while the store fails (the session
 * check, chat's per-user limits): a failure answers `open`, is counted in the key-store error
 * metric, and is warned about once per outage of each store; the first answer after it is
 * logged once.
 */
export function failOpen({ operation, skipped, back }: FailOpenCheck) {
  /** Stores whose last check failed. */
  const unreachable = new WeakSet<object>();
  return async <T>(
    ctx: Pick<AppContext, 'logger' | 'metrics' | 'store'>,
    check: () => Promise<T>,
    open: T,
  ): Promise<T> => {
    try {
      const answer = await check();
      if (unreachable.delete(ctx.store)) ctx.logger.info(back);
      return answer;
    } catch (err) {
      ctx.metrics.keyStoreErrors.inc({ operation });
      if (!unreachable.has(ctx.store)) {
        unreachable.add(ctx.store);
        ctx.logger.warn(skipped, { error: err instanceof Error ? err.message : String(err) });
      }
      return open;
    }
  };
}
