/** A JSON path inside a request: property names and array indexes, outermost first. */
export type JsonPath = Array<string | number>;

export type Severity = 'error' | 'warning' | 'info';

/** A zero-based position, like LSP: `character` counts UTF-16 code units (JS string indexes). */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
  /** Offset of `start` in the text, in UTF-16 code units. */
  offset: number;
  /** Length of the range in UTF-16 code units. */
  length: number;
}

/** Replace `length` code units at `offset` with `newText`. Offsets refer to the validated text. */
export interface TextEdit {
  offset: number;
  length: number;
  newText: string;
}

/** A ready-made quick fix: apply every edit (they never overlap) to get the repaired text. */
export interface QuickFix {
  title: string;
  edits: TextEdit[];
  /** The fix to offer first (VS Code's `isPreferred`). */
  preferred?: boolean;
}

export interface Diagnostic {
  /** Stable identifier, e.g. `chatreq/attributes-too-large`. */
  code: string;
  severity: Severity;
  message: string;
  range: Range;
  /** JSON path of the node the diagnostic is about, when it is about one. */
  path?: JsonPath;
  fixes?: QuickFix[];
  /**
   * Set when the problem is in the value of `${env:NAME}` references as set in
   * `ValidateOptions.env` (not in the text as written): the names of those variables.
   */
  env?: string[];
}

export interface ValidateOptions {
  /**
   * Environment used to check `${env:NAME}` references (and to size attribute values that use
   * them). Leave it out to skip the unknown-variable check.
   */
  env?: Record<string, string | undefined>;
  /**
   * Which checks to report (default: all). An editor whose JSON language service already reports
   * syntax and schema errors for the contributed schema can ask for `['rules']` alone and avoid
   * duplicates; the CLI reports everything. Syntax errors that break the tree still stop the
   * later layers, whether or not they are reported.
   */
  layers?: ReadonlyArray<ValidationLayer>;
}

/** syntax: strict JSON; schema: chatreq.schema.json; rules: the semantic checks. */
export type ValidationLayer = 'syntax' | 'schema' | 'rules';

/** Which layer produced each diagnostic code (schema- and syntax-level codes; the rest are rules). */
export function layerOf(code: string): ValidationLayer {
  if (code.startsWith('chatreq/json-') || code === 'chatreq/not-an-object') return 'syntax';
  if (
    [
      'chatreq/unknown-member',
      'chatreq/missing-member',
      'chatreq/wrong-type',
      'chatreq/invalid-value',
      'chatreq/too-short',
      'chatreq/too-long',
      'chatreq/out-of-range',
      'chatreq/too-few-items',
      'chatreq/too-many-items',
      'chatreq/duplicate-item',
      'chatreq/duplicate-key',
      'chatreq/invalid-key',
      'chatreq/empty-object',
    ].includes(code)
  ) {
    return 'schema';
  }
  return 'rules';
}
