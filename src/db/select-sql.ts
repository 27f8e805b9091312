import type { FindOptions, Model, ModelStatic, Sequelize } from 'sequelize';

/** Sequelize's SQL builder, which writes a `findAll`'s SELECT without running it. */
interface SelectBuilder {
  selectQuery(table: string, options: object, model: ModelStatic<Model>): string;
}

/**
 * The SELECT that `model.findAll(options)` would run (raw options: attributes, where, order,
 * limit, offset, index hints), without its closing semicolon, so it can be a derived table or a
 * UNION branch of a hand-written statement. Give `order` as a fresh array: the builder rewrites
 * the directions of the order it is given.
 */
export function selectSql(
  sequelize: Sequelize,
  model: ModelStatic<Model>,
  options: FindOptions,
): string {
  const builder = sequelize.getQueryInterface().queryGenerator as unknown as SelectBuilder;
  return builder.selectQuery(model.getTableName() as string, options, model).replace(/;$/, '');
}
