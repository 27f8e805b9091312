import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { createSequelize } from '../src/db/sequelize';
import { migrate } from '../src/db/migrator';
import { createLogger } from '../src/lib/logger';

const logger = createLogger({ level: 'silent', format: 'json' });

describe('migrating the embedded database from two processes at once', () => {
  it('lets one migrate while the other waits, and both end up on the same schema', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erunjrun-lock-'));
    const db = { ...loadConfig({ DATA_DIR: dir }).db };
    const a = createSequelize(db, logger);
    const b = createSequelize(db, logger);
    try {
      const [first, second] = await Promise.all([migrate(a), migrate(b)]);
      const all = [...first, ...second].sort();
      // Every migration ran exactly once, whichever process ran it.
      expect(all).toEqual([...new Set(all)]);
      expect(all.length).toBeGreaterThan(0);
      expect(await migrate(a)).toEqual([]);
      expect(fs.existsSync(`${db.sqliteFile}.migrate-lock`)).toBe(false);
    } finally {
      await a.close();
      await b.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
