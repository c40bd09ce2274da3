import { readFileSync, statSync } from 'node:fs';

/** A workspace file (Lex bot definitions, Lambda mocks) that is missing or does not fit its format. */
export class WorkspaceFileError extends Error {
  override name = 'WorkspaceFileError';
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

export function parseJsonFile(text: string, fileName: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new WorkspaceFileError(`${fileName}: not valid JSON (${(err as Error).message}).`);
  }
}

/**
 * Reads and parses a file again only when its modification time or size changed, so a developer
 * can edit a bot or mock while the sandbox runs and the next contact sees the edit.
 */
export class CachedFile<T> {
  private stamp = '';
  private value: T | undefined;
  private error: Error | undefined;

  constructor(
    readonly path: string,
    private readonly parse: (text: string, fileName: string) => T,
  ) {}

  load(): T {
    let stamp: string;
    try {
      const st = statSync(this.path);
      stamp = `${st.mtimeMs}:${st.size}`;
    } catch {
      throw new WorkspaceFileError(`${this.path}: file not found.`);
    }
    if (stamp !== this.stamp) {
      this.stamp = stamp;
      this.value = undefined;
      this.error = undefined;
      try {
        this.value = this.parse(readFileSync(this.path, 'utf8'), this.path);
      } catch (err) {
        this.error = err instanceof WorkspaceFileError ? err : new WorkspaceFileError(`${this.path}: ${(err as Error).message}`);
      }
    }
    if (this.error) throw this.error;
    return this.value as T;
  }
}
