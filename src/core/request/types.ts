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
   * Who found it: `json` is VS Code's JSON language service (strict JSON and the request schema,
   * with the words VS Code shows for the same file); absent or `chatreq` is Chatreq's own checks.
   */
  source?: DiagnosticSource;
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
   * Which problems to report (default: all). `json`: VS Code's JSON language service, which an
   * editor already shows for the contributed schema; `chatreq`: Chatreq's own checks (leading
   * zeros, nesting depth, the semantic rules, schema problems of substituted `${env:NAME}`
   * values). Asking for `chatreq` alone does not need the JSON engine to be loaded, except to
   * check substituted values (skipped while it is not loaded).
   */
  sources?: ReadonlyArray<DiagnosticSource>;
}

/** json: VS Code's JSON language service; chatreq: Chatreq's own checks. */
export type DiagnosticSource = 'json' | 'chatreq';
