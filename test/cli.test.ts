import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { loadConfig } from '../src/config';
import { seedRefusal } from '../src/cli/seed';
import { createProgress } from '../src/cli/progress';
import { REPO_ROOT } from './support/test-env';

/**
 * The command-line tools, run as the npm scripts run them (from source here): `--help`, unknown
 * arguments, db:seed's refusal of a production database, and progress on stderr only.
 */
interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Each spawn compiles its imports with ts-node: slow on a busy two-core machine. */
const SPAWN_TIMEOUT_MS = 240_000;

function runScript(script: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  return new Promise<Outcome>((resolve) => {
    execFile(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', script, ...args],
      { cwd: REPO_ROOT, env, timeout: SPAWN_TIMEOUT_MS },
      (err, stdout, stderr) => {
        const code = err ? Number((err as { code?: number }).code ?? 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const CLIS: Array<[string, string]> = [
  ['src/cli/migrate.ts', 'npm run db:migrate --'],
  ['src/cli/seed.ts', 'npm run db:seed --'],
  ['src/cli/token.ts', 'npm run --silent token --'],
  ['src/cli/phones-reencrypt.ts', 'npm run phones:reencrypt --'],
  ['src/cli/images-defaults.ts', 'npm run images:defaults --'],
];
const BENCH: Array<[string, string]> = [
  ['bench/seed.ts', 'npm run bench:seed --'],
  ['bench/groups.ts', 'npm run bench:groups --'],
  ['bench/worker.ts', 'npm run bench:worker --'],
  ['bench/image-upload.ts', 'npm run bench:images --'],
];

/** A configuration that cannot load: --help and usage errors must not need one. */
const BROKEN_CONFIG = { ...process.env, PORT: 'not-a-port' };

/** The embedded mode in a folder of its own, as on a fresh clone. */
function freshEmbedded(extra: NodeJS.ProcessEnv = {}): { env: NodeJS.ProcessEnv; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erunjrun-cli-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, ...extra };
  delete env.DB_URL;
  delete env.REDIS_URL;
  return { env, dir };
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe.each(CLIS)('%s', (script, command) => {
  it(
    'answers --help with its usage and options (exit 0), and rejects an unknown option with one line and the usage (exit 2)',
    async () => {
      const [help, unknown] = await Promise.all([
        runScript(script, ['--help'], BROKEN_CONFIG),
        runScript(script, ['--frobnicate'], BROKEN_CONFIG),
      ]);
      expect(help).toMatchObject({ code: 0, stderr: '' });
      expect(help.stdout.startsWith(`usage: ${command}`)).toBe(true);
      expect(help.stdout).toMatch(/^ {2}-h, --help {2,}show this help and exit$/m);

      expect(unknown).toMatchObject({ code: 2, stdout: '' });
      expect(unknown.stderr.trimEnd().split('\n')).toEqual([
        'unknown option --frobnicate',
        expect.stringMatching(new RegExp(`^usage: ${command.replace(/[-.]/g, '\\$&')}`)),
      ]);
    },
    SPAWN_TIMEOUT_MS,
  );
});

describe.each(BENCH)('%s', (script, command) => {
  it(
    'answers --help (exit 0) and rejects a stray argument (exit 2)',
    async () => {
      const [help, stray] = await Promise.all([
        runScript(script, ['-h'], BROKEN_CONFIG),
        runScript(script, ['--runs', '10', 'extra'], BROKEN_CONFIG),
      ]);
      expect(help).toMatchObject({ code: 0, stderr: '' });
      expect(help.stdout.startsWith(`usage: ${command}`)).toBe(true);
      expect(stray.code).toBe(2);
      expect(stray.stderr.split('\n')[0]).toMatch(
        /^(unexpected argument extra|unknown option --runs)$/,
      );
    },
    SPAWN_TIMEOUT_MS,
  );
});

describe('npm run db:seed', () => {
  it(
    'refuses NODE_ENV=production before touching the database, unless --force',
    async () => {
      const { env, dir } = freshEmbedded({ NODE_ENV: 'production', DB_MIGRATE_ON_START: 'true' });
      dirs.push(dir);
      const refused = await runScript('src/cli/seed.ts', [], env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^db:seed refused: NODE_ENV is production\..*--force/m);
      expect(refused.stdout).toBe('');
      expect(fs.existsSync(path.join(dir, 'erunjrun.sqlite'))).toBe(false);

      const forced = await runScript('src/cli/seed.ts', ['--force'], env);
      expect(forced.code).toBe(0);
      // The result on stdout, the progress on stderr (one line per batch: not a terminal).
      expect(forced.stdout).toMatch(/^demo data created: users 36, groups \d+/m);
      const tryAs = /^try it as (\S+), .*: npm run --silent token -- (\S+)$/m.exec(forced.stdout);
      expect(tryAs).not.toBeNull();
      expect(tryAs![2]).toBe(tryAs![1]);
      expect(forced.stdout).not.toMatch(/^users \d/m);
      expect(forced.stderr).toMatch(/^users 36\/36$/m);
      expect(forced.stderr).toMatch(/^course images 15\/15$/m);

      const quiet = await runScript('src/cli/seed.ts', ['--force', '--quiet'], env);
      expect(quiet).toMatchObject({ code: 0, stderr: '' });
      expect(quiet.stdout).toMatch(/^demo data was already there, nothing written/m);
      expect(quiet.stdout).toContain(`npm run --silent token -- ${tryAs![1]}`);
    },
    SPAWN_TIMEOUT_MS,
  );

  it(
    'refuses a DB_URL database not named as a development one, before connecting',
    async () => {
      const env = { ...process.env, DB_URL: 'mysql://root@127.0.0.1:1/erunjrun' };
      const refused = await runScript('src/cli/seed.ts', [], env);
      expect(refused.code).toBe(1);
      expect(refused.stderr.split('\n')[0]).toBe(
        'db:seed refused: the database "erunjrun" is not named as a development one (a part of ' +
          'its name must start with dev, demo or test). It writes demo accounts and runs; pass ' +
          '--force (npm run db:seed -- --force) to seed this database anyway',
      );
    },
    SPAWN_TIMEOUT_MS,
  );

  it('accepts the embedded database and databases with a part of the name starting with dev, demo or test', () => {
    const base = loadConfig({ ...process.env, DB_URL: undefined });
    const withUrl = (url: string | null, production = false) => ({
      production,
      db: { ...base.db, url },
    });
    expect(seedRefusal(withUrl(null))).toBeNull();
    for (const name of ['erunjrun_dev', 'erunjrun-demo', 'test_erunjrun', 'erunjrun_development']) {
      expect(seedRefusal(withUrl(`mysql://u:p@db:3306/${name}`))).toBeNull();
    }
    for (const name of ['erunjrun', 'erunjrun_prod', 'mydev_erunjrun']) {
      expect(seedRefusal(withUrl(`mysql://u:p@db:3306/${name}`))).toMatch(
        /not named as a development/,
      );
    }
    expect(seedRefusal(withUrl(null, true))).toBe('NODE_ENV is production');
    expect(seedRefusal(withUrl('mysql://u:p@db:3306/erunjrun_dev', true))).toBe(
      'NODE_ENV is production',
    );
  });
});

describe('npm run db:migrate', () => {
  it(
    'shows one line per migration on stderr, and what it applied on stdout',
    async () => {
      const { env, dir } = freshEmbedded();
      dirs.push(dir);
      const first = await runScript('src/cli/migrate.ts', [], env);
      expect(first.code).toBe(0);
      const lines = first.stderr.trimEnd().split('\n');
      const total = lines.length;
      expect(total).toBeGreaterThan(1);
      lines.forEach((line, i) =>
        expect(line).toMatch(new RegExp(`^migrated ${i + 1}/${total} \\d+-`)),
      );
      expect(first.stdout).toMatch(/^applied: \d+-/);

      const again = await runScript('src/cli/migrate.ts', ['-q'], env);
      expect(again).toMatchObject({ code: 0, stderr: '', stdout: 'database is up to date\n' });
    },
    SPAWN_TIMEOUT_MS,
  );
});

describe('Progress lines', () => {
  const capture = (isTTY: boolean) => {
    const stream = Object.assign(new PassThrough(), { isTTY });
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    return { stream, text: () => text };
  };

  it('On a terminal, a step updates one line in place and ends it when done', () => {
    let now = 0;
    const out = capture(true);
    const progress = createProgress({ stream: out.stream, now: () => now });
    progress.count('groups', 500, 2000);
    now += 50; // throttled: not written
    progress.count('groups', 1000, 2000);
    now += 500;
    progress.count('groups', 1500, 2000);
    progress.count('groups', 2000, 2000);
    progress.line('done');
    expect(out.text()).toBe(
      '\r\x1b[2Kgroups 500/2,000\r\x1b[2Kgroups 1,500/2,000\r\x1b[2Kgroups 2,000/2,000\ndone\n',
    );
  });

  it('Elsewhere, one line per batch at most once a second plus the last; nothing with quiet', () => {
    let now = 0;
    const out = capture(false);
    const progress = createProgress({ stream: out.stream, now: () => now });
    for (let done = 100; done <= 1000; done += 100) {
      progress.count('users', done, 1000);
      now += 300;
    }
    expect(out.text()).toBe(
      'users 100/1,000\nusers 500/1,000\nusers 900/1,000\nusers 1,000/1,000\n',
    );

    const silent = capture(true);
    const quiet = createProgress({ stream: silent.stream, quiet: true });
    quiet.count('users', 1, 1);
    quiet.line('x');
    expect(silent.text()).toBe('');
  });
});
