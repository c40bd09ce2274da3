/** JUnit XML for CI: a testsuite per test file, a testcase per test, the contact ID as a property. */
import { basename } from 'node:path';
import type { ChatTestResult } from './runner';

export function xmlEscape(s: string): string {
  // Characters XML 1.0 cannot carry at all are dropped; the rest are escaped.
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function junitXml(results: readonly ChatTestResult[], options: { suiteName?: string; cwd?: string } = {}): string {
  const byFile = new Map<string, ChatTestResult[]>();
  for (const r of results) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r]);
  const secs = (ms: number) => (ms / 1000).toFixed(3);
  const total = results.reduce((s, r) => s + r.durationMs, 0);
  const count = (rs: readonly ChatTestResult[], st: string) => rs.filter((r) => r.status === st).length;
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites name="${xmlEscape(options.suiteName ?? 'chatreq test')}" tests="${results.length}" failures="${count(results, 'failed')}" skipped="${count(results, 'skipped')}" errors="0" time="${secs(total)}">`,
  );
  for (const [file, rs] of byFile) {
    const name = options.cwd && file.startsWith(options.cwd) ? file.slice(options.cwd.length).replace(/^[\\/]/, '') : basename(file);
    out.push(
      `  <testsuite name="${xmlEscape(name)}" tests="${rs.length}" failures="${count(rs, 'failed')}" skipped="${count(rs, 'skipped')}" errors="0" time="${secs(rs.reduce((s, r) => s + r.durationMs, 0))}">`,
    );
    for (const r of rs) {
      out.push(`    <testcase classname="${xmlEscape(name)}" name="${xmlEscape(r.name)}" file="${xmlEscape(name)}" time="${secs(r.durationMs)}">`);
      const props: Array<[string, string]> = [];
      if (r.contactId) props.push(['contactId', r.contactId]);
      if (r.retries) props.push(['retries', String(r.retries)]);
      if (props.length > 0) {
        out.push('      <properties>');
        for (const [k, v] of props) out.push(`        <property name="${k}" value="${xmlEscape(v)}"/>`);
        out.push('      </properties>');
      }
      if (r.status === 'failed' && r.failure) {
        const first = r.failure.text.split('\n')[0];
        out.push(`      <failure message="${xmlEscape(first)}" type="${r.failure.step === 0 ? 'launch' : `step ${r.failure.step}`}">${xmlEscape(r.failure.text)}</failure>`);
      } else if (r.status === 'skipped') out.push(`      <skipped${r.failure ? ` message="${xmlEscape(r.failure.text)}"` : ''}/>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
