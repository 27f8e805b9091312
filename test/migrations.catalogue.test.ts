import {
  columnNames,
  dropIndex,
  hasColumn,
  hasIndex,
  hasTable,
  indexNames,
  q,
  tableNames,
} from '../migrations/support/catalogue';
import { createScratchDatabase, type ScratchDatabase } from './support/migrations';

let db: ScratchDatabase;

beforeAll(async () => {
  db = await createScratchDatabase();
  await db.sequelize.query(
    `CREATE TABLE ${q('Groups')} (${q('id')} INTEGER NOT NULL, ${q('we`ird')} INTEGER NULL, ${q('region')} INTEGER NULL, PRIMARY KEY (${q('id')}))`,
  );
  await db.sequelize.query(
    `CREATE INDEX ${q('idx_Groups_region')} ON ${q('Groups')} (${q('region')})`,
  );
});

afterAll(async () => {
  await db.drop();
});

test('q quotes an identifier with backticks and doubles the backticks inside it', () => {
  expect(q('Groups')).toBe('`Groups`');
  expect(q('we`ird')).toBe('`we``ird`');
});

test('A table, its columns and its indexes are found; names that are not there are not', async () => {
  const { sequelize } = db;
  expect(await hasTable(sequelize, 'Groups')).toBe(true);
  expect(await hasTable(sequelize, 'Nothing')).toBe(false);
  expect(await tableNames(sequelize)).toEqual(new Set(['Groups']));

  expect(await hasColumn(sequelize, 'Groups', 'region')).toBe(true);
  expect(await hasColumn(sequelize, 'Groups', 'we`ird')).toBe(true);
  expect(await hasColumn(sequelize, 'Groups', 'date')).toBe(false);
  expect(await hasColumn(sequelize, 'Nothing', 'region')).toBe(false);
  expect(await columnNames(sequelize, 'Groups')).toEqual(new Set(['id', 'we`ird', 'region']));

  expect(await hasIndex(sequelize, 'Groups', 'idx_Groups_region')).toBe(true);
  expect(await hasIndex(sequelize, 'Groups', 'idx_Groups_date')).toBe(false);
  expect(await hasIndex(sequelize, 'Nothing', 'idx_Groups_region')).toBe(false);
  expect(await indexNames(sequelize, 'Groups')).toContain('idx_Groups_region');
});

test('An index dropped is no longer found', async () => {
  const { sequelize } = db;
  await sequelize.query(
    `CREATE INDEX ${q('idx_Groups_id_region')} ON ${q('Groups')} (${q('id')}, ${q('region')})`,
  );
  expect(await hasIndex(sequelize, 'Groups', 'idx_Groups_id_region')).toBe(true);
  await dropIndex(sequelize, 'Groups', 'idx_Groups_id_region');
  expect(await hasIndex(sequelize, 'Groups', 'idx_Groups_id_region')).toBe(false);
  expect(await hasIndex(sequelize, 'Groups', 'idx_Groups_region')).toBe(true);
});
