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

/** The transaction whose commit makes a write visible: a savepoint's parent's, up to the top. */
function topLevel(transaction: Transaction): Transaction {
  let current = transaction as Transaction & { parent?: Transaction };
  while (current.parent) current = current.parent;
  return current;
}

/**
 * Runs `act` once any write to one of `models` through this Sequelize instance is visible to
 * other connections: at once outside a transaction, else after the outermost commit (which
 * Sequelize awaits before the transaction's promise resolves, so the writing request answers
 * after `act`). A rolled-back write runs nothing.
 */
export function onCommittedWrite(
  sequelize: Sequelize,
  models: ReadonlyArray<ModelStatic<Model>>,
  act: () => Promise<void>,
): void {
  const watched: ReadonlySet<unknown> = new Set(models);
  for (const hook of WRITE_HOOKS) {
    // Permanent hooks run for every model, with the model as `this`; the options are the last
    // argument whatever the hook.
    sequelize.addHook(hook, async function (this: ModelStatic<Model>, ...args: unknown[]) {
      if (!watched.has(this)) return;
      const options = args[args.length - 1] as { transaction?: Transaction | null } | undefined;
      const transaction = options?.transaction;
      if (!transaction) return act();
      topLevel(transaction).afterCommit(() => act());
    });
  }
}
