import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { uniqueSuffix } from './context';
import { embeddedChildEnv, REPO_ROOT } from './test-env';

/**
 * `command` on an embedded database in `dataDir` (JSON log lines at info), with its stdout and
 * stderr collected; `detached` makes it lead a process group of its own.
 */
export function spawnCollecting(
  command: string,
  args: string[],
  dataDir: string,
  env: Record<string, string>,
  detached = false,
): { child: ChildProcess; output: () => string } {
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    detached,
    env: { ...embeddedChildEnv(dataDir), LOG_LEVEL: 'info', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));
  return { child, output: () => output };
}

/**
 * One of the app's processes (`src/server.ts`, `src/worker.ts`) run through ts-node on an
 * embedded database of its own (whatever backend the suite runs on), its output collected.
 */
export class AppProcess {
  readonly child: ChildProcess;
  private readonly collected: () => string;

  constructor(
    script: string,
    readonly dataDir: string,
    env: Record<string, string>,
  ) {
    const args = ['-r', 'ts-node/register/transpile-only', path.join(REPO_ROOT, script)];
    ({ child: this.child, output: this.collected } = spawnCollecting(
      process.execPath,
      args,
      dataDir,
      env,
    ));
  }

  /** Everything it wrote so far. */
  get output(): string {
    return this.collected();
  }

  /** `script` in a fresh data folder named after `name`. */
  static start(script: string, name: string, env: Record<string, string>): AppProcess {
    const dataDir = path.join(
      process.env.TEST_DATA_DIR ?? path.join(REPO_ROOT, 'data', 'test'),
      `${name}-${uniqueSuffix()}`,
    );
    return new AppProcess(script, dataDir, env);
  }

  /** Its exit code, once it has exited. */
  exited(): Promise<number | null> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) resolve(this.child.exitCode);
      else this.child.once('exit', (code) => resolve(code));
    });
  }

  /** Killed if still running, and its data folder removed. */
  async remove(): Promise<void> {
    if (this.child.exitCode === null) {
      this.child.kill('SIGKILL');
      await this.exited();
    }
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
