import { QueryTypes, type Sequelize } from 'sequelize';

/** What a route file is made from: the post's stored id, its title and its route. */
export interface RouteRow {
  id: string;
  title: string;
  mapLatLng: string | null;
}

/** The posts with a route (runs and courses): their table and key column. */
export type RoutedTable =
  { table: 'Groups'; key: 'groupId' } | { table: 'Courses'; key: 'courseId' };

/** A post's route row by its id, or null when there is none: one key read, a plain row. */
export async function selectRouteRow(
  sequelize: Sequelize,
  { table, key }: RoutedTable,
  id: string,
): Promise<RouteRow | null> {
  const [row] = await sequelize.query<RouteRow>(
    `SELECT \`${key}\` AS \`id\`, \`title\`, \`mapLatLng\` FROM \`${table}\` WHERE \`${key}\` = ?`,
    { type: QueryTypes.SELECT, replacements: [id] },
  );
  return row ?? null;
}
