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

/**
 * Runs what `actFor` gives for the written model (nothing when empty) once any write through
 * this Sequelize instance is visible to other connections: at once outside a transaction, else
 * after the outermost commit (which Sequelize awaits before the transaction's promise resolves,
 * so the writing request answers after it), each action once per transaction however many of
 * its statements asked for it. A rolled-back write runs nothing.
 */
export function onCommittedWrite(
  sequelize: Sequelize,
  actFor: (model: ModelStatic<Model>) => readonly CommittedAction[],
): void {
  for (const hook of WRITE_HOOKS) {
    // Permanent hooks run for every model, with the model as `this`; the options are the last
    // argument whatever the hook.
    sequelize.addHook(hook, async function (this: ModelStatic<Model>, ...args: unknown[]) {
      const actions = actFor(this);
      if (actions.length === 0) return;
      const options = args[args.length - 1] as { transaction?: Transaction | null } | undefined;
      const transaction = options?.transaction;
      if (!transaction) {
        await Promise.all(actions.map((action) => action()));
        return;
      }
      afterCommitOf(transaction, actions);
    });
  }
}
