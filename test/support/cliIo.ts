import type { CliIo } from '../../src/cli/command';

/** A CliIo that keeps what a command prints, for runCli in-process. */
export function captureIo(cwd: string = process.cwd(), env: Record<string, string | undefined> = {}): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    env,
    cwd,
    stdout(t: string) {
      io.out += t;
    },
    stderr(t: string) {
      io.err += t;
    },
  };
  return io;
}
