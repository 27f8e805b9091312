import fs from 'node:fs';
import path from 'node:path';
import { ALL_SETTINGS } from '../src/config/schema';
import { REPO_ROOT } from './support/test-env';

const read = (file: string) => fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
const sorted = (keys: Iterable<string>) => [...new Set(keys)].sort();

const declared = sorted(ALL_SETTINGS.map((s) => s.key));
const fromProcessOnly = sorted(ALL_SETTINGS.filter((s) => s.processEnvOnly).map((s) => s.key));

describe('the documented settings', () => {
  it('Declares each setting once, with a doc line', () => {
    expect(declared).toHaveLength(ALL_SETTINGS.length);
    for (const setting of ALL_SETTINGS) expect(setting.doc.trim()).not.toBe('');
  });

  it('.env.example lists every declared setting and nothing else', () => {
    const lines = read('.env.example').split('\n');
    const keysOf = (pattern: RegExp) =>
      sorted(lines.flatMap((line) => pattern.exec(line)?.slice(1, 2) ?? []));
    const active = keysOf(/^([A-Z][A-Z0-9_]*)=/);
    const commented = keysOf(/^#\s*([A-Z][A-Z0-9_]*)=/);
    // Settings Node reads from the process environment appear as a comment only: `.env` is
    // read too late for them.
    expect(active).toEqual(declared.filter((key) => !fromProcessOnly.includes(key)));
    expect(commented.filter((key) => !active.includes(key))).toEqual(fromProcessOnly);
  });

  it("The README's settings tables list every declared setting and nothing else", () => {
    const readme = read('README.md');
    const start = readme.indexOf('\n## Configuration\n');
    expect(start).toBeGreaterThanOrEqual(0);
    const end = readme.indexOf('\n## ', start + 1);
    const section = readme.slice(start, end === -1 ? undefined : end);
    const rows = section
      .split('\n')
      .flatMap((line) => /^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/.exec(line)?.slice(1, 2) ?? []);
    expect(rows).toHaveLength(new Set(rows).size);
    expect(sorted(rows)).toEqual(declared);
  });
});
