import { literal, type Sequelize, type WhereOptions } from 'sequelize';
import { dialectOf } from '../db/sequelize';
import type { User } from './user.model';

/**
 * Users whose nickname equals `nickname` ignoring case. MySQL's `utf8mb4_unicode_ci` columns
 * already compare so (and use the nickname index); SQLite compares bytes, so it is asked for its
 * NOCASE collation, which folds ASCII letters.
 */
export function nicknameIs(sequelize: Sequelize, nickname: string): WhereOptions<User> {
  if (dialectOf(sequelize) === 'mysql') return { nickname };
  return literal(`\`nickname\` = ${sequelize.escape(nickname)} COLLATE NOCASE`);
}
