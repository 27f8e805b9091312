/**
 * One of several processes starting at the same moment, on fresh data folders
 * (test/config.test.ts). For each round it announces itself, waits (spinning, to start as close
 * together as possible) until every process has, then loads the configuration, reads or creates
 * the embedded secrets and prints the secrets it got as one JSON line.
 *
 *   node -r ts-node/register/transpile-only config-race-child.ts <base> <id> <processes> <rounds>
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, prepareEmbeddedSecrets } from '../../src/config';

const [base, id, processes, rounds] = process.argv.slice(2);

for (let round = 0; round < Number(rounds); round += 1) {
  const dataDir = path.join(base, `round-${round}`);
  const ready = (n: number) => path.join(base, `ready-${round}-${n}`);
  fs.writeFileSync(ready(Number(id)), '');
  const others = Array.from({ length: Number(processes) }, (_, n) => ready(n));
  while (!others.every((file) => fs.existsSync(file))) {
    // spin
  }
  let line: Record<string, unknown>;
  try {
    const config = prepareEmbeddedSecrets(loadConfig({ DATA_DIR: dataDir }));
    line = { round, jwt: config.jwt.secret, phone: config.phone.encryptionKey.toString('hex') };
  } catch (err) {
    line = { round, error: String(err) };
  }
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
