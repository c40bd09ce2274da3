import { createScanner, type Node, type ParseError, parseTree } from 'jsonc-parser';
import type { Reporter } from './report';

// jsonc-parser's ParseErrorCode and SyntaxKind are const enums, which isolatedModules cannot
// read; these mirror the values it documents.
const ParseErrorCode = {
  InvalidSymbol: 1,
  InvalidNumberFormat: 2,
  PropertyNameExpected: 3,
  ValueExpected: 4,
  ColonExpected: 5,
  CommaExpected: 6,
  CloseBraceExpected: 7,
  CloseBracketExpected: 8,
  EndOfFileExpected: 9,
  InvalidCommentToken: 10,
  UnexpectedEndOfComment: 11,
  UnexpectedEndOfString: 12,
  UnexpectedEndOfNumber: 13,
  InvalidUnicode: 14,
  InvalidEscapeCharacter: 15,
  InvalidCharacter: 16,
} as const;
const SyntaxKind = { CommaToken: 5, NumericLiteral: 11, EOF: 17 } as const;
export interface ParsedRequest {
  root: Node | undefined;
  /** Errors that leave the tree unreliable (anything except comments and trailing commas). */
  fatal: boolean;
}

interface Token {
  kind: number;
  offset: number;
  length: number;
}

/**
 * Parses strictly, because Connect takes strict JSON: comments and trailing commas are errors
 * here (with a fix each), though the tree jsonc-parser recovers is still good enough to check.
 */
export function parseRequest(text: string, r: Reporter): ParsedRequest {
  const errors: ParseError[] = [];
  // Numbers with leading zeros are reported here and parsed without them, so the rest of the file
  // is still checked (jsonc-parser would read `060` as two numbers and ask for a comma).
  const parsed = maskLeadingZeros(text, r);
  const root = parseTree(parsed, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  let fatal = false;
  let tokens: Token[] | undefined;
  const seen = new Set<number>();
  for (const e of errors) {
    const code: number = e.error;
    if (code === ParseErrorCode.InvalidCommentToken) {
      r.at('chatreq/json-comment', 'error', e.offset, e.length, 'Comments are not allowed: Connect accepts strict JSON only. Remove the comment.', {
        fixes: [{ title: 'Remove the comment', edits: [{ offset: e.offset, length: e.length, newText: '' }], preferred: true }],
      });
      continue;
    }
    if (seen.has(e.offset)) continue;
    seen.add(e.offset);
    tokens ??= scan(text);
    const prev = previousToken(tokens, e.offset);
    const closing = text[e.offset] === '}' || text[e.offset] === ']';
    if ((code === ParseErrorCode.PropertyNameExpected || code === ParseErrorCode.ValueExpected) && closing && prev?.kind === SyntaxKind.CommaToken) {
      if (seen.has(-prev.offset - 1)) continue;
      seen.add(-prev.offset - 1);
      r.at('chatreq/json-trailing-comma', 'error', prev.offset, 1, `Trailing comma before '${text[e.offset]}': strict JSON does not allow it. Remove the comma.`, {
        fixes: [{ title: 'Remove the trailing comma', edits: [{ offset: prev.offset, length: 1, newText: '' }], preferred: true }],
      });
      continue;
    }
    fatal = true;
    if (code === ParseErrorCode.CommaExpected && prev) {
      const at = prev.offset + prev.length;
      r.at('chatreq/json-syntax', 'error', e.offset, e.length, "Missing ',' between two members or list entries. Add a comma.", {
        fixes: [{ title: "Insert ','", edits: [{ offset: at, length: 0, newText: ',' }], preferred: true }],
      });
      continue;
    }
    r.at('chatreq/json-syntax', 'error', e.offset, e.length, describeParseError(e, text));
  }
  if (root === undefined && errors.length === 0) fatal = true;
  return { root, fatal };
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

function describeParseError(e: ParseError, text: string): string {
  if (text.trim() === '') {
    return 'The file is empty. A request file holds one JSON object, at least { "ParticipantDetails": { "DisplayName": "..." } }.';
  }
  const found = text.substr(e.offset, Math.max(1, Math.min(e.length, 20)));
  const code: number = e.error;
  switch (code) {
    case ParseErrorCode.InvalidSymbol:
      return found.startsWith("'")
        ? 'JSON strings and member names use double quotes, not single quotes.'
        : `Unexpected ${JSON.stringify(found)}: JSON values are objects, arrays, "strings", numbers, true, false or null.`;
    case ParseErrorCode.InvalidNumberFormat:
      return `${JSON.stringify(found)} is not a valid JSON number (no leading zeros, hex, or trailing dot).`;
    case ParseErrorCode.PropertyNameExpected:
      return 'Expected a member name in double quotes, e.g. "InstanceId".';
    case ParseErrorCode.ValueExpected:
      return 'Expected a value here (a "string", number, true, false, null, object or array).';
    case ParseErrorCode.ColonExpected:
      return "Expected ':' between the member name and its value.";
    case ParseErrorCode.CommaExpected:
      return "Missing ',' between two members or list entries. Add a comma.";
    case ParseErrorCode.CloseBraceExpected:
      return "Expected '}' to close the object. Check for a missing '}' or ','.";
    case ParseErrorCode.CloseBracketExpected:
      return "Expected ']' to close the list. Check for a missing ']' or ','.";
    case ParseErrorCode.EndOfFileExpected:
      return 'Unexpected text after the request object: a request file holds exactly one JSON object.';
    case ParseErrorCode.UnexpectedEndOfComment:
      return "Unterminated comment (and comments are not allowed in strict JSON). Remove it.";
    case ParseErrorCode.UnexpectedEndOfString:
      return 'Unterminated string: add the closing double quote.';
    case ParseErrorCode.UnexpectedEndOfNumber:
      return 'Incomplete number.';
    case ParseErrorCode.InvalidUnicode:
      return 'Invalid \\u escape: it needs exactly four hex digits.';
    case ParseErrorCode.InvalidEscapeCharacter:
      return 'Invalid escape sequence: JSON allows \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX.';
    case ParseErrorCode.InvalidCharacter:
      return 'Control character inside a string: write line breaks and tabs as \\n and \\t.';
    default:
      return 'Invalid JSON.';
  }
}

function scan(text: string): Token[] {
  const s = createScanner(text, true);
  const out: Token[] = [];
  for (let k: number = s.scan(); k !== SyntaxKind.EOF; k = s.scan()) out.push({ kind: k, offset: s.getTokenOffset(), length: s.getTokenLength() });
  return out;
}

function previousToken(tokens: Token[], offset: number): Token | undefined {
  let lo = 0;
  let hi = tokens.length - 1;
  let found: Token | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid].offset < offset) {
      found = tokens[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
