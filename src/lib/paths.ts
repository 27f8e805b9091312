import fs from 'node:fs';
import path from 'node:path';

/** The folder holding package.json, whether running from `src/` (ts) or `dist/src/` (js). */
function findProjectRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return start;
    dir = parent;
  }
  return dir;
}

export const PROJECT_ROOT = findProjectRoot(__dirname);
export const ASSETS_DIR = path.join(PROJECT_ROOT, 'assets');
