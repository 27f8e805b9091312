import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/lib/logger';
import { createSequelize, withoutStatementLimit } from '../../src/db/sequelize';
import { migrate } from '../../src/db/migrator';
import { applyTestEnv } from './test-env';
import { recreateMysqlDatabase, removeDir } from './database';

/** Once per run: an empty test database, built by the real migrations. */
export default async function globalSetup(): Promise<void> {
  applyTestEnv();
  const config = loadConfig(process.env);
  if (config.db.url) await recreateMysqlDatabase(config.db.url);
  else removeDir(config.dataDir);
  const sequelize = createSequelize(withoutStatementLimit(config.db), createLogger(config.log));
  try {
    await migrate(sequelize);
  } finally {
    await sequelize.close();
  }
}
