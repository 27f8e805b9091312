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

/** A savepoint's commit is not the end: the outermost transaction's is (`parent` is untyped). */
function outermost(transaction: Transaction): Transaction {
  let current = transaction as Transaction & { parent?: Transaction };
  while (current.parent) current = current.parent;
  return current;
}

/**
 * Runs what `actFor` gives for the written model (null: nothing) once any write through this
 * Sequelize instance is visible to other connections: at once outside a transaction, else after
 * the outermost commit (which Sequelize awaits before the transaction's promise resolves, so the
 * writing request answers after it). A rolled-back write runs nothing.
 */
export function onCommittedWrite(
  sequelize: Sequelize,
  actFor: (model: ModelStatic<Model>) => (() => Promise<unknown>) | null,
): void {
  for (const hook of WRITE_HOOKS) {
    // Permanent hooks run for every model, with the model as `this`; the options are the last
    // argument whatever the hook.
    sequelize.addHook(hook, async function (this: ModelStatic<Model>, ...args: unknown[]) {
      const act = actFor(this);
      if (!act) return;
      const options = args[args.length - 1] as { transaction?: Transaction | null } | undefined;
      const transaction = options?.transaction;
      if (!transaction) {
        await act();
        return;
      }
      outermost(transaction).afterCommit(async () => {
        await act();
      });
    });
  }
}
