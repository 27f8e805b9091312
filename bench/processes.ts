import fs from 'node:fs';
import path from 'node:path';

/*
 * The processes the endpoint table measures (`bench/run.ts`): their trees, memory and CPU time
 * from `/proc`, and how a checkout to compare with is started.
 */

/** The process and its descendants (a cluster's primary and workers); just `pid` off Linux. */
export function processTree(pid: number): number[] {
  try {
    const children = fs
      .readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(' ')
      .filter(Boolean)
      .map(Number);
    return [pid, ...children.flatMap(processTree)];
  } catch {
    return [pid];
  }
}

/**
 * Resident memory in MB (`VmRSS`) or the peak so far (`VmHWM`) of a process and its children
 * (with WEB_CONCURRENCY, every API process; their peaks are summed, an upper bound); 0 off Linux.
 */
export function memoryOf(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  let mb = 0;
  for (const member of processTree(pid)) {
    try {
      const status = fs.readFileSync(`/proc/${member}/status`, 'utf8');
      const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
      mb += kb ? Number(kb) / 1024 : 0;
    } catch {
      // exited meanwhile
    }
  }
  return mb;
}

/** Linux's USER_HZ: the unit of /proc/<pid>/stat times (100 on every Linux build in use). */
const TICK_US = 1e6 / 100;

/** CPU time (user + system, µs) a process and its children have used so far; 0 off Linux. */
export function cpuMicrosOf(pids: number[]): number {
  let ticks = 0;
  for (const member of pids.flatMap(processTree)) {
    try {
      // The fields after the command's closing parenthesis, the state (the 3rd) first: utime
      // and stime are the 14th and 15th.
      const fields = fs.readFileSync(`/proc/${member}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // exited meanwhile, or not Linux
    }
  }
  return ticks * TICK_US;
}

/** The database server's process (MariaDB or MySQL on this machine), if it runs here. */
export function databaseServerPids(): number[] {
  try {
    return fs
      .readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .filter((entry) => {
        try {
          return /^(mariadbd|mysqld)$/.test(fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim());
        } catch {
          return false;
        }
      })
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * `npm start`'s command in a checkout (its Node flags and script) without `node`, run directly:
 * npm's own process would add its memory and the build step. The script `exec`s node so npm's
 * signals reach it.
 */
export function startCommandOf(root: string): string[] {
  const start = (
    JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      scripts?: { start?: string };
    }
  ).scripts?.start
    ?.replace(/^exec\s+/, '')
    .split(/\s+/);
  if (start?.[0] !== 'node') throw new Error(`${root}: \`npm start\` must run node directly`);
  return start.slice(1);
}

/**
 * `--compare`: a second server measured on the same data in the same run. A URL is a server
 * already running on the benchmark's database and key store (with its JWT secret, see
 * bench/support.ts); anything else is the folder of another built checkout (an older build, the
 * original backend built the same way), started like this one, on the same database, per phase.
 */
export type CompareTarget = { url: string } | { root: string } | null;

export function compareTarget(argv: string[]): CompareTarget {
  const at = argv.indexOf('--compare');
  if (at < 0) return null;
  const value = argv[at + 1];
  if (!value || value.startsWith('--')) throw new Error('--compare needs a base URL or a folder');
  if (/^https?:\/\//.test(value)) return { url: new URL(value).origin };
  const root = path.resolve(value);
  // The script `npm start` runs (its last word): a checkout's dist/src/server.js once built.
  const script = fs.existsSync(path.join(root, 'package.json')) && startCommandOf(root).at(-1);
  if (!script || !fs.existsSync(path.join(root, script))) {
    throw new Error(`--compare ${value}: no built server there (run \`npm run build\` in it)`);
  }
  return { root };
}
