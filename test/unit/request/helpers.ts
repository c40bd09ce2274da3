import assert from 'node:assert/strict';
import { applyEdits, validateRequestText, type Diagnostic, type ValidateOptions } from '../../../src/core/request';

export function check(text: string, options: ValidateOptions = {}): Diagnostic[] {
  return validateRequestText(text, options);
}

export function codes(text: string, options: ValidateOptions = {}): string[] {
  return check(text, options).map((d) => d.code);
}

/** The single diagnostic with `code`; fails when there is none or more than one. */
export function only(text: string, code: string, options: ValidateOptions = {}): Diagnostic {
  const found = check(text, options).filter((d) => d.code === code);
  assert.equal(found.length, 1, `expected one ${code}, got ${JSON.stringify(check(text, options).map((d) => `${d.code}: ${d.message}`), null, 1)}`);
  return found[0];
}

/** The text the diagnostic's range covers. */
export function covered(text: string, d: Diagnostic): string {
  return text.slice(d.range.offset, d.range.offset + d.range.length);
}

/** Applies the fix titled `title` (or the first) of `d` and returns the new text. */
export function applyFix(text: string, d: Diagnostic, title?: string): string {
  const fix = title === undefined ? d.fixes?.[0] : d.fixes?.find((f) => f.title === title);
  assert.ok(fix, `no fix ${title ?? ''} on ${d.code}; fixes: ${JSON.stringify(d.fixes?.map((f) => f.title))}`);
  return applyEdits(text, fix.edits);
}

export function errorsOf(text: string, options: ValidateOptions = {}): Diagnostic[] {
  return check(text, options).filter((d) => d.severity === 'error');
}

/** A minimal valid request with `extra` members merged in, pretty-printed. */
export function request(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ ParticipantDetails: { DisplayName: 'Customer' }, ...extra }, null, 2);
}

/** The value at `path` in the JSON `text` (undefined when absent). */
export function valueAt(text: string, ...path: Array<string | number>): unknown {
  let v: unknown = JSON.parse(text);
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}
