import type { Sequelize, Transaction } from 'sequelize';

/** How many times a transaction chosen as a deadlock's victim is run in all. */
const ATTEMPTS = 3;

/** MySQL/MariaDB rolled the transaction back to break a deadlock (error 1213). */
function isDeadlock(err: unknown): boolean {
  const cause = (err as { parent?: { errno?: number; code?: string } } | null)?.parent;
  return cause?.errno === 1213 || cause?.code === 'ER_LOCK_DEADLOCK';
}

/**
 * `sequelize.transaction(work)`, run again (up to three times in all, after a few random
 * milliseconds) when InnoDB picked it as a deadlock's victim: it was rolled back whole, and
 * MySQL's advice is to issue it again. For short transactions whose work is only database
 * writes (after-commit hooks of a rolled-back attempt never run). SQLite has one writer and no
 * deadlocks; its errors pass through.
 */
export async function transactionRetryingDeadlocks<T>(
  sequelize: Sequelize,
  work: (transaction: Transaction) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await sequelize.transaction(work);
    } catch (err) {
      if (attempt >= ATTEMPTS || !isDeadlock(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}
