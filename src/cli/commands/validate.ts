import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { validateRequestText, type Diagnostic } from '../../core/request';
import { type CliCommand, type CliIo, UsageError } from '../command';

const usage = `Usage: chatreq validate [--json] PATH...

Checks StartChatContact request files (*.chatreq.json) with the same checks as the editor:
strict JSON, the request schema, and Chatreq's rules (attribute budget, content types, ARNs
where IDs belong, unset \${env:NAME} references, ...).

PATH is a file (any name) or a folder: folders are searched recursively for *.chatreq.json
(node_modules and dot-folders are skipped).

Output: one line per problem, file:line:col severity code message (1-based line and column).
  --json   print one JSON document instead: { files: [{ file, diagnostics }], errors, warnings, infos }
           (each diagnostic has code, severity, message, line, column, endLine, endColumn, 1-based,
           plus the 0-based range and any quick fixes)

Exit codes: 0 no errors (warnings allowed), 1 at least one error, 2 bad usage or a path that
cannot be read (the other files are still checked and reported).`;

export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'Check *.chatreq.json request files (exit 1 on errors)',
  usage,
  async run(args: string[], io: CliIo): Promise<number> {
    const json = args.includes('--json');
    const unknown = args.filter((a) => a.startsWith('-') && a !== '--json');
    if (unknown.length > 0) throw new UsageError(`unknown option ${unknown[0]}`);
    const paths = args.filter((a) => !a.startsWith('-'));
    if (paths.length === 0) throw new UsageError('give at least one file or folder to check');

    const files: string[] = [];
    let unreadable = 0;
    for (const p of paths) {
      try {
        const found = await expand(p, io.cwd);
        if (found.length === 0) {
          io.stderr(`chatreq validate: no *.chatreq.json files in folder ${p}\n`);
          unreadable++;
        }
        files.push(...found);
      } catch (e) {
        io.stderr(`chatreq validate: cannot read ${p}: ${describeFsError(e)}\n`);
        unreadable++;
      }
    }

    const results: Array<{ file: string; diagnostics: Diagnostic[] }> = [];
    for (const file of files) {
      let text: string;
      try {
        text = await readFile(resolve(io.cwd, file), 'utf8');
      } catch (e) {
        io.stderr(`chatreq validate: cannot read ${file}: ${describeFsError(e)}\n`);
        unreadable++;
        continue;
      }
      // A UTF-8 byte order mark is not part of the JSON; Connect never sees it.
      if (text.charCodeAt(0) === 0xfeff) text = ` ${text.slice(1)}`;
      results.push({ file, diagnostics: validateRequestText(text, { env: io.env }) });
    }

    const all = results.flatMap((r) => r.diagnostics);
    const count = (s: Diagnostic['severity']): number => all.filter((d) => d.severity === s).length;
    const errors = count('error');
    if (json) {
      const doc = {
        files: results.map((r) => ({ file: r.file, diagnostics: r.diagnostics.map(toJson) })),
        errors,
        warnings: count('warning'),
        infos: count('info'),
      };
      io.stdout(`${JSON.stringify(doc, null, 2)}\n`);
    } else {
      for (const r of results) {
        for (const d of r.diagnostics) {
          io.stdout(`${r.file}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity} ${d.code} ${d.message}\n`);
        }
      }
      io.stderr(`${summary(results.length, errors, count('warning'))}\n`);
    }
    if (unreadable > 0) return 2;
    return errors > 0 ? 1 : 0;
  },
};

function toJson(d: Diagnostic): Record<string, unknown> {
  return {
    code: d.code,
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
      } else if (e.isFile() && e.name.endsWith('.chatreq.json')) out.push(child);
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
