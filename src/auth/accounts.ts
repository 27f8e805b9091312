import type { Sequelize } from 'sequelize';
import { User } from '../db/models';
import type { AppContext } from '../lib/context';
import { SharedGeneration } from '../lib/shared-generation';
import { onCommittedWrite } from '../lib/write-hooks';
import { findAccount, type AccountRecord } from '../users/users.queries';

/**
 * The account rows of signed-in users, kept in each process so a signed-in request does not
 * read its user's row every time (the session check in the key store stays on every request:
 * logout and withdrawal end a session at once, whatever is cached).
 *
 * Correct across processes the way the group list cache is: every committed write to `Users`
 * through any process built by `bootstrap` (API, worker, CLI) stores a new random generation in
 * the key store, and a row is used only while the generation read beside the session check is
 * the one it was read under. The generation is read in the same tick as the session, so with
 * Redis both go out in one round trip. When the generation is absent (expired, store emptied)
 * or unreadable, the row is read from the database and not kept. A row is kept a minute at
 * most and rows of users who are gone are never kept.
 */
export class AccountCache {
  private entries = new Map<string, { generation: string; at: number; account: AccountRecord }>();

  private readonly generation: SharedGeneration;

  constructor(private readonly ctx: Pick<AppContext, 'store' | 'logger' | 'metrics'>) {
    this.generation = new SharedGeneration(ctx, 'accounts:generation', ACCOUNT_CACHE);
  }

  /** The user's account, or null when the user is gone. */
  async get(userId: string): Promise<AccountRecord | null> {
    const { metrics } = this.ctx;
    const generation = await this.generation.read();
    const now = Date.now();
    const entry = this.entries.get(userId);
    if (generation !== null && entry?.generation === generation && now - entry.at < MAX_AGE_MS) {
      metrics.cacheHits.inc({ cache: ACCOUNT_CACHE });
      return entry.account;
    }
    metrics.cacheMisses.inc({ cache: ACCOUNT_CACHE });
    const account = await findAccount(userId);
    if (generation === null || account === null) {
      this.entries.delete(userId);
      return account;
    }
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(userId, { generation, at: now, account });
    return account;
  }

  /** A user row changed (committed): every process reads account rows again. */
  async invalidate(): Promise<void> {
    this.entries.clear();
    await this.generation.renew();
  }
}

/** The cache's name in the metrics (hits, misses, key-store errors). */
const ACCOUNT_CACHE = 'accounts';
const MAX_AGE_MS = 60_000;
/** Signed-in users kept per process; more start over. */
const MAX_ENTRIES = 10_000;

const caches = new WeakMap<Sequelize, AccountCache>();

/**
 * The auth domain's registration (run by `bootstrap` for every process): hooks every write to
 * `Users` on this Sequelize instance and keeps the cache the auth middleware reads through.
 */
export function registerAccountCache(
  root: Pick<AppContext, 'sequelize' | 'store' | 'logger' | 'metrics'>,
): void {
  if (caches.has(root.sequelize)) return;
  const cache = new AccountCache(root);
  caches.set(root.sequelize, cache);
  const invalidate = () => cache.invalidate();
  onCommittedWrite(root.sequelize, (model) => (model === User ? [invalidate] : []));
}

/** The signed-in user's account, through this Sequelize instance's cache when there is one. */
export function accountOf(
  ctx: Pick<AppContext, 'sequelize'>,
  userId: string,
): Promise<AccountRecord | null> {
  return caches.get(ctx.sequelize)?.get(userId) ?? findAccount(userId);
}
