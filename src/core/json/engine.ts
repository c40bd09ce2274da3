/**
 * VS Code's own JSON engine (`vscode-json-languageservice`, the library behind VS Code's JSON
 * language server) in plain Node, for the CLI, the request form and launch. It imports nothing
 * from Chatreq, so the build can bundle it on its own: the extension loads it with a dynamic
 * import (the lazy chunk dist/json.js), never at activation.
 *
 * The service is asynchronous in its interface but not in what it does for a schema that needs no
 * download: given a synchronous promise type (its `promiseConstructor` parameter) every answer is
 * ready when `doValidation` returns, and {@link JsonEngine.check} stays synchronous like the rest
 * of the core.
 */
import { getLanguageService, type LanguageService } from 'vscode-json-languageservice';
import { TextDocument } from 'vscode-languageserver-textdocument';

/** One problem as the JSON language service reports it, with offsets into the checked text. */
export interface JsonProblem {
  offset: number;
  length: number;
  message: string;
  severity: 'error' | 'warning' | 'info';
  /** The service's ErrorCode (syntax problems, enum mismatches), absent for most schema problems. */
  code?: number;
}

export interface JsonEngine {
  /**
   * The problems VS Code's JSON language service reports for `text` checked against the schema
   * registered as `schemaUri`, with the settings VS Code uses for a file in the `json` language
   * (comments and trailing commas are errors, schema problems warnings). A `$schema` member does
   * not change the schema: Chatreq's files are always checked against Chatreq's schema.
   */
  check(text: string, schemaUri: string): JsonProblem[];
}

/** The settings VS Code's JSON server passes for a document in the `json` language. */
const JSON_LANGUAGE_SETTINGS = { comments: 'error', trailingCommas: 'error' } as const;

export function createJsonEngine(schemas: ReadonlyArray<{ uri: string; schema: object }>): JsonEngine {
  const service: LanguageService = getLanguageService({
    promiseConstructor: SyncPromise,
    // Chatreq's schemas refer only to their own definitions: nothing is ever downloaded.
    schemaRequestService: (uri) => SyncPromise.reject(`Chatreq does not download schemas (${uri})`),
  });
  // Each schema applies to one document name, so the service resolves it once and keeps it.
  const documentUri = (i: number): string => `chatreq://check/${i}.json`;
  service.configure({ validate: true, allowComments: false, schemas: schemas.map((s, i) => ({ uri: s.uri, fileMatch: [documentUri(i)], schema: s.schema })) });
  const index = new Map(schemas.map((s, i) => [s.uri, i]));
  // Untouched copies for the explicit case (the service may rewrite a schema as it resolves it).
  const pristine = schemas.map((s) => JSON.stringify(s.schema));
  return {
    check(text, schemaUri) {
      const i = index.get(schemaUri);
      if (i === undefined) throw new Error(`no JSON schema registered as ${schemaUri}`);
      const doc = TextDocument.create(documentUri(i), 'json', 1, text);
      const parsed = service.parseJSONDocument(doc);
      // With a "$schema" member the service would look that schema up instead; the document's own
      // schema is passed explicitly then (the same schema, resolved again for this one check).
      const explicit = hasSchemaMember(parsed) ? { ...(JSON.parse(pristine[i]) as object), $id: `${schemaUri}#explicit` } : undefined;
      const diagnostics = settled(service.doValidation(doc, parsed, JSON_LANGUAGE_SETTINGS, explicit));
      return diagnostics.map((d) => {
        const offset = doc.offsetAt(d.range.start);
        const problem: JsonProblem = {
          offset,
          length: doc.offsetAt(d.range.end) - offset,
          message: typeof d.message === 'string' ? d.message : d.message.value,
          severity: d.severity === 1 ? 'error' : d.severity === 2 ? 'warning' : 'info',
        };
        if (typeof d.code === 'number') problem.code = d.code;
        return problem;
      });
    },
  };
}

function hasSchemaMember(doc: ReturnType<LanguageService['parseJSONDocument']>): boolean {
  const root = doc.root;
  return root?.type === 'object' && root.properties.some((p) => p.keyNode.value === '$schema');
}

function settled<T>(p: PromiseLike<T>): T {
  let result: { value: T } | { error: unknown } | undefined;
  p.then(
    (value) => (result = { value }),
    (error: unknown) => (result = { error }),
  );
  if (!result) throw new Error('the JSON language service did not answer synchronously');
  if ('error' in result) throw result.error instanceof Error ? result.error : new Error(String(result.error));
  return result.value;
}

type Settle<T> = (value: T | PromiseLike<T>) => void;

/** A promise that runs its callbacks at once instead of on the microtask queue. */
class SyncPromise<T> implements PromiseLike<T> {
  private state: 'pending' | 'fulfilled' | 'rejected' = 'pending';
  private value: unknown;
  private adopting = false;
  private readonly waiting: Array<() => void> = [];

  constructor(executor: (resolve: Settle<T>, reject: (reason: unknown) => void) => void) {
    try {
      executor(
        (v) => this.settle('fulfilled', v),
        (e) => this.settle('rejected', e),
      );
    } catch (e) {
      this.settle('rejected', e);
    }
  }

  static resolve<T>(value: T | PromiseLike<T>): SyncPromise<T> {
    return new SyncPromise<T>((resolve) => resolve(value));
  }

  static reject<T = never>(reason: unknown): SyncPromise<T> {
    return new SyncPromise<T>((_resolve, reject) => reject(reason));
  }

  static all<T>(values: ReadonlyArray<T | PromiseLike<T>>): SyncPromise<T[]> {
    return new SyncPromise<T[]>((resolve, reject) => {
      const out: T[] = new Array<T>(values.length);
      let left = values.length;
      if (left === 0) resolve(out);
      values.forEach((v, i) => {
        SyncPromise.resolve(v).then((x) => {
          out[i] = x;
          if (--left === 0) resolve(out);
        }, reject);
      });
    });
  }

  then<A = T, B = never>(onFulfilled?: ((value: T) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): SyncPromise<A | B> {
    return new SyncPromise<A | B>((resolve, reject) => {
      const run = (): void => {
        try {
          if (this.state === 'fulfilled') resolve(onFulfilled ? onFulfilled(this.value as T) : (this.value as A));
          else if (onRejected) resolve(onRejected(this.value));
          else reject(this.value);
        } catch (e) {
          reject(e);
        }
      };
      if (this.state === 'pending') this.waiting.push(run);
      else run();
    });
  }

  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): SyncPromise<T | B> {
    return this.then(undefined, onRejected);
  }

  private settle(state: 'fulfilled' | 'rejected', value: unknown): void {
    if (this.state !== 'pending' || this.adopting) return;
    if (state === 'fulfilled' && value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function') {
      this.adopting = true;
      (value as PromiseLike<unknown>).then(
        (v) => {
          this.adopting = false;
          this.settle('fulfilled', v);
        },
        (e) => {
          this.adopting = false;
          this.settle('rejected', e);
        },
      );
      return;
    }
    this.state = state;
    this.value = value;
    for (const run of this.waiting.splice(0)) run();
  }
}
