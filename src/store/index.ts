import type { Config } from '../config';
import type { Logger } from '../lib/logger';
import type { KeyStore } from './keystore';
import { RedisKeyStore } from './redis-store';
import { SqliteKeyStore } from './sqlite-store';

export type { KeyStore } from './keystore';

/** Redis when REDIS_URL is set, otherwise the SQLite file beside the embedded database. */
export async function createKeyStore(config: Config, logger: Logger): Promise<KeyStore> {
  if (config.store.redisUrl) {
    return RedisKeyStore.connect(config.store.redisUrl, config.store.keyPrefix, logger);
  }
  return SqliteKeyStore.open(config.store.sqliteFile);
}
