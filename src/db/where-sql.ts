import { Op, type Sequelize, type WhereOptions } from 'sequelize';

/**
 * The SQL of conditions all to be met, each made only of plain comparisons (`column: value`,
 * `column: [values]`, `column: { [Op.gte]: value, … }`, nested in `[Op.and]`/`[Op.or]` arrays),
 * every column qualified by `table`: what Sequelize's query builder writes for them, without
 * the builder (on the hot list reads it cost more than the rest of the request's own work:
 * option cloning, lodash, moment for each date). Values are strings (escaped as
 * `sequelize.escape` escapes them) and finite numbers. Anything else (functions, columns,
 * literals, booleans, null, an empty list, another operator) answers null: the caller lets
 * Sequelize write that. No conditions is '' (no WHERE).
 */
export function whereSql(
  sequelize: Sequelize,
  where: WhereOptions[],
  table: string,
): string | null {
  const parts = all(where, (condition) => conditionSql(sequelize, condition, table));
  if (parts === null) return null;
  return parts.filter((part) => part !== '').join(' AND ');
}

const COMPARISONS = new Map<symbol, string>([
  [Op.eq, '='],
  [Op.ne, '!='],
  [Op.gt, '>'],
  [Op.gte, '>='],
  [Op.lt, '<'],
  [Op.lte, '<='],
]);

const COLUMN = /^[A-Za-z_][A-Za-z0-9_]*$/;

const isPlainObject = (value: unknown): value is Record<string | symbol, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.getPrototypeOf(value) === Object.prototype;

function valueSql(sequelize: Sequelize, value: unknown): string | null {
  if (typeof value === 'string') return sequelize.escape(value);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** Every part's SQL, or null when one of them has none. */
function all<T>(items: T[], sql: (item: T) => string | null): string[] | null {
  const parts: string[] = [];
  for (const item of items) {
    const part = sql(item);
    if (part === null) return null;
    parts.push(part);
  }
  return parts;
}

/** `column`'s condition (a value, a list, or comparisons). */
function columnSql(
  sequelize: Sequelize,
  column: string,
  condition: unknown,
  table: string,
): string | null {
  if (!COLUMN.test(column)) return null;
  const name = `\`${table}\`.\`${column}\``;
  if (Array.isArray(condition)) {
    if (condition.length === 0) return null;
    const values = all(condition, (value) => valueSql(sequelize, value));
    return values && `${name} IN (${values.join(', ')})`;
  }
  if (!isPlainObject(condition)) {
    const value = valueSql(sequelize, condition);
    return value && `${name} = ${value}`;
  }
  const operators = Object.getOwnPropertySymbols(condition);
  if (operators.length === 0 || Object.keys(condition).length > 0) return null;
  const parts = all(operators, (operator) => {
    const comparison = COMPARISONS.get(operator);
    const value = valueSql(sequelize, condition[operator]);
    return comparison && value ? `${name} ${comparison} ${value}` : null;
  });
  return parts && (parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`);
}

function conditionSql(sequelize: Sequelize, where: unknown, table: string): string | null {
  if (!isPlainObject(where)) return null;
  const parts: string[] = [];
  for (const column of Object.keys(where)) {
    const part = columnSql(sequelize, column, where[column], table);
    if (part === null) return null;
    parts.push(part);
  }
  for (const operator of Object.getOwnPropertySymbols(where)) {
    const joiner = operator === Op.and ? ' AND ' : operator === Op.or ? ' OR ' : null;
    const items = where[operator];
    if (joiner === null || !Array.isArray(items)) return null;
    // Empty lists and empty parts are left to Sequelize, whose meaning for them is its own.
    const inner = items.length > 0 && all(items, (item) => conditionSql(sequelize, item, table));
    if (!inner || inner.includes('')) return null;
    parts.push(inner.length === 1 ? inner[0] : `(${inner.join(joiner)})`);
  }
  if (parts.length === 0) return '';
  return parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`;
}
