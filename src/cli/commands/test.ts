import { constants } from 'node:fs';
import { access, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { ChatCallError } from '../../core/chat/launch';
import {
  discoverTestFiles,
  junitXml,
  mapLimit,
  parseChatTestText,
  parseShard,
  runChatTest,
  runWithRetries,
  shardOf,
  type ChatTest,
  type ChatTestResult,
  type Shard,
  createPacer,
  DEFAULT_LAUNCH_RATE,
} from '../../core/chattest';
import { connectionKey } from '../../core/connection';
import { loadJsonEngine } from '../../core/json';
import { redactSecrets, silentLogger, type Logger } from '../../core/log';
import { type CliCommand, type CliIo, parseCommandArgs, UsageError } from '../command';
import { openTarget, TARGET_ARG_OPTIONS, targetOptions, type Target } from '../target';

const usage = `Usage: chatreq test [PATH...] [options]

Runs conversation tests (*.chattest.json): each test starts a chat from its request, then says,
selects and expects, step by step. PATH is a test file or a folder to search (default: the current
folder). Prints one line per test and a summary "N passed, N failed". Tokens are never printed.

Where:
  --sandbox            start the built-in Connect sandbox (with the flow runtime) for this run
  --flows DIR          with --sandbox: load flows from DIR too
  --endpoint URL       a running sandbox or endpoint override (dummy credentials when no AWS
                       credentials are configured)
  --profile NAME       an AWS profile
  --region REGION      the region

Running:
  --parallel N         tests run at once (default 4)
  --shard I/N          run only the I-th of N deterministic slices of the suite (CI matrices)
  --retries N          run a failed test again, up to N more times (the report says so)
  --grep TEXT          only tests whose name contains TEXT (case-insensitive)
  --rate N             on AWS: StartChatContact calls per second across the parallel tests
                       (default 5, the default account quota); the sandbox is not paced

Output:
  --junit FILE         also write JUnit XML to FILE (a testcase per test, the contact ID as a property)
  --json               print one JSON object: { tests: [{ name, file, status, durationMs, contactId,
                       failure: { step, text } }], summary: { passed, failed, durationMs } };
                       failure.step is the 1-based step that failed, 0 before the first step

Exit codes: 0 every test passed, 1 a test failed (or a file is invalid, or the JUnit report could not
be written), 2 bad usage (including a --junit path whose folder is missing).`;

interface Options {
  paths: string[];
  sandbox: boolean;
  flowsDir?: string;
  endpoint?: string;
  profile?: string;
  region?: string;
  parallel: number;
  shard?: Shard;
  retries: number;
  junit?: string;
  json: boolean;
  grep?: string;
  rate?: number;
}

function count(name: string, v: string | undefined, min: number, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n < min) throw new UsageError(`${name} must be a whole number of at least ${min} (got '${v}')`);
  return n;
}

function parse(args: string[], io: CliIo): Options {
  const { values: v, positionals } = parseCommandArgs(args, {
    ...TARGET_ARG_OPTIONS,
    parallel: { type: 'string' },
    shard: { type: 'string' },
    retries: { type: 'string' },
    junit: { type: 'string' },
    json: { type: 'boolean' },
    grep: { type: 'string' },
    rate: { type: 'string' },
  } as const);
  const target = targetOptions(v, io);
  let shard: Shard | undefined;
  if (v.shard !== undefined) {
    const s = parseShard(v.shard);
    if (typeof s === 'string') throw new UsageError(s);
    shard = s;
  }
  if (v.junit === '') throw new UsageError('--junit needs a file name');
  return {
    paths: positionals,
    ...target,
    parallel: count('--parallel', v.parallel, 1, 4),
    ...(shard ? { shard } : {}),
    retries: count('--retries', v.retries, 0, 0),
    ...(v.junit !== undefined ? { junit: resolve(io.cwd, v.junit) } : {}),
    json: v.json ?? false,
    ...(v.grep !== undefined ? { grep: v.grep } : {}),
    ...(v.rate !== undefined ? { rate: count('--rate', v.rate, 1, DEFAULT_LAUNCH_RATE) } : {}),
  };
}

interface Job {
  file: string;
  test: ChatTest;
}

function stderrLogger(io: CliIo): Logger {
  return { ...silentLogger, error: (m) => io.stderr(`chatreq test: ${redactSecrets(m)}\n`) };
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

export const testCommand: CliCommand = {
  name: 'test',
  summary: 'Run conversation tests (*.chattest.json) against a flow',
  usage,
  async run(args: string[], io: CliIo): Promise<number> {
    const o = parse(args, io);
    const t0 = performance.now();
    if (o.junit) {
      // Checked before any chat starts: a suite's results are not lost for a report that cannot be written.
      const problem = await junitPathProblem(o.junit);
      if (problem) {
        io.stderr(`chatreq test: --junit ${relative(io.cwd, o.junit) || o.junit}: ${problem}\n`);
        return 2;
      }
    }
    let files: string[];
    try {
      files = await discoverTestFiles(o.paths, io.cwd);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      io.stderr(`chatreq test: ${err.code === 'ENOENT' ? `no such file or folder: ${err.path ?? ''}` : err.message}\n`);
      return 2;
    }
    const rel = (f: string) => relative(io.cwd, f) || f;
    const jobs: Job[] = [];
    const invalid: ChatTestResult[] = [];
    // Inline requests get the request schema's checks too (in the editor VS Code's JSON service does that).
    if (files.length > 0) await loadJsonEngine();
    for (const file of files) {
      const parsed = parseChatTestText(await readFile(file, 'utf8'), { requestSources: ['json', 'chatreq'] });
      const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
      if (errors.length > 0) {
        for (const d of errors) io.stderr(`${rel(file)}:${d.range.start.line + 1}:${d.range.start.character + 1} error ${d.code} ${d.message}\n`);
        invalid.push({ name: rel(file), file, status: 'failed', durationMs: 0, failure: { step: 0, text: `The test file is invalid: ${errors[0].message}` }, steps: [] });
        continue;
      }
      for (const test of parsed.tests) jobs.push({ file, test });
    }
    const grepped = o.grep ? jobs.filter((j) => j.test.name.toLowerCase().includes(o.grep!.toLowerCase())) : jobs;
    const selected = o.shard ? shardOf(grepped, (j) => `${relative(io.cwd, j.file)}\u0000${j.test.name}`, o.shard) : grepped;
    if (files.length === 0) {
      io.stderr(`chatreq test: no *.chattest.json files under ${o.paths.length > 0 ? o.paths.join(', ') : io.cwd}\n`);
      return 1;
    }
    if (selected.length === 0 && jobs.length > 0) {
      // Not a failure (a shard of a small suite may be empty), but a --grep typo should not pass unseen.
      io.stderr(
        grepped.length === 0
          ? `chatreq test: no test name contains "${o.grep}" (of ${jobs.length} test${jobs.length === 1 ? '' : 's'}); nothing ran\n`
          : `chatreq test: shard ${o.shard!.index}/${o.shard!.count} has no test (of ${grepped.length}); nothing ran\n`,
      );
    }
    const logger = stderrLogger(io);
    let target: Target | undefined;
    if (selected.length > 0) {
      try {
        target = await openTarget(o, io, logger);
      } catch (e) {
        const err = e instanceof ChatCallError ? e.chatError : { message: (e as Error).message };
        io.stderr(`chatreq test: ${err.message}${'fix' in err && err.fix ? `\n  ${err.fix}` : ''}\n`);
        return 1;
      }
    }
    const out = (t: string) => {
      if (!o.json) io.stdout(t);
    };
    for (const r of invalid) out(`✗ ${r.name}: ${r.failure!.text}\n`);
    if (target) out(`Running ${selected.length} test${selected.length === 1 ? '' : 's'} on ${target.label}${o.shard ? ` (shard ${o.shard.index}/${o.shard.count})` : ''}\n`);
    let results: ChatTestResult[] = [];
    try {
      if (target) {
        const t = target;
        const deps = {
          session: t.session,
          readFile: (p: string) => readFile(p, 'utf8'),
          env: io.env,
          logger,
          connectionKey: connectionKey(t.connection),
          connectionLabel: t.label,
          // On AWS the launches are paced to the StartChatContact rate; the sandbox has no quota by default.
          pace: createPacer(t.connection.kind === 'sandbox' ? Infinity : o.rate ?? DEFAULT_LAUNCH_RATE),
        };
        results = await mapLimit(selected, o.parallel, async (job) => {
          const r = await runWithRetries(() => runChatTest(job.file, job.test, deps), o.retries);
          const retried = r.retries ? ` (retried ${r.retries}×)` : '';
          const contact = r.contactId ? ` contact ${r.contactId}` : '';
          if (r.status === 'passed') out(`✓ ${job.test.name} (${rel(job.file)}) ${r.durationMs} ms${contact}${retried}\n`);
          else out(`✗ ${job.test.name} (${rel(job.file)}) ${r.durationMs} ms${contact}${retried}\n${indent(r.failure?.text ?? 'failed')}\n`);
          return r;
        });
      }
    } finally {
      target?.session.dispose();
      await target?.sandbox?.close();
    }
    // Records stay out of every report (they are for the editor); tokens never were in them.
    const all = [...invalid, ...results].map(({ record: _record, ...rest }) => rest);
    const passed = all.filter((r) => r.status === 'passed').length;
    const failed = all.filter((r) => r.status === 'failed').length;
    const durationMs = Math.round(performance.now() - t0);
    let reportFailed = false;
    if (o.junit) {
      try {
        await writeFile(o.junit, junitXml(all, { cwd: io.cwd }));
      } catch (e) {
        reportFailed = true;
        io.stderr(`chatreq test: cannot write the JUnit report ${o.junit}: ${(e as Error).message}\n`);
      }
    }
    if (o.json) {
      const doc = {
        tests: all.map((r) => ({
          name: r.name,
          file: rel(r.file),
          status: r.status,
          durationMs: r.durationMs,
          contactId: r.contactId ?? null,
          ...(r.retries ? { retries: r.retries } : {}),
          failure: r.failure ? { step: r.failure.step, text: r.failure.text } : null,
        })),
        summary: { passed, failed, durationMs },
      };
      io.stdout(`${JSON.stringify(doc, null, 2)}\n`);
    } else io.stdout(`${passed} passed, ${failed} failed\n`);
    return failed > 0 || reportFailed ? 1 : 0;
  },
};

/** Why the JUnit report cannot go to `file` (its folder is missing or read-only, or it is a folder), or undefined. */
async function junitPathProblem(file: string): Promise<string | undefined> {
  const dir = dirname(file);
  try {
    if (!(await stat(dir)).isDirectory()) return `${dir} is not a folder`;
  } catch {
    return `the folder ${dir} does not exist (create it first)`;
  }
  try {
    if ((await stat(file)).isDirectory()) return 'that is a folder; give a file name such as results.xml';
  } catch {
    // Not there yet: it is created at the end.
  }
  try {
    await access(dir, constants.W_OK);
  } catch {
    return `the folder ${dir} is not writable`;
  }
  return undefined;
}
