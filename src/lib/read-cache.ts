import crypto from 'node:crypto';
import type { Model, ModelStatic, Sequelize } from 'sequelize';
import type { AppContext } from './context';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { onCommittedWrite } from './write-hooks';
import type { KeyStore } from '../store/keystore';

/** What a read cache is named and made from. */
export interface ReadCacheSpec {
  /** Prefix of its generation's key in the key store (`groups:lists` → `groups:lists:generation`). */
  name: string;
  /** Its label in the metrics (hits, misses, key-store errors). */
  label: string;
  /** The models its values are read from: a committed write to any of them invalidates it. */
  models: ReadonlyArray<ModelStatic<Model>>;
}

/**
 * Public reads (list pages, detail pages, comment threads, course feeds) kept in this process
 * for the rest of the current second, and only while nothing they show has changed.
 *
 * Why it is correct:
 * - Time: a value may depend on the clock only to the second (a run "has started" at `now`).
 *   Entries are kept per second and all dropped when it changes.
 * - Writes: every process that writes (API, worker, CLI) is built by `bootstrap`, whose domain
 *   registrations run {@link registerReadCache}: a hook on every write to the spec's models
 *   stores a new random *generation* in the shared key store once the write is committed (Redis,
 *   or the SQLite key store). Every read asks the key store for the generation first and only
 *   uses entries made under the same one, so a write made by any process is seen by the next
 *   read of every process. The bump happens before the writing request answers (Sequelize
 *   awaits after-commit hooks), so a client reads its own writes.
 * - Single flight: concurrent misses of one key share one load; a failed load is not kept.
 * - Failure: when the generation cannot be read the value is loaded from the database; when it
 *   cannot be written (the key store is down while a write commits), other processes may show
 *   the old value for the rest of that second at most, since entries never outlive their second.
 */
export class ReadCache {
  private second = -1;
  private entries = new Map<string, Promise<unknown>>();
  private readonly generationKey: string;

  constructor(
    private readonly store: KeyStore,
    private readonly logger: Logger,
    private readonly metrics: Pick<Metrics, 'cacheHits' | 'cacheMisses' | 'keyStoreErrors'>,
    private readonly spec: Pick<ReadCacheSpec, 'name' | 'label'>,
  ) {
    this.generationKey = `${spec.name}:generation`;
  }

  /** The value named `key` at `now`: from this second's entries, else from `load`. */
  async get<T>(key: string, now: Date, load: () => Promise<T>): Promise<T> {
    const { label } = this.spec;
    let generation: string;
    try {
      generation = (await this.store.get(this.generationKey)) ?? 'initial';
    } catch (err) {
      this.metrics.keyStoreErrors.inc({ operation: label });
      this.metrics.cacheMisses.inc({ cache: label });
      this.logger.warn(`${this.spec.name} cache: reading the generation failed; not cached`, {
        error: (err as Error).message,
      });
      return load();
    }
    const second = Math.floor(now.getTime() / 1000);
    // A request that began in an earlier second than the entries kept is served fresh.
    if (second < this.second) {
      this.metrics.cacheMisses.inc({ cache: label });
      return load();
    }
    if (second > this.second) {
      this.second = second;
      this.entries = new Map();
    }
    const entryKey = `${generation}\n${key}`;
    const cached = this.entries.get(entryKey) as Promise<T> | undefined;
    if (cached) {
      this.metrics.cacheHits.inc({ cache: label });
      return cached;
    }
    this.metrics.cacheMisses.inc({ cache: label });
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    const entries = this.entries;
    const loading = load();
    entries.set(entryKey, loading);
    // A failed read is not kept: the next request tries again.
    loading.catch(() => entries.delete(entryKey));
    return loading;
  }

  /** A write the values show was committed: every process reads them again. */
  async invalidate(): Promise<void> {
    this.entries = new Map();
    try {
      await this.store.set(this.generationKey, crypto.randomUUID());
    } catch (err) {
      this.metrics.keyStoreErrors.inc({ operation: this.spec.label });
      this.logger.warn(`${this.spec.name} cache: storing a new generation failed`, {
        error: (err as Error).message,
      });
    }
  }
}

/**
 * A key of one kind of value among several a cache keeps (a detail page and its route file):
 * the kind, a line break, then the id. An id can be any text from a URL, so every key of a
 * cache with several kinds carries its kind first; kinds hold no line break.
 */
export const kindKey = (kind: string, id: string): string => `${kind}\n${id}`;

/** Distinct values kept within one second (searches, page numbers, ids); more start over. */
const MAX_ENTRIES = 1_000;

/**
 * The caches of one Sequelize instance: the ones reads go through (`byName`, the enabled ones),
 * and by model every one registered, enabled or not, whose generation its writes bump.
 */
interface Registry {
  names: Set<string>;
  byName: Map<string, ReadCache>;
  /** Each model's caches' invalidations (one function per cache, so a transaction runs it once). */
  byModel: Map<unknown, Array<() => Promise<void>>>;
}

const registries = new WeakMap<Sequelize, Registry>();

/** The registry of this Sequelize instance, its write hooks installed on first use. */
function registryOf(sequelize: Sequelize): Registry {
  let registry = registries.get(sequelize);
  if (registry) return registry;
  const created: Registry = { names: new Set(), byName: new Map(), byModel: new Map() };
  registries.set(sequelize, created);
  registry = created;
  onCommittedWrite(sequelize, (model) => created.byModel.get(model) ?? []);
  return registry;
}

/**
 * Installs the cache `spec` on this runtime (a domain's registration, run by `bootstrap` for
 * every process): its write hooks and the cache the domain reads through. With `enabled` false
 * reads do not use it ({@link readCacheOf} answers null: the database every time), but its
 * writes still store a new generation: a process started with the caches off (a worker, a
 * command-line tool) may share the key store with an API that has them on, and its writes must
 * reach that API's next read.
 */
export function registerReadCache(
  root: Pick<AppContext, 'sequelize' | 'store' | 'logger' | 'metrics'>,
  spec: ReadCacheSpec,
  enabled: boolean,
): void {
  const registry = registryOf(root.sequelize);
  if (registry.names.has(spec.name)) return;
  registry.names.add(spec.name);
  const cache = new ReadCache(root.store, root.logger, root.metrics, spec);
  if (enabled) registry.byName.set(spec.name, cache);
  const invalidate = () => cache.invalidate();
  for (const model of spec.models) {
    const list = registry.byModel.get(model) ?? [];
    list.push(invalidate);
    registry.byModel.set(model, list);
  }
}

/** The cache named `name` on this Sequelize instance, or null when it is off. */
export const readCacheOf = (sequelize: Sequelize, name: string): ReadCache | null =>
  registries.get(sequelize)?.byName.get(name) ?? null;

/**
 * `load`'s value through the cache named `name` (kept under `key` for the rest of `now`'s
 * second), or straight from `load` when that cache is off.
 */
export function readThrough<T>(
  sequelize: Sequelize,
  name: string,
  key: string,
  now: Date,
  load: () => Promise<T>,
): Promise<T> {
  const cache = readCacheOf(sequelize, name);
  return cache ? cache.get(key, now, load) : load();
}
