import {
  QueryTypes,
  type Model,
  type ModelStatic,
  type Sequelize,
  type Transaction,
} from 'sequelize';
import { announceWrite } from '../lib/write-hooks';
import { dialectOf } from './sequelize';

/**
 * The lock clause of a SELECT that locks its rows until the transaction ends: MySQL's
 * ` FOR UPDATE`; nothing on SQLite, which has no lock clause (its writers take turns).
 */
export const forUpdate = (sequelize: Sequelize): string =>
  dialectOf(sequelize) === 'sqlite' ? '' : ' FOR UPDATE';

const TYPES = {
  INSERT: QueryTypes.INSERT,
  UPDATE: QueryTypes.UPDATE,
  DELETE: QueryTypes.DELETE,
} as const;

/**
 * A write of plain SQL (an INSERT, UPDATE or DELETE of `model`'s table, no model instance to
 * build), announced to the write hooks as the model's own write would have been
 * ({@link announceWrite}): the read caches watching the table are renewed after the commit
 * (outside a transaction, at once).
 */
export async function writeAnnounced(
  sequelize: Sequelize,
  model: ModelStatic<Model>,
  sql: string,
  replacements: unknown[],
  transaction: Transaction | undefined,
): Promise<void> {
  const type = TYPES[sql.slice(0, 6) as keyof typeof TYPES];
  if (!type) throw new Error(`not a plain write: ${sql.slice(0, 20)}`);
  await sequelize.query(sql, { type, replacements, transaction });
  await announceWrite(sequelize, [model], transaction);
}
