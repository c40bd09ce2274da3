/**
 * The tests module the extension host loads (the `extensionTestsPath` contract shared by
 * @vscode/test-electron and VS Code's browser test runner): run() resolves when every test
 * passed and rejects otherwise.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import type MochaClass from 'mocha';

type Mocha = typeof MochaClass;

/**
 * Marks the lines the outer runner prints; the workbench's own console noise is dropped. The
 * extension host guards `console.*` against reassignment, so the mark goes on mocha's reporter
 * output instead (every reporter writes through Base.consoleLog).
 */
const MARK = '[chatreq-test] ';

function markReporterOutput(mocha: Mocha): void {
  const log = console.log.bind(console);
  mocha.reporters.Base.consoleLog = (...args: unknown[]) => {
    for (const line of util.format(...args).split('\n')) log(MARK + line);
  };
}

function listTests(dir: string): string[] {
  const out: string[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (fs.statSync(p).isDirectory()) out.push(...listTests(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

export function run(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Mocha = require('mocha') as Mocha;
  markReporterOutput(Mocha);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Reporter = require(path.resolve(__dirname, '../../../test/support/reporter.cjs')) as MochaClass.ReporterConstructor;
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: Reporter,
    timeout: 30_000,
    forbidOnly: true,
    forbidPending: true,
    color: false,
    ...(process.env.CHATREQ_TEST_GREP ? { grep: process.env.CHATREQ_TEST_GREP } : {}),
  });
  // Two windows run these files: a trusted one (everything but restricted/) and one whose folder is
  // untrusted (CHATREQ_TEST_SUITE=restricted: only restricted/).
  const restricted = process.env.CHATREQ_TEST_SUITE === 'restricted';
  const dir = path.join(__dirname, 'restricted');
  for (const f of listTests(__dirname)) if (f.startsWith(dir + path.sep) === restricted) mocha.addFile(f);
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration test(s) failed`)) : resolve()));
  });
}
