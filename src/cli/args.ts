import { parseArgs } from 'node:util';

/**
 * The one argument parser of the command-line tools (and the bench scripts): node's
 * `util.parseArgs` in strict mode, plus a usage text built from the same declarations, so
 * `--help` and the options accepted never disagree. Unknown options and wrong counts of
 * arguments are a {@link UsageError}: one line, then the usage line, exit code 2.
 */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** How a string option's value is shown in the help, e.g. `<seconds>`. */
  value?: string;
  description: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

export interface CliSpec<O extends OptionSpecs = OptionSpecs> {
  /** How it is run, e.g. `npm run --silent token --`. */
  command: string;
  /** The positional arguments as shown, e.g. `<nickname>`, and how many are allowed. */
  positionals?: { usage: string; min: number; max: number };
  /** What the command does, a sentence or two. */
  summary: string;
  options: O;
  /** Paragraphs printed after the options. */
  notes?: string;
}

export type OptionValues<O extends OptionSpecs> = {
  [K in keyof O]?: O[K]['type'] extends 'string' ? string : boolean;
};

export interface ParsedArgs<O extends OptionSpecs> {
  values: OptionValues<O>;
  positionals: string[];
  help: boolean;
}

/** Bad command-line arguments; the message is one line. */
export class UsageError extends Error {
  readonly exitCode = 2;

  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const HELP: OptionSpec = { type: 'boolean', short: 'h', description: 'show this help and exit' };

export function usageLine(spec: CliSpec): string {
  const positionals = spec.positionals ? ` ${spec.positionals.usage}` : '';
  const options = Object.keys(spec.options).length > 0 ? ' [options]' : '';
  return `usage: ${spec.command}${positionals}${options}`;
}

export function helpText(spec: CliSpec): string {
  const rows = Object.entries({ ...spec.options, help: HELP }).map(([name, option]) => {
    const flag = `${option.short ? `-${option.short}, ` : ''}--${name}`;
    const shown = option.type === 'string' ? `${flag} ${option.value ?? '<value>'}` : flag;
    return [shown, option] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  const lines = [
    usageLine(spec),
    '',
    spec.summary,
    '',
    'options:',
    ...rows.map(([flag, option]) => `  ${flag.padEnd(width)}  ${option.description}`),
  ];
  if (spec.notes) lines.push('', spec.notes);
  return `${lines.join('\n')}\n`;
}

/** The option named in one of parseArgs' errors (its messages are long and quote it). */
function describeParseError(err: unknown): string {
  const { code, message } = err as { code?: string; message: string };
  const quoted = /'(-[^' ]+)/.exec(message)?.[1] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(message)
        ? `${quoted} needs a value`
        : `${quoted} takes no value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']+)'/.exec(message)?.[1] ?? ''}`.trim();
    default:
      return message.split('\n')[0];
  }
}

export function parseCli<O extends OptionSpecs>(spec: CliSpec<O>, argv: string[]): ParsedArgs<O> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...spec.options, help: HELP },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new UsageError(describeParseError(err));
  }
  const { help, ...values } = parsed.values as Record<string, string | boolean | undefined>;
  const result = {
    values: values as OptionValues<O>,
    positionals: parsed.positionals,
    help: help === true,
  };
  if (result.help) return result;
  const { min, max } = spec.positionals ?? { min: 0, max: 0 };
  if (result.positionals.length > max) {
    throw new UsageError(`unexpected argument ${result.positionals[max]}`);
  }
  if (result.positionals.length < min) {
    throw new UsageError(`missing ${spec.positionals?.usage ?? 'argument'}`);
  }
  return result;
}

/** A whole number option in [min, max]; `fallback` when not given. */
export function intOption(
  name: string,
  value: string | undefined,
  fallback: number,
  [min, max]: [number, number],
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got "${value}")`);
  }
  return n;
}

/**
 * Parses the arguments, or ends the process: `--help` prints the help to stdout (exit 0); a
 * usage error prints one line and the usage line to stderr (exit 2). `check` turns the parsed
 * values into what the command needs and may throw a UsageError too.
 */
export function argsOrExit<O extends OptionSpecs, A>(
  spec: CliSpec<O>,
  check: (parsed: ParsedArgs<O>) => A,
  argv: string[] = process.argv.slice(2),
): A {
  try {
    const parsed = parseCli(spec, argv);
    if (parsed.help) {
      process.stdout.write(helpText(spec));
      process.exit(0);
    }
    return check(parsed);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n${usageLine(spec)} (--help for more)\n`);
    process.exit(err.exitCode);
  }
}

/**
 * For the bench scripts whose one option is `--runs <n>` (how many times to measure): reads it
 * from the command line, or ends the process as {@link argsOrExit} does.
 */
export function runsArgument(spec: {
  command: string;
  summary: string;
  /** What is counted, for the help: `timed requests per step`. */
  counts: string;
  fallback: number;
}): number {
  const cli: CliSpec = {
    command: spec.command,
    summary: spec.summary,
    options: {
      runs: {
        type: 'string',
        value: '<n>',
        description: `${spec.counts} (default ${spec.fallback})`,
      },
    },
  };
  return argsOrExit(cli, ({ values }) =>
    intOption('runs', values.runs as string | undefined, spec.fallback, [1, 1_000_000]),
  );
}
