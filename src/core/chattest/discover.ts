/** Finds `*.chattest.json` under paths (files are taken as they are; folders are walked). */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isChatTestFileName } from './model';

const SKIP = new Set(['node_modules', '.git', 'out', 'dist', '.vscode-test']);

export async function discoverTestFiles(paths: readonly string[], cwd: string): Promise<string[]> {
  const found = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP.has(e.name) && !e.name.startsWith('.')) await walk(p);
      } else if (e.isFile() && isChatTestFileName(e.name)) found.add(p);
    }
  };
  for (const raw of paths.length > 0 ? paths : ['.']) {
    const p = resolve(cwd, raw);
    const s = await stat(p);
    if (s.isDirectory()) await walk(p);
    else found.add(p);
  }
  return [...found].sort();
}
