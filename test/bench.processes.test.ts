import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  compareTarget,
  cpuMicrosOf,
  databaseServerPids,
  memoryOf,
  processTree,
  startCommandOf,
} from '../bench/processes';

const ROOT = path.resolve(__dirname, '..');
const FLOOR = path.join(ROOT, 'bench', 'floor');

describe('the processes the endpoint table measures', () => {
  it('counts the CPU time a process spends, in microseconds', () => {
    const before = cpuMicrosOf([process.pid]);
    const started = Date.now();
    // Busy until the kernel has counted at least 50 ms of this process's CPU (or 5 s passed).
    while (cpuMicrosOf([process.pid]) - before < 50_000 && Date.now() - started < 5_000) {
      Math.sqrt(Math.random());
    }
    const spent = cpuMicrosOf([process.pid]) - before;
    expect(spent).toBeGreaterThanOrEqual(50_000);
    // Not more than the wall time it took on every core of the machine.
    expect(spent).toBeLessThanOrEqual((Date.now() - started + 20) * 1_000 * os.cpus().length);
    expect(cpuMicrosOf([])).toBe(0);
  });

  it("finds a process's children, and its resident memory", async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'], {
      stdio: 'ignore',
    });
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      expect(processTree(process.pid)).toEqual(expect.arrayContaining([process.pid, child.pid]));
      expect(memoryOf(process.pid, 'VmRSS')).toBeGreaterThan(10);
      expect(memoryOf(process.pid, 'VmHWM')).toBeGreaterThanOrEqual(
        memoryOf(process.pid, 'VmRSS') - 1,
      );
    } finally {
      child.kill();
    }
  });

  it('names only database server processes', () => {
    for (const pid of databaseServerPids()) {
      expect(fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).toMatch(/^(mariadbd|mysqld)$/);
    }
  });
});

describe('what --compare starts', () => {
  it("runs a checkout's `npm start` command without npm, and the floor's", () => {
    const { start } = (
      JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
        scripts: { start: string };
      }
    ).scripts;
    expect(['node', ...startCommandOf(ROOT)].join(' ')).toBe(start.replace(/^exec /, ''));
    expect(startCommandOf(FLOOR).at(-1)).toBe('server.ts');
    expect(fs.existsSync(path.join(FLOOR, 'server.ts'))).toBe(true);
  });

  it('takes a URL, a folder whose start script is there, and refuses anything else', () => {
    expect(compareTarget(['--compare', 'http://127.0.0.1:8080/x'])).toEqual({
      url: 'http://127.0.0.1:8080',
    });
    expect(compareTarget(['--compare', FLOOR])).toEqual({ root: FLOOR });
    expect(compareTarget(['--only', 'apply'])).toBeNull();
    expect(() => compareTarget(['--compare'])).toThrow('--compare needs a base URL or a folder');
    expect(() => compareTarget(['--compare', '--only'])).toThrow('needs a base URL');

    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'erunjrun-compare-'));
    try {
      expect(() => compareTarget(['--compare', folder])).toThrow('no built server there');
      const write = (start: string) =>
        fs.writeFileSync(path.join(folder, 'package.json'), JSON.stringify({ scripts: { start } }));
      write('exec node dist/src/server.js');
      expect(() => compareTarget(['--compare', folder])).toThrow('no built server there');
      fs.mkdirSync(path.join(folder, 'dist', 'src'), { recursive: true });
      fs.writeFileSync(path.join(folder, 'dist', 'src', 'server.js'), '');
      expect(compareTarget(['--compare', folder])).toEqual({ root: folder });
      write('npm run build && node dist/src/server.js');
      expect(() => compareTarget(['--compare', folder])).toThrow('must run node directly');
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
