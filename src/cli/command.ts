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
