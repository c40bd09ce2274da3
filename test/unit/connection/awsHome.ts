/**
 * A throwaway AWS home per test: a temp HOME with ~/.aws/{config,credentials,sso/cache}, AWS_*
 * variables cleared, and process.env restored exactly afterwards. The SDK's providers read these
 * real files, so each test exercises the same path a user's machine does.
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../../src/core/log';

export interface AwsHome {
  home: string;
  awsDir: string;
  writeConfig(text: string): string;
  writeCredentials(text: string): string;
  /** Writes ~/.aws/sso/cache/<sha1(key)>.json, key being the sso-session name or the start URL. */
  writeSsoCache(key: string, token: { accessToken: string; expiresAt: Date; region?: string; startUrl?: string }): string;
  /** Writes any file under the temp home and returns its path. */
  writeFile(name: string, text: string): string;
  /** Writes an executable node script and returns the command line to run it. */
  writeNodeScript(name: string, source: string): string;
}

export function ssoCacheFileName(key: string): string {
  return `${createHash('sha1').update(key).digest('hex')}.json`;
}

/** Registers beforeEach/afterEach hooks; `get()` returns the current test's home. */
export function useAwsHome(extraEnv: () => Record<string, string> = () => ({})): { get(): AwsHome } {
  let current: AwsHome | undefined;
  let saved: NodeJS.ProcessEnv | undefined;
  beforeEach(() => {
    saved = { ...process.env };
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    const home = mkdtempSync(join(tmpdir(), 'chatreq-aws-'));
    const awsDir = join(home, '.aws');
    mkdirSync(join(awsDir, 'sso', 'cache'), { recursive: true });
    process.env.HOME = home;
    process.env.USERPROFILE = home;
    Object.assign(process.env, extraEnv());
    current = {
      home,
      awsDir,
      writeConfig: (text) => {
        const p = join(awsDir, 'config');
        writeFileSync(p, text);
        return p;
      },
      writeCredentials: (text) => {
        const p = join(awsDir, 'credentials');
        writeFileSync(p, text);
        return p;
      },
      writeSsoCache: (key, token) => {
        const p = join(awsDir, 'sso', 'cache', ssoCacheFileName(key));
        writeFileSync(
          p,
          JSON.stringify({
            accessToken: token.accessToken,
            expiresAt: token.expiresAt.toISOString(),
            region: token.region ?? 'us-east-1',
            ...(token.startUrl ? { startUrl: token.startUrl } : {}),
          }),
        );
        return p;
      },
      writeFile: (name, text) => {
        const p = join(home, name);
        writeFileSync(p, text);
        return p;
      },
      writeNodeScript: (name, source) => {
        const p = join(home, name);
        writeFileSync(p, source);
        chmodSync(p, 0o755);
        return `"${process.execPath}" "${p}"`;
      },
    };
  });
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved!)) delete process.env[k];
    Object.assign(process.env, saved);
    if (current) rmSync(current.home, { recursive: true, force: true });
    current = undefined;
  });
  return {
    get() {
      if (!current) throw new Error('useAwsHome(): no test is running');
      return current;
    },
  };
}

/** A Logger that keeps every line, for assertions on what was logged. */
export function recordingLogger(): { lines: string[]; logger: Logger } {
  const lines: string[] = [];
  const push = (level: string) => (m: string) => void lines.push(`${level} ${m}`);
  return {
    lines,
    logger: { trace: push('trace'), debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') },
  };
}
