import { resolve } from 'node:path';
import type * as SandboxIndex from '../../sandbox';
import type { RequestLogEntry, SandboxHandle } from '../../sandbox';
import { CLI_PORT_FIX, listeningLine, portInUseMessage, requestLogLine, STDERR_PREFIX } from '../../sandbox/protocol';
import { type CliCommand, type CliIo, parseCommandArgs, UsageError } from '../command';

const usage = `Usage: chatreq sandbox [--port N] [--flows DIR] [--pace instant|realistic] [--log] [--exit-with-stdin]

Runs the Connect sandbox: a local Amazon Connect + Participant Service on 127.0.0.1 that speaks
the real wire protocol, so the AWS SDKs, the AWS CLI and amazon-connect-chatjs work against it.
Prints one line, "Connect sandbox listening on http://127.0.0.1:PORT", and serves until stopped
with Ctrl+C (SIGINT) or SIGTERM.

  --port N     port to listen on (default 0: a free port)
  --flows DIR  load flows from DIR as well as the built-in demo instance:
                 DIR/*.flow.json          an instance with alias "local"
                 DIR/<alias>/*.flow.json  an instance per subfolder, named after it
               A flow's Id is its file name when that is a UUID (<uuid>.flow.json), otherwise a
               stable id derived from the instance and file name. A flow file that cannot be
               loaded is skipped with a message on stderr; the others are served.
               DIR/agents.json          simulated agents per queue (see the README)
  --pace P     instant (default): flow messages and bot replies arrive at once;
               realistic: they arrive after typical service latencies, with typing before
               bot and agent replies, so a client's typing and connecting states can be seen
  --log        print one line per request on stderr: operation, status, error type, time
               (tokens never appear)
  --exit-with-stdin
               stop when standard input closes: a program that runs the sandbox keeps a pipe
               to it open, and the sandbox stops with that program even when it is killed

The admin API under /sandbox/ (health, contacts, agent, faults, quotas, clock, flow logs) is
described in the README ("The sandbox admin API").

Point clients at it with --endpoint-url (AWS CLI) or endpoint (SDK), any credentials, and a
region such as us-east-1.`;

interface Parsed {
  port: number;
  flowsDir?: string;
  pace?: 'instant' | 'realistic';
  log?: (line: string) => void;
  /** Where a flow file that cannot be loaded is reported (it is skipped, the rest are served). */
  skipped?: (message: string) => void;
  exitWithStdin?: boolean;
}

function parseSandboxArgs(args: string[], io: CliIo): Parsed {
  const { values, positionals } = parseCommandArgs(args, { port: { type: 'string' }, flows: { type: 'string' }, pace: { type: 'string' }, log: { type: 'boolean' }, 'exit-with-stdin': { type: 'boolean' } });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const out: Parsed = { port: 0 };
  if (values.port !== undefined) {
    if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535 (got '${values.port}')`);
    out.port = Number(values.port);
  }
  if (values.pace !== undefined) {
    if (values.pace !== 'instant' && values.pace !== 'realistic') throw new UsageError(`--pace must be instant or realistic (got '${values.pace}')`);
    out.pace = values.pace;
  }
  if (values.flows !== undefined) {
    if (values.flows === '') throw new UsageError('--flows needs a value');
    out.flowsDir = resolve(io.cwd, values.flows);
  }
  if (values.log === true) out.log = (line) => io.stderr(`${line}\n`);
  out.skipped = (message) => io.stderr(`${STDERR_PREFIX}skipped ${message}\n`);
  if (values['exit-with-stdin'] === true) out.exitWithStdin = true;
  return out;
}

type SandboxModule = typeof SandboxIndex;

function loadSandbox(): Promise<SandboxModule> {
  return import('../../sandbox').catch((e: unknown) => {
    // The bundle maps '../../sandbox' to dist/sandbox.js and never gets here. In out/ (the
    // one-to-one transpile the unit tests run) Node's import() wants a file, not a folder; the
    // specifier is a variable so the bundler leaves this fallback alone.
    const code = (e as { code?: string }).code;
    if (code !== 'ERR_UNSUPPORTED_DIR_IMPORT' && code !== 'ERR_MODULE_NOT_FOUND') throw e;
    const unbundled = '../../sandbox/index.js';
    return (import(unbundled) as Promise<{ default?: SandboxModule } & SandboxModule>).then((m) => m.default ?? m);
  });
}

/** Starts the sandbox with the flow runtime plugged in. */
export async function startCliSandbox(parsed: Parsed): Promise<SandboxHandle> {
  const log = parsed.log;
  // The sandbox is its own file (dist/sandbox.js), so the other commands never load it and
  // `chatreq sandbox` loads neither the AWS SDK nor the authoring core: a quick start.
  const { startSandboxWithFlows } = await loadSandbox();
  return startSandboxWithFlows({
    port: parsed.port,
    ...(parsed.flowsDir ? { flowsDir: parsed.flowsDir } : {}),
    ...(parsed.pace ? { pace: parsed.pace } : {}),
    ...(parsed.skipped ? { onFlowFileSkipped: (e: Error) => parsed.skipped?.(e.message) } : {}),
    ...(log
      ? {
          onRequest: (e: RequestLogEntry) => log(requestLogLine(e)),
          onRuntimeError: (m: string) => log(`${STDERR_PREFIX}flow runtime: ${m}`),
        }
      : {}),
  });
}

export const sandboxCommand: CliCommand = {
  name: 'sandbox',
  summary: 'Run the local Connect sandbox (Connect + Participant Service) until stopped',
  usage,
  async run(args: string[], io: CliIo): Promise<number> {
    const parsed = parseSandboxArgs(args, io);
    let handle: SandboxHandle;
    try {
      handle = await startCliSandbox(parsed);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'EADDRINUSE') throw new Error(portInUseMessage(parsed.port, CLI_PORT_FIX));
      throw e;
    }
    // Listen for the stop signals before announcing the URL: a caller that signals as soon as it
    // reads the line must not meet Node's default handler, which kills the process uncleanly.
    const stdin = parsed.exitWithStdin ? process.stdin : undefined;
    const stopped = new Promise<void>((done) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        stdin?.off('end', stop).off('close', stop).off('error', stop);
        done();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      // Whatever arrives on stdin is ignored; its end (the parent closed the pipe or died) stops.
      stdin?.on('data', () => undefined).once('end', stop).once('close', stop).once('error', stop);
    });
    io.stdout(`${listeningLine(handle.url)}\n`);
    await stopped;
    // Open WebSockets get a close frame (1001) before the process goes.
    await handle.close();
    stdin?.destroy();
    return 0;
  },
};
