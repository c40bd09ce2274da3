/** Finds `*.chattest.json` under paths (files are taken as they are; folders are walked, skipped ones left out). */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isChatTestFileName } from './model';

/** Folders no search looks into: dependencies, build output, VS Code's test downloads, and dot-folders. */
export const SKIPPED_FOLDERS: readonly string[] = ['node_modules', 'out', 'dist', '.vscode-test'];
const SKIP = new Set(SKIPPED_FOLDERS);

export function isSkippedFolder(name: string): boolean {
  return SKIP.has(name) || name.startsWith('.');
}

/** Whether a file at this path (relative to the searched root, `/` or `\\` separated) is in a skipped folder. */
export function isInSkippedFolder(relativePath: string): boolean {
  return relativePath.split(/[\\/]/).slice(0, -1).some(isSkippedFolder);
}

export async function discoverTestFiles(paths: readonly string[], cwd: string): Promise<string[]> {
  const found = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!isSkippedFolder(e.name)) await walk(p);
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
