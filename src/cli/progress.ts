/**
 * Progress of the long commands (seeding, migrations, the phone re-encryption, bench seeding),
 * written to stderr so that stdout keeps only the command's result. On a terminal a step's
 * counts update one line in place; elsewhere (a pipe, a CI log) each batch is a line of its own,
 * at most one a second per step plus the last; `--quiet` writes nothing.
 */
export interface Progress {
  /** `done` of `total` items of a step (`users 100/36000`). */
  count(label: string, done: number, total: number): void;
  /** A line on its own: a step without counts, or a note. */
  line(text: string): void;
}

export interface ProgressOptions {
  quiet?: boolean;
  /** stderr unless given (tests pass a stream of their own). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Milliseconds, for the throttle; Date.now unless given. */
  now?: () => number;
}

/** The option of every command that shows progress. */
export const QUIET = {
  quiet: { type: 'boolean', short: 'q', description: 'no progress lines on stderr' },
} as const;

const TTY_INTERVAL_MS = 200;
const LINE_INTERVAL_MS = 1000;

export function createProgress(options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  if (options.quiet) return { count: () => undefined, line: () => undefined };
  const tty = stream.isTTY === true;
  const lastWrite = new Map<string, number>();
  // On a terminal, whether the cursor sits at the end of an unfinished counting line.
  let open = false;
  const finishLine = () => {
    if (open) stream.write('\n');
    open = false;
  };
  return {
    count(label, done, total) {
      const finished = done >= total;
      const at = now();
      const interval = tty ? TTY_INTERVAL_MS : LINE_INTERVAL_MS;
      const last = lastWrite.get(label);
      if (!finished && last !== undefined && at - last < interval) return;
      lastWrite.set(label, at);
      const text = `${label} ${done.toLocaleString('en')}/${total.toLocaleString('en')}`;
      if (tty) {
        stream.write(`\r\x1b[2K${text}`);
        open = true;
        if (finished) finishLine();
      } else {
        stream.write(`${text}\n`);
      }
    },
    line(text) {
      finishLine();
      stream.write(`${text}\n`);
    },
  };
}
