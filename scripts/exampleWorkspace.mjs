// The folder `npm start` opens: a fresh copy of examples/workspace in the temp folder, so what the
// workbench writes (auto-save, the form, New Chat Request) never changes files the repository tracks.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Copies `<root>/examples/workspace` into a new folder under `base` and returns its path. */
export function copyExampleWorkspace(root, base = tmpdir()) {
  const dir = mkdtempSync(join(base, 'chatreq-example-'));
  cpSync(join(root, 'examples', 'workspace'), dir, { recursive: true });
  return dir;
}
