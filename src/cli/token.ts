import { intOption, parseCli, UsageError, type ParsedArgs } from './args';
import { runCli } from './run';

export const TOKEN_CLI = {
  command: 'npm run --silent token --',
  positionals: { usage: '<nickname>', min: 1, max: 1 },
  summary:
    'Signs in as that user (created with the default avatar if no account has that nickname) and ' +
    'prints one JSON line {"userId","nickname","token","refreshToken"} on stdout.',
  options: {
    'expires-in': {
      type: 'string',
      value: '<seconds>',
      description: 'lifetime of the access token (default JWT_ACCESS_TTL)',
    },
  },
  notes:
    'The tokens work against a server running with the same configuration (same DATA_DIR, or the\n' +
    'same database, Redis and JWT_SECRET).',
} as const;

export interface TokenArgs {
  nickname: string;
  expiresIn?: number;
}

export function tokenArgs({
  values,
  positionals,
}: ParsedArgs<typeof TOKEN_CLI.options>): TokenArgs {
  const nickname = positionals[0].trim();
  if (nickname === '' || nickname.length > 150) {
    throw new UsageError('the nickname must be 1 to 150 characters');
  }
  const expiresIn =
    values['expires-in'] === undefined
      ? undefined
      : intOption('expires-in', values['expires-in'], 0, [1, 10 * 365 * 24 * 3600]);
  return { nickname, expiresIn };
}

/** The arguments of the token command; a UsageError when they are not right. */
export const parseTokenArgs = (argv: string[]): TokenArgs => tokenArgs(parseCli(TOKEN_CLI, argv));

/**
 * `npm run --silent token -- <nickname>`: signs in as that user (created if missing) and prints
 * one JSON line with working tokens. This replaces the original's HTTP test-login routes: only
 * someone with shell access and the server's configuration can mint tokens.
 */
if (require.main === module) {
  runCli(TOKEN_CLI, tokenArgs, async (config, logger, args) => {
    // Loaded once the arguments are good: --help and usage errors answer at once.
    const { bootstrap } = await import('../bootstrap');
    const { startSession } = await import('../auth/sessions');
    const { findOrCreateLocalUser } = await import('../users/users.service');
    const runtime = await bootstrap(config, { logger });
    try {
      const user = await findOrCreateLocalUser(runtime, args.nickname);
      const tokens = await startSession(runtime, user.userId, { accessTtlSeconds: args.expiresIn });
      process.stdout.write(
        `${JSON.stringify({
          userId: user.userId,
          nickname: user.nickname,
          token: tokens.token,
          refreshToken: tokens.refreshToken,
        })}\n`,
      );
    } finally {
      await runtime.close();
    }
  });
}
