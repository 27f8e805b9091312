import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The embedded mode's data folder holds the signing secret, the phone key and the SQLite
 * files (every user's data): only the account running the app may read them. The folder is
 * made 0700 and those files 0600, whatever the umask, and loosened ones are tightened at start.
 */

const GROUP_OR_OTHER = 0o077;

const errnoOf = (err: unknown) => (err as NodeJS.ErrnoException).code;

/** Sets `mode` when the current one lets the group or others in. */
function tighten(target: string, mode: number): void {
  if ((fs.statSync(target).mode & GROUP_OR_OTHER) !== 0) fs.chmodSync(target, mode);
}

/** Creates the folder (and its parents) if needed; the folder itself ends up 0700. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  tighten(dir, 0o700);
}

/**
 * Creates an empty file 0600 if there is none (SQLite takes an empty file as a new database),
 * and tightens an existing one. SQLite gives its `-wal`/`-shm`/`-journal` files the mode of
 * the database; ones left from before are tightened here too.
 *
 * An existing database is never opened here: POSIX record locks belong to the process, and
 * closing any descriptor of a file drops every lock the process holds on it, so opening and
 * closing the file while a connection of this process uses it (a second context in the same
 * process, say) would silently drop that connection's locks and let other processes write
 * under it. Only a file that does not exist yet is created (exclusively) and closed.
 */
export function ensurePrivateDbFile(file: string): void {
  ensurePrivateDir(path.dirname(file));
  try {
    fs.closeSync(fs.openSync(file, 'wx', 0o600));
  } catch (err) {
    if (errnoOf(err) !== 'EEXIST') throw err;
  }
  tighten(file, 0o600);
  for (const suffix of ['-wal', '-shm', '-journal']) {
    try {
      tighten(`${file}${suffix}`, 0o600);
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') throw err;
    }
  }
}

/** The file's text (trimmed), or undefined when there is no such file. */
function readIfPresent(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Writes `content` to a private temporary file beside `file`, flushes it to disk, then links
 * it to its final name: the name appears only with its whole content, and only once. When
 * another process linked first, its file stays and this one is dropped.
 */
function createAtomically(file: string, content: string): void {
  const temp = `${file}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(temp, file);
  } catch (err) {
    if (errnoOf(err) !== 'EEXIST') throw err;
  } finally {
    fs.unlinkSync(temp);
  }
}

/**
 * The secret kept in `file` (0600), generated and stored the first time. Processes starting
 * together on a fresh folder all end up with the one that was stored first.
 */
export function readOrCreateSecret(file: string, generate: () => string): string {
  ensurePrivateDir(path.dirname(file));
  const existing = readIfPresent(file);
  if (existing !== undefined) {
    tighten(file, 0o600);
    return existing;
  }
  createAtomically(file, generate());
  return fs.readFileSync(file, 'utf8').trim();
}
