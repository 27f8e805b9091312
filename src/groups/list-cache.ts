import crypto from 'node:crypto';
import type { Model, ModelStatic, Sequelize, Transaction } from 'sequelize';
import type { AppContext } from '../lib/context';
import type { Logger } from '../lib/logger';
import type { Metrics } from '../lib/metrics';
import type { KeyStore } from '../store/keystore';
import { Applier, Group, User } from '../db/models';

/**
 * The pages of the public group lists (`/group/all`, `/group/main`), kept in this process for
 * the rest of the current second, and only while nothing they show has changed.
 *
 * Why it is correct:
 * - Time: a page depends on the clock only through "runs that have not started at now", to the
 *   second (`kstDate`/`kstTime`). Entries are kept per second and all dropped when it changes, so
 *   a run leaves the lists at the second it starts, as without the cache.
 * - Writes: every process that writes (API, worker, CLI) is built by `bootstrap`, which runs
 *   {@link registerGroupListCache}: it hooks every write to the models a card is made from
 *   (Group, Applier, User) and,
 *   once it is committed, stores a new random *generation* in the shared key store (Redis, or
 *   the SQLite key store). Every read asks the key store for the generation first and only uses
 *   entries made under the same one, so a write made by any process is seen by the next read
 *   of every process. The bump happens before the writing request answers (Sequelize awaits
 *   after-commit hooks), so a client reads its own writes.
 * - Failure: when the generation cannot be read the page is read from the database; when it
 *   cannot be written (the key store is down while a write commits), other processes may show
 *   the old page for the rest of that second at most, since entries never outlive their second.
 *
 * What is kept is the guest's view of a page; a signed-in viewer's `applyState` is read for
 * the page's runs on every request. Concurrent misses of one page share one query.
 */
export class GroupListCache {
  private second = -1;
  private entries = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: KeyStore,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  /** The page named `key` at `now`: from this second's entries, else from `load`. */
  async get<T>(key: string, now: Date, load: () => Promise<T>): Promise<T> {
    let generation: string;
    try {
      generation = (await this.store.get(GENERATION_KEY)) ?? 'initial';
    } catch (err) {
      this.metrics.keyStoreErrors.inc({ operation: LIST_CACHE });
      this.metrics.cacheMisses.inc({ cache: LIST_CACHE });
      this.logger.warn('group list cache: reading the generation failed; not cached', {
        error: (err as Error).message,
      });
      return load();
    }
    const second = Math.floor(now.getTime() / 1000);
    // A request that began in an earlier second than the entries kept is served fresh.
    if (second < this.second) {
      this.metrics.cacheMisses.inc({ cache: LIST_CACHE });
      return load();
    }
    if (second > this.second) {
      this.second = second;
      this.entries = new Map();
    }
    const entryKey = `${generation}\n${key}`;
    const cached = this.entries.get(entryKey) as Promise<T> | undefined;
    if (cached) {
      this.metrics.cacheHits.inc({ cache: LIST_CACHE });
      return cached;
    }
    this.metrics.cacheMisses.inc({ cache: LIST_CACHE });
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    const entries = this.entries;
    const loading = load();
    entries.set(entryKey, loading);
    // A failed read is not kept: the next request tries again.
    loading.catch(() => entries.delete(entryKey));
    return loading;
  }

  /** A write that a card shows was committed: every process reads the lists again. */
  async invalidate(): Promise<void> {
    this.entries = new Map();
    try {
      await this.store.set(GENERATION_KEY, crypto.randomUUID());
    } catch (err) {
      this.metrics.keyStoreErrors.inc({ operation: LIST_CACHE });
      this.logger.warn('group list cache: storing a new generation failed', {
        error: (err as Error).message,
      });
    }
  }
}

const GENERATION_KEY = 'groups:lists:generation';
/** The cache's name in the metrics (hits, misses, key-store errors). */
const LIST_CACHE = 'group_lists';
/** Distinct pages kept within one second (searches, page numbers); more start over. */
const MAX_ENTRIES = 1_000;
/** The models a list card is made from: the run, its applicants, its host. */
const WATCHED_MODELS: ReadonlySet<unknown> = new Set([Group, Applier, User]);
const WRITE_HOOKS = [
  'afterCreate',
  'afterUpdate',
  'afterDestroy',
  'afterUpsert',
  'afterBulkCreate',
  'afterBulkUpdate',
  'afterBulkDestroy',
] as const;

/** A savepoint's commit is not the end: the outermost transaction's is (`parent` is untyped). */
function outermost(transaction: Transaction): Transaction {
  let current = transaction as Transaction & { parent?: Transaction };
  while (current.parent) current = current.parent;
  return current;
}

const caches = new WeakMap<Sequelize, GroupListCache>();

/**
 * The groups domain's registration (run by `bootstrap` for every process): installs the write
 * hooks on this Sequelize instance and keeps the cache the lists read through. With
 * `CACHE_GROUP_LISTS` off it installs nothing and the lists read the database every time.
 */
export function registerGroupListCache(
  root: Pick<AppContext, 'sequelize' | 'store' | 'logger' | 'config' | 'metrics'>,
): void {
  const { sequelize, store, logger, metrics } = root;
  if (!root.config.cache.groupLists || caches.has(sequelize)) return;
  const cache = new GroupListCache(store, logger, metrics);
  caches.set(sequelize, cache);
  for (const hook of WRITE_HOOKS) {
    // Permanent hooks run for every model, with the model as `this`; the options are the last
    // argument whatever the hook.
    sequelize.addHook(hook, async function (this: ModelStatic<Model>, ...args: unknown[]) {
      if (!WATCHED_MODELS.has(this)) return;
      const options = args[args.length - 1] as { transaction?: Transaction | null } | undefined;
      const transaction = options?.transaction;
      if (!transaction) return cache.invalidate();
      outermost(transaction).afterCommit(() => cache.invalidate());
    });
  }
}

/** The cache of this Sequelize instance, or null when lists are not cached. */
export const groupListCacheOf = (sequelize: Sequelize): GroupListCache | null =>
  caches.get(sequelize) ?? null;
