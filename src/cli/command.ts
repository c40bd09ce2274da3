import { parseArgs } from 'node:util';

/** The shape of one `chatreq <command>`: small, testable without spawning a process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Environment to read (process.env in production; a plain object in tests). */
  env: Record<string, string | undefined>;
  cwd: string;
}

export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** Resolves to the exit code. Long-running commands (sandbox) resolve when they stop. */
  run(args: string[], io: CliIo): Promise<number>;
}

export class UsageError extends Error {}

/**
 * `node:util` parseArgs for a command: `--name value` and `--name=value`, `--` ends the options
 * (so a file named `-x` can follow it), options may come after positionals. Its errors become
 * UsageErrors in Chatreq's words.
 */
export function parseCommandArgs<T extends Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>>(
  args: string[],
  options: T,
): {
  values: { [K in keyof T]?: T[K]['multiple'] extends true ? (T[K]['type'] extends 'string' ? string[] : boolean[]) : T[K]['type'] extends 'string' ? string : boolean };
  positionals: string[];
} {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values, positionals };
  } catch (e) {
    const err = e as { code?: string; message?: string };
    const quoted = /'([^']+)'/.exec(err.message ?? '')?.[1] ?? '';
    const flag = quoted.split(/[ ,]/)[0];
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const end = args.indexOf('--');
      const written = (end < 0 ? args : args.slice(0, end)).find((a) => a === flag || a.startsWith(flag)) ?? flag;
      throw new UsageError(`unknown option ${written} (for a file whose name starts with '-', put -- before it)`);
    }
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const name = /--[A-Za-z-]+/.exec(err.message ?? '')?.[0] ?? flag;
      const message = err.message ?? '';
      if (/argument missing/.test(message)) throw new UsageError(`${name} needs a value`);
      if (/ambiguous/.test(message)) throw new UsageError(`${name} needs a value (for a value that starts with '-', write ${name}=VALUE)`);
      if (/does not take an argument/.test(message)) throw new UsageError(`${name} takes no value`);
      throw new UsageError(`${name}: ${message}`);
    }
    throw new UsageError(err.message ?? String(e));
  }
}
