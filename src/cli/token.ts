import { bootstrap } from '../bootstrap';
import { startSession } from '../auth/sessions';
import { findOrCreateLocalUser } from '../users/users.service';
import { runCli } from './run';

const USAGE = 'usage: npm run --silent token -- <nickname> [--expires-in <seconds>]';

export interface TokenArgs {
  nickname: string;
  expiresIn?: number;
}

export function parseTokenArgs(argv: string[]): TokenArgs {
  const positional: string[] = [];
  let expiresIn: number | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--expires-in' || arg.startsWith('--expires-in=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[(i += 1)];
      expiresIn = Number(value);
      if (!Number.isInteger(expiresIn) || expiresIn < 1) {
        throw new Error(`--expires-in must be a whole number of seconds\n${USAGE}`);
      }
    } else if (arg.startsWith('--')) {
      throw new Error(`unknown option ${arg}\n${USAGE}`);
    } else {
      positional.push(arg);
    }
  }
  const nickname = positional.join(' ').trim();
  if (positional.length !== 1 || nickname === '' || nickname.length > 150) {
    throw new Error(USAGE);
  }
  return { nickname, expiresIn };
}

/**
 * `npm run --silent token -- <nickname>`: signs in as that user (created if missing) and prints
 * one JSON line with working tokens. This replaces the original's HTTP test-login routes: only
 * someone with shell access and the server's configuration can mint tokens.
 */
if (require.main === module) {
  runCli(async (config, logger) => {
    const args = parseTokenArgs(process.argv.slice(2));
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
