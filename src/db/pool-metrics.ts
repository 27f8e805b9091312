import { Gauge, type Registry } from 'prom-client';
import type { Sequelize } from 'sequelize';

/** The pool of Sequelize's MySQL dialect (sequelize-pool): the fields the gauges read. */
interface PoolLike {
  size: number;
  using: number;
  waiting: number;
  maxSize: number;
}

/** What Sequelize's connection manager holds: a MySQL pool, or SQLite's open connections. */
interface ConnectionManagerLike {
  pool?: PoolLike | { write?: PoolLike };
  connections?: Record<string, unknown>;
}

const managerOf = (sequelize: Sequelize) =>
  (sequelize as unknown as { connectionManager: ConnectionManagerLike }).connectionManager;

function mysqlPool(sequelize: Sequelize): PoolLike | null {
  const { pool } = managerOf(sequelize);
  if (!pool) return null;
  // With read replicas the pool is split; the writer's is the one writes wait for.
  return 'using' in pool ? pool : (pool.write ?? null);
}

/**
 * The database pool, read at each scrape. MySQL: connections open, lent out, requests waiting
 * for one, and the configured maximum. SQLite has no pool (one shared connection, plus one per
 * open transaction), so only the open connections are reported.
 */
export function registerPoolGauges(registry: Registry, sequelize: Sequelize, prefix: string) {
  const gauge = (name: string, help: string, read: () => number | null) =>
    new Gauge({
      name: `${prefix}${name}`,
      help,
      registers: [registry],
      collect() {
        const value = read();
        if (value !== null) this.set(value);
      },
    });
  if (sequelize.getDialect() === 'sqlite') {
    gauge('db_pool_size', 'Open SQLite connections (one shared, one per open transaction).', () => {
      const { connections } = managerOf(sequelize);
      return connections ? Object.keys(connections).length : 0;
    });
    return;
  }
  const read = (field: keyof PoolLike) => () => mysqlPool(sequelize)?.[field] ?? null;
  gauge('db_pool_size', 'Connections open in the database pool.', read('size'));
  gauge('db_pool_in_use', 'Pool connections lent to a query or transaction.', read('using'));
  gauge('db_pool_waiting', 'Requests waiting for a pool connection.', read('waiting'));
  gauge('db_pool_max', 'Largest pool size (DB_POOL_MAX).', read('maxSize'));
}
