import type { Model, ModelStatic, Sequelize, Transaction } from 'sequelize';

const WRITE_HOOKS = [
  'afterCreate',
  'afterUpdate',
  'afterDestroy',
  'afterUpsert',
  'afterBulkCreate',
  'afterBulkUpdate',
  'afterBulkDestroy',
] as const;

/** What runs once a write is committed: the same function given twice runs once. */
export type CommittedAction = () => Promise<unknown>;

/** A savepoint's commit is not the end: the outermost transaction's is (`parent` is untyped). */
function outermost(transaction: Transaction): Transaction {
  let current = transaction as Transaction & { parent?: Transaction };
  while (current.parent) current = current.parent;
  return current;
}

/** The actions waiting for each open transaction's commit, shared by every registration. */
const pending = new WeakMap<Transaction, Set<CommittedAction>>();

/**
 * Queues `actions` for the commit of the outermost transaction. The first write of a
 * transaction registers one after-commit hook; later writes only add to its set, so a write
 * of several statements (a toggle and its course's counts) runs each action once, and all of
 * them at once (with Redis, one round trip).
 */
function afterCommitOf(transaction: Transaction, actions: readonly CommittedAction[]): void {
  const root = outermost(transaction);
  const queued = pending.get(root);
  if (queued) {
    for (const action of actions) queued.add(action);
    return;
  }
  const created = new Set(actions);
  pending.set(root, created);
  root.afterCommit(async () => {
    pending.delete(root);
    await Promise.all([...created].map((action) => action()));
  });
}

/** What a registration queues for a written model (nothing when empty). */
type ActFor = (model: ModelStatic<Model>) => readonly CommittedAction[];

/** Every registration of each Sequelize instance, its hooks installed with the first. */
const registrations = new WeakMap<Sequelize, ActFor[]>();

/**
 * The one path of every write, hooked or announced: the actions the registrations give for the
 * written models, each once, run at once outside a transaction, else after the outermost commit
 * (which Sequelize awaits before the transaction's promise resolves, so the writing request
 * answers after it), each once per transaction however many of its statements asked for it.
 * A rolled-back write runs nothing.
 */
async function committedWrite(
  sequelize: Sequelize,
  models: readonly ModelStatic<Model>[],
  transaction: Transaction | null | undefined,
): Promise<void> {
  const actions = new Set<CommittedAction>();
  for (const actFor of registrations.get(sequelize) ?? []) {
    for (const model of models) for (const action of actFor(model)) actions.add(action);
  }
  if (actions.size === 0) return;
  if (!transaction) {
    await Promise.all([...actions].map((action) => action()));
    return;
  }
  afterCommitOf(transaction, [...actions]);
}

/**
 * Runs what `actFor` gives for the written model (nothing when empty) once any write through
 * this Sequelize instance's models is visible to other connections, as `committedWrite` says.
 * Writes of plain SQL are not seen by the hooks: they call {@link announceWrite}.
 */
export function onCommittedWrite(sequelize: Sequelize, actFor: ActFor): void {
  const registered = registrations.get(sequelize);
  if (registered) {
    registered.push(actFor);
    return;
  }
  registrations.set(sequelize, [actFor]);
  for (const hook of WRITE_HOOKS) {
    // Permanent hooks run for every model, with the model as `this`; the options are the last
    // argument whatever the hook.
    sequelize.addHook(hook, async function (this: ModelStatic<Model>, ...args: unknown[]) {
      const options = args[args.length - 1] as { transaction?: Transaction | null } | undefined;
      await committedWrite(sequelize, [this], options?.transaction);
    });
  }
}

/**
 * For a write of plain SQL (`sequelize.query`), which no model hook sees: queues, for the
 * tables of the given models it wrote, exactly what the model hooks would have queued, in the
 * same once-per-transaction set (outside a transaction it runs them at once; a rollback runs
 * nothing). Call it right after the statement, with the statement's transaction.
 */
export function announceWrite(
  sequelize: Sequelize,
  models: readonly ModelStatic<Model>[],
  transaction: Transaction | null | undefined,
): Promise<void> {
  return committedWrite(sequelize, models, transaction);
}
