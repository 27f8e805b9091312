import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './support/test-env';

/**
 * The source's shape, checked on the files themselves: no import cycle (what `madge
 * --circular` reports), and the shared clients built only by the composition root.
 */
const SRC = path.join(REPO_ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** `import … from` / `export … from` / `import '…'` statements, whole (they may span lines). */
const STATEMENT =
  /^\s*(import|export)\s+([^;]*?)\s*from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm;

/** True when the statement is erased at compile time (`import type`, or every name `type`). */
function typeOnly(clause: string): boolean {
  if (/^type\s/.test(clause)) return true;
  const names = /^\{([^}]*)\}$/.exec(clause.trim());
  if (!names) return false;
  const specifiers = names[1]
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return specifiers.length > 0 && specifiers.every((s) => s.startsWith('type '));
}

function resolve(from: string, specifier: string): string | null {
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  return null;
}

/** Each source file's run-time imports of other source files. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    const targets: string[] = [];
    for (const match of text.matchAll(STATEMENT)) {
      const specifier = match[3] ?? match[4];
      if (!specifier.startsWith('.')) continue;
      if (match[3] !== undefined && typeOnly(match[2])) continue;
      const target = resolve(file, specifier);
      if (target?.startsWith(SRC)) targets.push(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** Every cycle found by a depth-first walk, each as the files along it. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const visit = (file: string) => {
    if (done.has(file)) return;
    if (onStack.has(file)) {
      found.push([...stack.slice(stack.indexOf(file)), file]);
      return;
    }
    onStack.add(file);
    stack.push(file);
    for (const next of graph.get(file) ?? []) visit(next);
    stack.pop();
    onStack.delete(file);
    done.add(file);
  };
  for (const file of graph.keys()) visit(file);
  return found;
}

const relative = (file: string) => path.relative(SRC, file);

describe('Source structure', () => {
  const graph = importGraph();

  it('Reads the imports it checks (the walk sees the app and its modules)', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get(path.join(SRC, 'server.ts'))?.map(relative)).toContain('app.ts');
    // Type-only imports are erased: they never make a cycle.
    expect(typeOnly('type { A }')).toBe(true);
    expect(typeOnly('{ type A, type B }')).toBe(true);
    expect(typeOnly('{ type A, B }')).toBe(false);
  });

  it('Has no import cycle', () => {
    expect(cycles(graph).map((cycle) => cycle.map(relative).join(' → '))).toEqual([]);
  });

  it('Finds a cycle when there is one', () => {
    const a = path.join(SRC, 'a.ts');
    const b = path.join(SRC, 'b.ts');
    expect(
      cycles(
        new Map([
          [a, [b]],
          [b, [a]],
        ]),
      ).map((c) => c.map(relative)),
    ).toEqual([['a.ts', 'b.ts', 'a.ts']]);
  });

  it('Builds the shared clients only in the composition root', () => {
    const builders = [
      'createSequelize',
      'createKeyStore',
      'createImageService',
      'createSmsSender',
      'createPhoneCipher',
      'createSocialLogin',
      'createMetrics',
    ];
    const callers = sourceFiles(SRC).flatMap((file) => {
      const text = fs.readFileSync(file, 'utf8');
      return builders
        .filter((name) => new RegExp(`(?<!function )\\b${name}\\(`).test(text))
        .map((name) => `${relative(file)}: ${name}`);
    });
    expect(callers.filter((line) => !line.startsWith('bootstrap.ts:'))).toEqual([]);
  });

  it('Keeps the process helpers free of the composition root', () => {
    const imported = (graph.get(path.join(SRC, 'lib', 'process.ts')) ?? []).map(relative);
    expect(imported).not.toContain('bootstrap.ts');
  });

  it('Keeps controllers to the typed input: none reads the raw body or query string', () => {
    const readers = sourceFiles(SRC)
      .filter((file) => file.endsWith('.controller.ts'))
      .filter((file) => /\breq\.(body|query)\b/.test(fs.readFileSync(file, 'utf8')))
      .map(relative);
    expect(readers).toEqual([]);
  });

  it('Keeps hand-written SQL and raw-row casts in the query modules and the database layer', () => {
    const sql = /\bliteral\(|\.query\(|QueryTypes|IndexHints|as unknown as/;
    // The database layer itself (connection, migrations lock, health probe) and passport's typing.
    const infrastructure = ['bootstrap.ts', 'health/health.router.ts', 'users/oauth.ts'];
    const outside = sourceFiles(SRC)
      .filter((file) => !file.endsWith('.queries.ts'))
      .map(relative)
      .filter((file) => !file.startsWith('db/') && !infrastructure.includes(file))
      .filter((file) => sql.test(fs.readFileSync(path.join(SRC, file), 'utf8')));
    expect(outside).toEqual([]);
  });

  it('Keeps every source file under 300 lines', () => {
    const long = sourceFiles(SRC)
      .map((file) => [relative(file), fs.readFileSync(file, 'utf8').split('\n').length] as const)
      .filter(([, lines]) => lines > 300);
    expect(long).toEqual([]);
  });
});
