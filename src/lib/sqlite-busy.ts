/**
 * Waiting for another connection's write lock on a SQLite file (the embedded mode's database and
 * key store, shared by the API, the notification worker and the CLIs). SQLite keeps no queue:
 * whoever asks at the moment the lock is free gets it, and its own busy handler asks less and
 * less often (every 100 ms after the first 300 ms), so against a process that writes back to
 * back it kept missing the lock until it gave up. Each statement therefore lets SQLite's handler
 * wait only a moment, then is tried again from JavaScript a millisecond or two later, and so on
 * until the same overall bound: the lock is asked for every few milliseconds throughout.
 *
 * Every connection that does this runs one statement at a time (sqlite3's `serialize()`): a
 * write refused with SQLITE_BUSY stays open on its connection until it is finalized, and while
 * it does, SQLite does not commit another statement's write on that connection; finalizing the
 * refused one then rolls that finished write back (its caller already told it was done). With
 * frequent short refusals this lost writes whenever two ran at once on one connection.
 */

import type sqlite3 from 'sqlite3';

/** How long SQLite's busy handler waits within one try (its checks: 1, 3, 8, 18 ms). */
const SQLITE_BUSY_TRY_MS = 20;

/** The pause between two tries, at most (a random part of it, so waiters do not march in step). */
const PAUSE_MS = 2;

/**
 * What every SQLite connection of the app is opened with: SQLite's own wait cut to one short
 * try, and one statement at a time (above).
 */
export function waitInShortTries(db: sqlite3.Database): void {
  db.configure('busyTimeout', SQLITE_BUSY_TRY_MS);
  db.serialize();
}

/** Whether SQLite refused because another connection holds the lock (sqlite3's error code). */
function isSqliteBusy(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'SQLITE_BUSY';
}

/**
 * `attempt` again while SQLite answers SQLITE_BUSY, for up to `waitMs` in all; then its last
 * error. For one statement on a connection opened with {@link waitInShortTries}:
 * a statement refused with SQLITE_BUSY changed nothing, so trying it again is safe.
 */
export async function retryingBusy<T>(attempt: () => Promise<T>, waitMs: number): Promise<T> {
  const giveUpAt = Date.now() + waitMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (!isSqliteBusy(err) || Date.now() >= giveUpAt) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * PAUSE_MS));
    }
  }
}

/**
 * The same for Sequelize, which tries a query again itself when its error matches (`retry`):
 * every SQLITE_BUSY, a pause of about a millisecond, as many tries as fill `waitMs`.
 */
export function sequelizeBusyRetry(waitMs: number) {
  return {
    match: [/SQLITE_BUSY/],
    max: Math.ceil(waitMs / SQLITE_BUSY_TRY_MS),
    backoffBase: PAUSE_MS / 2,
    backoffExponent: 1,
    backoffJitter: PAUSE_MS / 2,
  };
}
