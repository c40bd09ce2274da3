import { VERSION } from '../core/version';
import { type CliCommand, type CliIo, UsageError } from './command';
import { launchCommand } from './commands/launch';
import { sandboxCommand } from './commands/sandbox';
import { testCommand } from './commands/test';
import { validateCommand } from './commands/validate';

/** Every CLI command, in the order `chatreq help` lists them. */
const commands: CliCommand[] = [validateCommand, launchCommand, testCommand, sandboxCommand];

export function helpText(): string {
  const width = Math.max(8, ...commands.map((c) => c.name.length));
  const lines = [
    `chatreq ${VERSION}: Amazon Connect chat requests from the command line`,
    '',
    'Usage: chatreq <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    `  ${'help'.padEnd(width)}  Show this help, or a command's: chatreq help <command>`,
    '',
    'Options: --version, --help',
  ];
  return lines.join('\n') + '\n';
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' ? rest[0] : undefined;
    const cmd = topic ? commands.find((c) => c.name === topic) : undefined;
    if (topic && !cmd) {
      io.stderr(`chatreq: unknown command '${topic}'. Run 'chatreq help' for the list.\n`);
      return 2;
    }
    // `chatreq` alone is a request for help, not a mistake: help on stdout, exit 0.
    io.stdout(cmd ? `${cmd.usage}\n` : helpText());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    io.stderr(`chatreq: unknown command '${name}'. Run 'chatreq help' for the list.\n`);
    return 2;
  }
  const options = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (options.includes('--help') || options.includes('-h')) {
    io.stdout(`${cmd.usage}\n`);
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`chatreq ${cmd.name}: ${e.message}\n\n${cmd.usage}\n`);
      return 2;
    }
    io.stderr(`chatreq ${cmd.name}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

export function processIo(): CliIo {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
  };
}

if (require.main === module) {
  runCli(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`chatreq: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
