import type { Model, ModelStatic, Sequelize } from 'sequelize';
import { Applier, Group, User } from '../db/models';
import type { AppContext } from '../lib/context';
import { SharedGeneration } from '../lib/shared-generation';
import { onCommittedWrite } from '../lib/write-hooks';
import { appliedAmong } from './groups.queries';

/** Which of `groupIds` the user applied to (the shape `viewerFlags` reads a hit's flags with). */
export type AppliedAmong = (groupIds: string[], userId: string) => Promise<Set<string>>;

interface Entry {
  generation: string;
  /** When it was read (ms, the process's clock). */
  at: number;
  /** The runs the user applied to; null when too many to keep (read per page instead). */
  ids: Promise<Set<string> | null>;
  /** How many ids it holds once read (counted against the limit of ids kept). */
  size: number;
}

/**
 * Each signed-in viewer's applications ("applied marks"), kept in each process so the
 * `applyState` of a cached list or near-me page (`list-pages.ts`) costs no statement: one read
 * of all the viewer's applied runs serves every page they open afterwards.
 *
 * Correct across processes the way the read caches are: every committed write to `Appliers`
 * (and to `Groups` and `Users`, whose deletions take applications with them by foreign key,
 * which no `Appliers` hook sees) through any process built by `bootstrap` stores a new random
 * generation in the key store, and kept marks are used only while the generation read for the
 * request is the one they were read under. That read starts in the same tick as the page's own
 * generation read, so with Redis both go out in one round trip. Without a generation (expired,
 * store emptied) or when it cannot be read, the page's applications are read as before and
 * nothing is kept. Bounded ({@link LIMITS}): a minute at most, a number of users and of run ids
 * (least recently used dropped first), and a user with more applications than `perUser` is
 * never kept (their pages read their applications each time).
 */
export class AppliedMarks {
  /** By user, least recently used first. */
  private entries = new Map<string, Entry>();
  private kept = 0;
  private readonly limits: Limits;
  private readonly generation: SharedGeneration;

  constructor(
    private readonly ctx: Pick<AppContext, 'store' | 'logger' | 'metrics'>,
    limits: Partial<Limits> = {},
  ) {
    this.limits = { ...LIMITS, ...limits };
    this.generation = new SharedGeneration(ctx, 'groups:applied:generation', LABEL);
  }

  /**
   * Reads the generation now (call it in the tick the page's cache reads its own) and answers
   * later which of a page's runs the user applied to.
   */
  reader(): AppliedAmong {
    const generation = this.generation.read();
    return async (groupIds, userId) => this.among(groupIds, userId, await generation);
  }

  private async among(groupIds: string[], userId: string, generation: string | null) {
    const { metrics } = this.ctx;
    const now = Date.now();
    let entry = this.entries.get(userId);
    if (entry && (entry.generation !== generation || now - entry.at >= MAX_AGE_MS)) {
      this.drop(userId, entry);
      entry = undefined;
    }
    if (generation === null) {
      metrics.cacheMisses.inc({ cache: LABEL });
      return appliedAmong(groupIds, userId);
    }
    const kept = entry !== undefined;
    if (entry) {
      // Most recently used last.
      this.entries.delete(userId);
      this.entries.set(userId, entry);
    } else {
      entry = this.load(userId, generation, now);
    }
    const ids = await entry.ids;
    if (ids === null) {
      metrics.cacheMisses.inc({ cache: LABEL });
      return appliedAmong(groupIds, userId);
    }
    metrics[kept ? 'cacheHits' : 'cacheMisses'].inc({ cache: LABEL });
    return new Set(groupIds.filter((id) => ids.has(id)));
  }

  /** Reads the user's applications (shared by concurrent requests); a failed read is not kept. */
  private load(userId: string, generation: string, now: number): Entry {
    const ids = appliedBy(userId, this.limits.perUser);
    const entry: Entry = { generation, at: now, ids, size: 0 };
    this.entries.set(userId, entry);
    entry.ids.then(
      (ids) => {
        if (ids === null) return;
        if (this.entries.get(userId) !== entry) return;
        entry.size = ids.size;
        this.kept += ids.size;
        this.trim();
      },
      () => {
        if (this.entries.get(userId) === entry) this.entries.delete(userId);
      },
    );
    this.trim();
    return entry;
  }

  private drop(userId: string, entry: Entry): void {
    this.entries.delete(userId);
    this.kept -= entry.size;
  }

  /** Drops the least recently used users until both bounds hold. */
  private trim(): void {
    for (const [userId, entry] of this.entries) {
      if (this.entries.size <= this.limits.users && this.kept <= this.limits.ids) return;
      this.drop(userId, entry);
    }
  }

  /** An application changed (committed): every process reads the marks again. */
  async invalidate(): Promise<void> {
    this.entries = new Map();
    this.kept = 0;
    await this.generation.renew();
  }
}

/** The marks' name in the metrics (hits, misses, key-store errors). */
const LABEL = 'applied_marks';
const MAX_AGE_MS = 60_000;

interface Limits {
  /** Users kept per process. */
  users: number;
  /** Run ids kept per process, all users together. */
  ids: number;
  /** A user with more applications than this is not kept. */
  perUser: number;
}

const LIMITS: Limits = { users: 10_000, ids: 200_000, perUser: 2_000 };

/** The writes that change someone's applications (see {@link AppliedMarks}). */
const WATCHED: ReadonlyArray<ModelStatic<Model>> = [Applier, Group, User];

/** Every run the user applied to, or null when more than `max`. */
async function appliedBy(userId: string, max: number): Promise<Set<string> | null> {
  const rows = await Applier.findAll({
    attributes: ['groupId'],
    where: { userId },
    limit: max + 1,
    raw: true,
  });
  return rows.length > max ? null : new Set(rows.map((row) => row.groupId));
}

const registered = new WeakSet<Sequelize>();
const marksOf = new WeakMap<Sequelize, AppliedMarks>();

/**
 * The groups domain's registration (run by `bootstrap` for every process): hooks the writes
 * that change applications, and with `READ_CACHE` on keeps the marks the list pages read.
 * With it off the generation is still renewed (another process may keep marks) and pages read
 * their applications every time.
 */
export function registerAppliedMarks(
  root: Pick<AppContext, 'sequelize' | 'store' | 'logger' | 'metrics' | 'config'>,
): void {
  if (registered.has(root.sequelize)) return;
  registered.add(root.sequelize);
  const marks = new AppliedMarks(root);
  if (root.config.cache.reads) marksOf.set(root.sequelize, marks);
  const invalidate = () => marks.invalidate();
  onCommittedWrite(root.sequelize, (model) => (WATCHED.includes(model) ? [invalidate] : []));
}

/**
 * How a page's `applyState` is read for a signed-in viewer: through the kept marks when they
 * are on (their generation read starts now, so call it in the tick the page's cache is asked),
 * else from the database per page.
 */
export function appliedReader(
  ctx: Pick<AppContext, 'sequelize'>,
  viewerId: string | null,
): AppliedAmong {
  const marks = viewerId === null ? undefined : marksOf.get(ctx.sequelize);
  return marks ? marks.reader() : appliedAmong;
}
