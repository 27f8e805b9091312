import winston from 'winston';
import type { LogFormat, LogLevel } from '../config';

/**
 * Values that must never reach a log line: bearer tokens, JWT-looking strings,
 * Korean mobile numbers, 6-digit verification codes next to a code-ish key, and the secret
 * of a calendar feed address (`/calendar/<secret>.ics`, in access and error lines).
 */
const REDACTIONS: Array<[RegExp, string]> = [
  [/(\/calendar\/)[^/?#\s"]+/gi, '$1[REDACTED]'],
  [/(bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1[REDACTED]'],
  [/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, '[REDACTED_JWT]'],
  [/\b01[016789][- ]?\d{3,4}[- ]?\d{4}\b/g, '[REDACTED_PHONE]'],
  [
    /("?(?:code|token|refreshToken|password|secret|tel|phone)"?\s*[:=]\s*"?)[^",\s}]+/gi,
    '$1[REDACTED]',
  ],
];

export function redact(text: string): string {
  return REDACTIONS.reduce(
    (acc, [pattern, replacement]) => acc.replace(pattern, replacement),
    text,
  );
}

/** Strings anywhere in a logged value, copied (never changed in place), a few levels deep. */
function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redact(value);
  if (depth >= 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, redactDeep(item, depth + 1)]),
  );
}

const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) info[key] = redactDeep(info[key]);
  return info;
});

export type Logger = winston.Logger;

/** Where winston keeps the level before colorize changes it. */
const LEVEL = Symbol.for('level');

/** `key=value`, the value quoted only when it has spaces or quotes (objects as JSON). */
function field(key: string, value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `${key}=${/[\s"=]/.test(text ?? '') ? JSON.stringify(text) : text}`;
}

/** One line per entry: `12:01:02 info  message key=value …`, coloured on a terminal. */
function prettyFormat(colours: boolean) {
  return winston.format.combine(
    winston.format.timestamp({ format: 'HH:mm:ss' }),
    redactFormat(),
    ...(colours ? [winston.format.colorize()] : []),
    winston.format.printf((info) => {
      const { timestamp, level, message, ...rest } = info;
      // colorize wraps the level in escape codes: pad by the plain level's width.
      const plain = String(info[LEVEL] ?? level);
      const fields = Object.entries(rest).map(([key, value]) => field(key, value));
      return [
        String(timestamp),
        `${level}${' '.repeat(Math.max(0, 5 - plain.length))}`,
        String(message),
        ...fields,
      ].join(' ');
    }),
  );
}

/**
 * `auto` is pretty when the output is a terminal (someone is reading it), JSON otherwise (a
 * file, a pipe, a container's log collector).
 */
export function resolveLogFormat(
  format: LogFormat,
  output: { isTTY?: boolean } | undefined,
): 'json' | 'pretty' {
  if (format !== 'auto') return format;
  return output?.isTTY === true ? 'pretty' : 'json';
}

export function createLogger(options: {
  level: LogLevel;
  format: LogFormat;
  /** Command-line tools keep stdout for their output and log to stderr. */
  stderr?: boolean;
  /** Write here instead of the console (tests capture the output to search it). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
}): Logger {
  const silent = options.level === 'silent';
  const output = options.stream ?? (options.stderr ? process.stderr : process.stdout);
  const format =
    resolveLogFormat(options.format, output) === 'json'
      ? winston.format.combine(winston.format.timestamp(), redactFormat(), winston.format.json())
      : prettyFormat(output.isTTY === true);
  return winston.createLogger({
    level: silent ? 'error' : options.level,
    silent,
    format,
    transports: [
      options.stream
        ? new winston.transports.Stream({ stream: options.stream })
        : new winston.transports.Console({
            stderrLevels: options.stderr ? Object.keys(winston.config.npm.levels) : ['error'],
          }),
    ],
  });
}
