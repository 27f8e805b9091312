/**
 * The statements behind the group search shapes and the course ranking, with their plans, the
 * rows they read and their time, on the configured database (the one `npm run bench:seed`
 * fills), printed as markdown tables:
 *
 *   DB_URL=mysql://root@127.0.0.1:3306/erunjrun_bench npm run bench:plans
 *   DATA_DIR=/tmp/bench-embedded npm run bench:plans -- --iterations 200
 *
 * Each search runs as `/group/all` reads it with the list cache off (`runsPage`), once through
 * the access path the search chooses now and once the way every search read before
 * `Groups.searchKey` (its conditions, the region index for one region). A search probed by its
 * keys (`src/groups/probe.ts`) runs as its requests after the first do (a broad one remembered
 * as broad), and, when that differs, as a first request (the probe, then the date order). MariaDB/MySQL: `EXPLAIN`
 * (key), `ANALYZE FORMAT=JSON` (rows read per table) and the handler reads of one run (every
 * index or table row the statements read, `Handler_read_*`); SQLite: `EXPLAIN QUERY PLAN`.
 * Times are in-process means over `--iterations` runs after a warm-up (statements only, no
 * HTTP), so they hold on a busy machine better than throughput; state `uptime` with them.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { bootstrap, type Runtime } from '../src/bootstrap';
import { argsOrExit, intOption } from '../src/cli/args';
import { loadConfigFromEnvironment } from '../src/config';
import { findRankingIds } from '../src/courses/courses.queries';
import { dialectOf } from '../src/db/sequelize';
import { Course, Group } from '../src/db/models';
import { countRuns } from '../src/groups/groups.queries';
import { runsPage } from '../src/groups/list-pages';
import { parseListQuery, type SearchFilters } from '../src/groups/list-query';
import { forgetBroadSearches } from '../src/groups/probe';
import { searchAccess, searchWhere, type SearchAccess } from '../src/groups/search';
import { kstDate } from '../src/lib/time';
import { assertDisposable, rareSearchQuery } from './seed';

const th = (...themes: string[]) => encodeURIComponent(`${themes.join('/')}/`);
/** The Korean date `days` from today. */
const day = (days: number) => kstDate(new Date(Date.now() + days * 86_400_000));

/** The shapes, as the SPA's query strings. */
const SHAPES: Array<{ name: string; query: string }> = [
  { name: 'rare: Jeju + track + 15 km+', query: `region=9&distance=4/&thema=${th('트랙')}&size=6` },
  { name: 'rare: dawn + beach (no region)', query: `time=1/&thema=${th('해변')}&size=6` },
  {
    name: 'rare: Jeju + 2 themes, size 100',
    query: `region=9&thema=${th('도시', '트랙')}&size=100`,
  },
  {
    name: 'rare, finish=1: Jeju + track + 15 km+',
    query: `region=9&distance=4/&thema=${th('트랙')}&finish=1&size=6`,
  },
  {
    name: 'none, 70 keys: Gangwon + Jeju + track',
    query: `region=4/9/&thema=${th('트랙')}&size=6`,
  },
  {
    name: 'none, 70 keys, finish=1: Gangwon + Jeju + track',
    query: `region=4/9/&thema=${th('트랙')}&finish=1&size=6`,
  },
  // The bench's rare request: the seeder's planted runs, the same ten at every size.
  {
    name: 'rare, 70 keys: the plant (Gangwon + Chungcheong + city, one week)',
    query: `${rareSearchQuery(new Date())}&size=6`,
  },
  {
    name: 'rare, 210 keys: Jeju + the six themes, one day, size 100',
    query: `date=${day(10)}/${day(10)}&region=9&thema=${th('산', '도시', '강변', '해변', '공원', '트랙')}&size=100`,
  },
  { name: 'common: no filter', query: 'size=6' },
  { name: 'common: Seoul', query: 'region=1&size=6' },
  {
    name: 'common: Seoul + 2 themes, size 100',
    query: `region=1&thema=${th('강변', '공원')}&size=100`,
  },
  {
    name: 'common: time 3–5 + 10 km+ + 4 themes',
    query: `time=3/4/5/&distance=3/4/&thema=${th('강변', '공원', '도시', '산')}&size=6`,
  },
];

const COMMAND = {
  command: 'npm run bench:plans --',
  summary: 'Plans, rows read and times of the search shapes and the course ranking.',
  options: {
    iterations: { type: 'string', value: '<n>', description: 'timed runs per shape (default 300)' },
  },
} as const;

/** Records the SQL of what `work` runs (Sequelize's `afterQuery` hook, this process only). */
async function captured(sequelize: Sequelize, work: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  sequelize.addHook('afterQuery', 'bench-plans', (_options: unknown, query: unknown) => {
    seen.push((query as { sql: string }).sql);
  });
  try {
    await work();
  } finally {
    sequelize.removeHook('afterQuery', 'bench-plans');
  }
  return seen;
}

async function meanMs(work: () => Promise<unknown>, iterations: number): Promise<number> {
  for (let i = 0; i < Math.min(50, iterations); i += 1) await work();
  const started = performance.now();
  for (let i = 0; i < iterations; i += 1) await work();
  return (performance.now() - started) / iterations;
}

const select = <T extends object>(sequelize: Sequelize, sql: string, transaction?: Transaction) =>
  sequelize.query<T>(sql, { type: QueryTypes.SELECT, transaction, logging: false });

/** Every index/table row the statements read on MariaDB (handler reads of one run). */
async function handlerReads(sequelize: Sequelize, statements: string[]): Promise<number> {
  return sequelize.transaction(async (transaction) => {
    const status = async () => {
      const rows = await select<{ Variable_name: string; Value: string }>(
        sequelize,
        "SHOW SESSION STATUS LIKE 'Handler_read%'",
        transaction,
      );
      return (
        rows
          .filter((r) => r.Variable_name !== 'Handler_read_key')
          .reduce((sum, r) => sum + Number(r.Value), 0) +
        Number(rows.find((r) => r.Variable_name === 'Handler_read_key')?.Value ?? 0)
      );
    };
    const before = await status();
    for (const sql of statements) await select(sequelize, sql, transaction);
    return (await status()) - before;
  });
}

/** The plan in one line: MariaDB's keys per table, SQLite's plan steps. */
async function planOf(sequelize: Sequelize, sql: string): Promise<string> {
  if (dialectOf(sequelize) === 'sqlite') {
    const rows = await select<{ detail: string }>(sequelize, `EXPLAIN QUERY PLAN ${sql}`);
    const steps = rows
      .map((r) => r.detail)
      .filter((d) => /^(SEARCH|SCAN) (Group|Course)\b|TEMP B-TREE/.test(d))
      .map((d) => d.replace(/ USING (COVERING )?INDEX /, ' '));
    const counts = new Map<string, number>();
    for (const step of steps) counts.set(step, (counts.get(step) ?? 0) + 1);
    return [...counts].map(([k, n]) => (n > 1 ? `${k} ×${n}` : k)).join('; ');
  }
  const rows = await select<{ table: string; key: string | null; type: string }>(
    sequelize,
    `EXPLAIN ${sql}`,
  );
  const keys = rows.filter((r) => !/^<(derived|union)/.test(r.table));
  const counts = new Map<string, number>();
  for (const r of keys) {
    const k = `${r.table}:${r.key ?? r.type}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => (n > 1 ? `${k} ×${n}` : k)).join(', ');
}

/** MariaDB's ANALYZE: rows actually read per table access, summed over the statement. */
async function analyzedRows(sequelize: Sequelize, sql: string): Promise<number | null> {
  if (dialectOf(sequelize) === 'sqlite') return null;
  const [row] = await select<{ ANALYZE: string }>(sequelize, `ANALYZE FORMAT=JSON ${sql}`);
  let total = 0;
  const walk = (node: unknown, loops = 1): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, loops));
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o.table && typeof o.table === 'object') {
      const t = o.table as Record<string, unknown>;
      total += Number(t.r_rows ?? 0) * Number(t.r_loops ?? loops);
    }
    Object.values(o).forEach((v) => walk(v, loops));
  };
  walk(JSON.parse(Object.values(row)[0] as string));
  return Math.round(total);
}

async function main() {
  const { iterations } = argsOrExit(COMMAND, ({ values }) => ({
    iterations: intOption('iterations', values.iterations, 300, [1, 100_000]),
  }));
  const config = loadConfigFromEnvironment();
  assertDisposable(config.db.url, config.db.sqliteFile);
  const runtime: Runtime = await bootstrap({ ...config, log: { ...config.log, level: 'warn' } });
  const { sequelize } = runtime;
  const mysql = dialectOf(sequelize) === 'mysql';
  const out = (line: string) => process.stdout.write(`${line}\n`);
  try {
    const runs = await Group.count();
    const courses = await Course.count();
    out(`${sequelize.getDialect()}: ${runs} runs, ${courses} courses; ${iterations} iterations`);
    out('');
    out('| shape | path | matches | statements: key used | rows read (ANALYZE / handler) | ms |');
    out('|---|---|---|---|---|---|');
    const now = new Date();
    const ctx = { sequelize, now: () => now };
    for (const shape of SHAPES) {
      const parsed = parseListQuery('all', Object.fromEntries(new URLSearchParams(shape.query)));
      if (parsed.category !== 'all') continue;
      const filters: SearchFilters = parsed.filters;
      const matches = await countRuns(searchWhere(filters));
      const chosen = searchAccess(filters);
      const keyCount = chosen.searchKeys?.length ?? chosen.probe?.keys.length;
      const conditions: SearchAccess = {
        where: searchWhere(filters),
        searchKeys: null,
        regions: filters.regions,
        probe: null,
      };
      type Path = [label: string, access: SearchAccess, first: boolean];
      const paths: Path[] = [];
      if (chosen.searchKeys) paths.push([`keys (${keyCount})`, chosen, false]);
      if (chosen.probe) {
        paths.push([`probe (${keyCount})`, chosen, false]);
        paths.push([`probe (${keyCount}), first request`, chosen, true]);
      }
      paths.push(['conditions', conditions, false]);
      let steady: string[] = [];
      for (const [label, access, first] of paths) {
        const read = async () => {
          if (first) forgetBroadSearches();
          await runsPage(
            ctx,
            { ...access, page: parsed.page, viewerId: null },
            filters.includeStarted,
          );
        };
        forgetBroadSearches();
        await read();
        const statements = await captured(sequelize, read);
        if (first && statements.join() === steady.join()) continue;
        steady = statements;
        const plans = await Promise.all(statements.map((sql) => planOf(sequelize, sql)));
        const analyzed = mysql
          ? (await Promise.all(statements.map((sql) => analyzedRows(sequelize, sql)))).reduce(
              (a, b) => (a ?? 0) + (b ?? 0),
              0,
            )
          : null;
        const handler = mysql ? await handlerReads(sequelize, statements) : null;
        const ms = await meanMs(read, iterations);
        out(
          `| ${shape.name} | ${label} | ${matches} | ${plans.join(' → ')} | ` +
            `${mysql ? `${analyzed} / ${handler}` : '—'} | ${ms.toFixed(2)} |`,
        );
      }
    }
    out('');
    out('| ranking | statement: key used | rows read (ANALYZE / handler) | ms |');
    out('|---|---|---|---|');
    for (const region of [9, null]) {
      const read = () => findRankingIds(region, 3);
      const [sql] = await captured(sequelize, read);
      const plan = await planOf(sequelize, sql);
      const rows = mysql
        ? `${await analyzedRows(sequelize, sql)} / ${await handlerReads(sequelize, [sql])}`
        : '—';
      const ms = await meanMs(read, iterations);
      out(
        `| ${region === null ? 'all regions' : `region ${region}`} | ${plan} | ${rows} | ${ms.toFixed(2)} |`,
      );
    }
  } finally {
    await runtime.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `${err instanceof Error ? `${err.message}\n${(err as { sql?: string }).sql ?? ''}` : String(err)}\n`,
  );
  process.exitCode = 1;
});
