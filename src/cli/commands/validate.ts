import type { Stats } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MAX_REQUEST_FILE_BYTES, validateRequestBytes, type Diagnostic } from '../../core/request';
import { type CliCommand, type CliIo, parseCommandArgs, UsageError } from '../command';

const usage = `Usage: chatreq validate [--json] [--] PATH...

Checks StartChatContact request files (*.chatreq.json) with the same checks as the editor:
strict JSON and the request schema (VS Code's own JSON language service, so the problems read
as they do in the editor), and Chatreq's rules (attribute budget, content types, ARNs
where IDs belong, unset \${env:NAME} references, ...).

PATH is a file (any name) or a folder: folders are searched recursively for *.chatreq.json
(node_modules and dot-folders are skipped). Put -- before a path that starts with '-'.

Output: one line per problem, file:line:col severity code message (1-based line and column).
  --json   print one JSON document instead: { files: [{ file, diagnostics } | { file, error }],
           errors, warnings, infos, unreadable } (each diagnostic has code, source, severity,
           message, line, column, endLine, endColumn, 1-based, plus the 0-based range and any
           quick fixes; source "json" is VS Code's JSON language service, the words the editor
           shows, and "chatreq" Chatreq's own checks;
           a path that could not be checked has an error instead)

Files must be UTF-8 text (a byte order mark is fine; UTF-16 and other encodings are reported),
regular files (FIFOs, devices and sockets are skipped) and at most 1 MiB.

Exit codes: 0 no errors (warnings allowed), 1 at least one error, 2 bad usage or a path that
cannot be read or was skipped (the other files are still checked and reported).`;

/** A path that could not be checked: `cannot` for an operating-system error, else a skip. */
class Unreadable {
  constructor(
    readonly file: string,
    readonly error: string,
    readonly cannot: boolean,
  ) {}
  get line(): string {
    return this.cannot ? `cannot read ${this.file}: ${this.error}` : `${this.file}: ${this.error}`;
  }
}

type Result = { file: string; diagnostics: Diagnostic[] } | Unreadable;

export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'Check *.chatreq.json request files (exit 1 on errors)',
  usage,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals: paths } = parseCommandArgs(args, { json: { type: 'boolean' } });
    const json = values.json === true;
    if (paths.length === 0) throw new UsageError('give at least one file or folder to check');

    const results: Result[] = [];
    const problem = (u: Unreadable): void => {
      io.stderr(`chatreq validate: ${u.line}\n`);
      results.push(u);
    };
    for (const p of paths) {
      let found: string[];
      try {
        found = await expand(p, io.cwd);
      } catch (e) {
        problem(new Unreadable(p, describeFsError(e), true));
        continue;
      }
      if (found.length === 0) {
        io.stderr(`chatreq validate: no *.chatreq.json files in folder ${p}\n`);
        results.push(new Unreadable(p, 'no *.chatreq.json files in this folder', false));
      }
      for (const file of found) {
        const read = await readRequestFile(file, io.cwd);
        if (read instanceof Unreadable) problem(read);
        else results.push({ file, diagnostics: validateRequestBytes(read, { env: io.env }) });
      }
    }

    const checked = results.filter((r): r is { file: string; diagnostics: Diagnostic[] } => !(r instanceof Unreadable));
    const unreadable = results.length - checked.length;
    const all = checked.flatMap((r) => r.diagnostics);
    const count = (s: Diagnostic['severity']): number => all.filter((d) => d.severity === s).length;
    const errors = count('error');
    if (json) {
      const doc = {
        files: results.map((r) => (r instanceof Unreadable ? { file: r.file, error: r.error } : { file: r.file, diagnostics: r.diagnostics.map(toJson) })),
        errors,
        warnings: count('warning'),
        infos: count('info'),
        unreadable,
      };
      io.stdout(`${JSON.stringify(doc, null, 2)}\n`);
    } else {
      for (const r of checked) {
        for (const d of r.diagnostics) {
          io.stdout(`${r.file}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity} ${d.code} ${d.message}\n`);
        }
      }
      io.stderr(`${summary(checked.length, errors, count('warning'))}\n`);
    }
    if (unreadable > 0) return 2;
    return errors > 0 ? 1 : 0;
  },
};

/**
 * The bytes of one request file, or why it was not read: only regular files (a FIFO or a device
 * would block or never end) of at most MAX_REQUEST_FILE_BYTES, checked before reading and
 * enforced while reading.
 */
async function readRequestFile(file: string, cwd: string): Promise<Uint8Array | Unreadable> {
  const path = resolve(cwd, file);
  let s: Stats;
  try {
    s = await stat(path);
  } catch (e) {
    return new Unreadable(file, describeFsError(e), true);
  }
  if (!s.isFile()) return new Unreadable(file, `not a regular file (${kindOf(s)}); skipped`, false);
  const tooLarge = (): Unreadable =>
    new Unreadable(file, `larger than 1 MiB (${s.size.toLocaleString('en-US')} bytes); request files are limited to 1 MiB, and a StartChatContact request is a few KB. Skipped`, false);
  if (s.size > MAX_REQUEST_FILE_BYTES) return tooLarge();
  try {
    const handle = await open(path, 'r');
    try {
      const buffer = new Uint8Array(MAX_REQUEST_FILE_BYTES + 1);
      let length = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
        if (bytesRead === 0) break;
        length += bytesRead;
        if (length > MAX_REQUEST_FILE_BYTES) return tooLarge();
      }
      return buffer.subarray(0, length);
    } finally {
      await handle.close();
    }
  } catch (e) {
    return new Unreadable(file, describeFsError(e), true);
  }
}

function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'a folder';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  return 'not a file';
}

function toJson(d: Diagnostic): Record<string, unknown> {
  return {
    code: d.code,
    source: d.source ?? 'chatreq',
    severity: d.severity,
    message: d.message,
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    endLine: d.range.end.line + 1,
    endColumn: d.range.end.character + 1,
    range: d.range,
    ...(d.path ? { path: d.path } : {}),
    ...(d.fixes ? { fixes: d.fixes } : {}),
  };
}

function summary(files: number, errors: number, warnings: number): string {
  const n = (k: number, w: string): string => `${k} ${w}${k === 1 ? '' : 's'}`;
  return `${n(files, 'file')} checked: ${n(errors, 'error')}, ${n(warnings, 'warning')}`;
}

/** A file stays as given; a folder becomes its *.chatreq.json files, sorted, paths as typed. */
async function expand(p: string, cwd: string): Promise<string[]> {
  const s = await stat(resolve(cwd, p));
  if (!s.isDirectory()) return [p];
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(resolve(cwd, dir), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const child = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
        await walk(child);
      } else if (e.name.endsWith('.chatreq.json')) {
        // Not only isFile(): a symbolic link or a FIFO with a request name is read or reported, not ignored.
        out.push(child);
      }
    }
  };
  await walk(p);
  return out;
}

function describeFsError(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a folder';
  if (code === 'ENOTDIR') return 'part of the path is a file, not a folder';
  return e instanceof Error ? e.message : String(e);
}
