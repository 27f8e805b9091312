/**
 * The building blocks of the configuration schema: each setting is declared once, with its
 * environment variable, its parser and default, and one line of documentation; the types of
 * the values come from these declarations.
 */

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Collects every problem, so all of them are reported together. */
export class Reader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  /** The trimmed value, or undefined when unset or blank. */
  raw(key: string): string | undefined {
    const value = this.env[key];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  problem(message: string): void {
    this.problems.push(message);
  }

  /** A whole number in range; a problem (and `fallback`) otherwise. */
  int(key: string, value: string, fallback: number, min: number, max: number): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problem(`${key} must be a whole number from ${min} to ${max} (got "${value}")`);
      return fallback;
    }
    return n;
  }
}

export interface Setting<T> {
  /** The environment variable. */
  readonly key: string;
  /** One line for operators (what it does, its unit, its default when not obvious). */
  readonly doc: string;
  /**
   * Read by Node itself from the process environment, not from `.env`: documented there only
   * as a comment.
   */
  readonly processEnvOnly?: boolean;
  read(r: Reader): T;
}

/** A setting parsed from its (set, non-blank) value; `fallback` when unset. */
function setting<T>(
  key: string,
  doc: string,
  fallback: T,
  parse: (value: string, r: Reader) => T,
): Setting<T> {
  return {
    key,
    doc,
    read(r) {
      const value = r.raw(key);
      return value === undefined ? fallback : parse(value, r);
    },
  };
}

export const text = (key: string, fallback: string, doc: string): Setting<string> =>
  setting(key, doc, fallback, (value) => value);

export const optionalText = (key: string, doc: string): Setting<string | null> =>
  setting<string | null>(key, doc, null, (value) => value);

/** A comma-separated list; blank entries are dropped. */
export const list = (key: string, fallback: string, doc: string): Setting<string[]> =>
  setting(key, doc, split(fallback), split);

function split(value: string): string[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/** A whole number from `min` to `max`, multiplied by `scale` (seconds to ms, MB to bytes). */
export const int = (
  key: string,
  fallback: number,
  [min, max]: [number, number],
  doc: string,
  scale = 1,
): Setting<number> =>
  setting(key, doc, fallback * scale, (value, r) => r.int(key, value, fallback, min, max) * scale);

export const optionalInt = (
  key: string,
  [min, max]: [number, number],
  doc: string,
): Setting<number | null> =>
  setting<number | null>(key, doc, null, (value, r) => r.int(key, value, 0, min, max));

function parseBool(key: string, value: string, r: Reader): boolean | null {
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  r.problem(`${key} must be true or false (got "${value}")`);
  return null;
}

export const bool = (key: string, fallback: boolean, doc: string): Setting<boolean> =>
  setting(key, doc, fallback, (value, r) => parseBool(key, value, r) ?? fallback);

/** A boolean whose default depends on other settings (null when unset). */
export const optionalBool = (key: string, doc: string): Setting<boolean | null> =>
  setting<boolean | null>(key, doc, null, (value, r) => parseBool(key, value, r));

export const oneOf = <T extends string>(
  key: string,
  allowed: readonly T[],
  fallback: NoInfer<T>,
  doc: string,
): Setting<T> =>
  setting(key, doc, fallback, (value, r) => {
    if ((allowed as readonly string[]).includes(value)) return value as T;
    r.problem(`${key} must be one of ${allowed.join(', ')} (got "${value}")`);
    return fallback;
  });

export const WEB = ['http:', 'https:'];

/** A URL with one of `protocols` (as written; null when unset). */
export const url = (key: string, protocols: string[], doc: string): Setting<string | null> =>
  setting<string | null>(key, doc, null, (value, r) => {
    try {
      if (!protocols.includes(new URL(value).protocol)) {
        r.problem(`${key} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
      }
    } catch {
      r.problem(`${key} is not a valid URL`);
    }
    return value;
  });

/** An http(s) base URL without trailing slashes; `fallback` when unset (null: decided later). */
export function baseUrl(key: string, fallback: string, doc: string): Setting<string>;
export function baseUrl(key: string, fallback: null, doc: string): Setting<string | null>;
export function baseUrl(key: string, fallback: string | null, doc: string) {
  const written = url(key, WEB, doc);
  return {
    key,
    doc,
    read: (r: Reader) => (written.read(r) ?? fallback)?.replace(/\/+$/, '') ?? null,
  };
}

/** Any other parser: `parse` gets the set value and reports its own problems. */
export const custom = <T>(
  key: string,
  fallback: T,
  doc: string,
  parse: (value: string, r: Reader) => T,
): Setting<T> => setting(key, doc, fallback, parse);

/** A section of settings (possibly nested), as declared. */
export interface Schema {
  readonly [name: string]: Setting<unknown> | Schema;
}

/** The values a section reads to. */
export type Values<S extends Schema> = {
  -readonly [K in keyof S]: S[K] extends Setting<infer T>
    ? T
    : S[K] extends Schema
      ? Values<S[K]>
      : never;
};

const isSetting = (entry: Setting<unknown> | Schema): entry is Setting<unknown> =>
  typeof (entry as Setting<unknown>).read === 'function';

export function readSection<S extends Schema>(r: Reader, schema: S): Values<S> {
  return Object.fromEntries(
    Object.entries(schema).map(([name, entry]) => [
      name,
      isSetting(entry) ? entry.read(r) : readSection(r, entry),
    ]),
  ) as Values<S>;
}

/** Every setting of the sections, in declaration order. */
export function settingsOf(...schemas: Schema[]): Setting<unknown>[] {
  return schemas.flatMap((schema) =>
    Object.values(schema).flatMap((entry) => (isSetting(entry) ? [entry] : settingsOf(entry))),
  );
}

/** A provider's settings are all-or-nothing: half a configuration is a mistake, not "off". */
export function together(r: Reader, settings: Setting<unknown>[]): boolean {
  const keys = settings.map((s) => s.key);
  const set = keys.filter((k) => r.raw(k) !== undefined);
  if (set.length > 0 && set.length < keys.length) {
    r.problem(
      `${keys.join(', ')} must be set together (missing ${keys.filter((k) => !set.includes(k)).join(', ')})`,
    );
  }
  return set.length === keys.length;
}
