import { resolve } from 'node:path';
import { startSandboxWithFlows, type RequestLogEntry, type SandboxHandle } from '../../sandbox';
import { type CliCommand, type CliIo, parseCommandArgs, UsageError } from '../command';

const usage = `Usage: chatreq sandbox [--port N] [--flows DIR] [--pace instant|realistic] [--log]

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

Point clients at it with --endpoint-url (AWS CLI) or endpoint (SDK), any credentials, and a
region such as us-east-1.`;

interface Parsed {
  port: number;
  flowsDir?: string;
  pace?: 'instant' | 'realistic';
  log?: (line: string) => void;
  /** Where a flow file that cannot be loaded is reported (it is skipped, the rest are served). */
  skipped?: (message: string) => void;
}

function parseSandboxArgs(args: string[], io: CliIo): Parsed {
  const { values, positionals } = parseCommandArgs(args, { port: { type: 'string' }, flows: { type: 'string' }, pace: { type: 'string' }, log: { type: 'boolean' } });
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
  out.skipped = (message) => io.stderr(`chatreq sandbox: skipped ${message}\n`);
  return out;
}

/** Starts the sandbox with the flow runtime plugged in. */
export function startCliSandbox(parsed: Parsed): Promise<SandboxHandle> {
  const log = parsed.log;
  return startSandboxWithFlows({
    port: parsed.port,
    ...(parsed.flowsDir ? { flowsDir: parsed.flowsDir } : {}),
    ...(parsed.pace ? { pace: parsed.pace } : {}),
    ...(parsed.skipped ? { onFlowFileSkipped: (e: Error) => parsed.skipped?.(e.message) } : {}),
    ...(log
      ? {
          onRequest: (e: RequestLogEntry) =>
            log(`${new Date().toISOString()} ${e.operation} ${e.method} ${e.path} -> ${e.status === 0 ? 'dropped' : e.status}${e.errorType ? ` ${e.errorType}` : ''} ${e.ms.toFixed(1)} ms`),
          onRuntimeError: (m: string) => log(m),
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
      if (err.code === 'EADDRINUSE') throw new Error(`port ${parsed.port} is already in use; pick another with --port, or --port 0 for a free one`);
      throw e;
    }
    // Listen for the stop signals before announcing the URL: a caller that signals as soon as it
    // reads the line must not meet Node's default handler, which kills the process uncleanly.
    const stopped = new Promise<void>((done) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        done();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    io.stdout(`Connect sandbox listening on ${handle.url}\n`);
    await stopped;
    await handle.close();
    return 0;
  },
};
