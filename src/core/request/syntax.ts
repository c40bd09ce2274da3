import { createScanner, type Node, type ParseError, parseTree } from 'jsonc-parser';
import type { Reporter } from './report';

// jsonc-parser's ParseErrorCode and SyntaxKind are const enums, which isolatedModules cannot
// read; these mirror the values it documents.
const ParseErrorCode = { PropertyNameExpected: 3, ValueExpected: 4, InvalidCommentToken: 10 } as const;
const SyntaxKind = { NumericLiteral: 11, EOF: 17 } as const;

export interface ParsedRequest {
  root: Node | undefined;
  /** Errors that leave the tree unreliable (anything except comments and trailing commas). */
  fatal: boolean;
  /** Offset of the first such error. */
  fatalAt?: number;
  /**
   * The text with leading zeros of numbers blanked out (same length, same offsets): what the JSON
   * service checks, so `060` is reported once, as a leading zero, and not as a missing comma.
   */
  checked: string;
}

interface Token {
  kind: number;
  offset: number;
  length: number;
}

/**
 * Parses strictly (Connect takes strict JSON) into the tree the rules read. Reports only what
 * Chatreq says itself about the syntax (leading zeros); the JSON service words every other
 * syntax problem, as it does in the editor. Comments and trailing commas are errors there, but
 * the tree jsonc-parser recovers around them is still good enough to check.
 */
export function parseRequest(text: string, r: Reporter): ParsedRequest {
  const errors: ParseError[] = [];
  const checked = maskLeadingZeros(text, r);
  const root = parseTree(checked, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors.find((e) => !tolerated(e, checked));
  if (first) return { root, fatal: true, fatalAt: first.offset, checked };
  return { root, fatal: root === undefined, ...(root === undefined ? { fatalAt: 0 } : {}), checked };
}

/** A comment, or a trailing comma (a member or value expected right before a closing bracket). */
function tolerated(e: ParseError, text: string): boolean {
  const code: number = e.error;
  if (code === ParseErrorCode.InvalidCommentToken) return true;
  if (code !== ParseErrorCode.PropertyNameExpected && code !== ParseErrorCode.ValueExpected) return false;
  if (text[e.offset] !== '}' && text[e.offset] !== ']') return false;
  let i = e.offset - 1;
  while (i >= 0 && /\s/.test(text[i])) i--;
  return text[i] === ',';
}

/**
 * `060`, `-007`, `00.5`: JSON forbids leading zeros, which jsonc-parser scans as adjacent numbers.
 * Reports each with a fix and returns the text with those zeros turned into spaces (the sign
 * moves right, so `-060` reads ` -60`), every offset unchanged.
 */
function maskLeadingZeros(text: string, r: Reporter): string {
  if (!/(?:^|[^\w.])-?0\d/.test(text)) return text;
  const tokens = scan(text);
  let out = text;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const literal = text.slice(t.offset, t.offset + t.length);
    if (t.kind !== SyntaxKind.NumericLiteral || (literal !== '0' && literal !== '-0')) continue;
    let j = i;
    while (tokens[j + 1]?.kind === SyntaxKind.NumericLiteral && tokens[j + 1].offset === tokens[j].offset + tokens[j].length) j++;
    if (j === i) continue;
    const end = tokens[j].offset + tokens[j].length;
    const written = text.slice(t.offset, end);
    const fixed = written.replace(/^(-?)0+(?=\d)/, '$1');
    r.at('chatreq/json-leading-zero', 'error', t.offset, written.length, `${written} is not a JSON number: leading zeros are not allowed in JSON numbers. Write ${fixed}.`, {
      fixes: [{ title: `Write ${fixed}`, edits: [{ offset: t.offset, length: written.length, newText: fixed }], preferred: true }],
    });
    out = out.slice(0, t.offset) + ' '.repeat(written.length - fixed.length) + fixed + out.slice(end);
    i = j;
  }
  return out;
}

function scan(text: string): Token[] {
  const s = createScanner(text, true);
  const out: Token[] = [];
  for (let k: number = s.scan(); k !== SyntaxKind.EOF; k = s.scan()) out.push({ kind: k, offset: s.getTokenOffset(), length: s.getTokenLength() });
  return out;
}
