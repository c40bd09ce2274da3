/**
 * Request validation in the services' own words. Every problem is collected, then reported in one
 * error whose message names each offending member by its wire path, the way AWS does:
 * `2 validation errors detected: Value at 'ParticipantDetails.DisplayName' failed to satisfy
 * constraint: Member must have length greater than or equal to 1; ...`. Values are only echoed for
 * enums (never for free text, which may be sensitive).
 */
import { type Limit } from '../core/request/limits';
import { type ServiceError } from './errors';

export type JsonObject = Record<string, unknown>;

interface Common {
  required?: boolean;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Smithy counts string length in Unicode code points. */
export function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export class Validator {
  private readonly problems: string[] = [];

  constructor(private readonly makeError: (message: string) => ServiceError) {}

  fail(path: string, constraint: string, shownValue?: string): void {
    const value = shownValue === undefined ? 'Value' : `Value '${shownValue}'`;
    this.problems.push(`${value} at '${path}' failed to satisfy constraint: ${constraint}`);
  }

  private absent(value: unknown, path: string, opts: Common): boolean {
    if (value !== undefined && value !== null) return false;
    if (opts.required) this.problems.push(`Value null at '${path}' failed to satisfy constraint: Member must not be null`);
    return true;
  }

  str(
    value: unknown,
    path: string,
    opts: Common & { min?: number; max?: number; pattern?: RegExp; enum?: readonly string[] } = {},
  ): string | undefined {
    if (this.absent(value, path, opts)) return undefined;
    if (typeof value !== 'string') {
      this.fail(path, `Member must be a string (got ${describeType(value)})`);
      return undefined;
    }
    if (opts.enum && !opts.enum.includes(value)) {
      this.fail(path, `Member must satisfy enum value set: [${opts.enum.join(', ')}]`, value.slice(0, 100));
      return undefined;
    }
    const len = opts.min !== undefined || opts.max !== undefined ? codePointLength(value) : 0;
    if (opts.min !== undefined && len < opts.min) {
      this.fail(path, `Member must have length greater than or equal to ${opts.min}`);
      return undefined;
    }
    if (opts.max !== undefined && len > opts.max) {
      this.fail(path, `Member must have length less than or equal to ${opts.max}`);
      return undefined;
    }
    if (opts.pattern && !opts.pattern.test(value)) {
      this.fail(path, `Member must satisfy regular expression pattern: ${opts.pattern.source}`);
      return undefined;
    }
    return value;
  }

  int(value: unknown, path: string, opts: Common & { min?: number; max?: number } = {}): number | undefined {
    if (this.absent(value, path, opts)) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.fail(path, `Member must be an integer (got ${describeType(value)})`);
      return undefined;
    }
    if (opts.min !== undefined && value < opts.min) {
      this.fail(path, `Member must have value greater than or equal to ${opts.min}`);
      return undefined;
    }
    if (opts.max !== undefined && value > opts.max) {
      this.fail(path, `Member must have value less than or equal to ${opts.max}`);
      return undefined;
    }
    return value;
  }

  bool(value: unknown, path: string, opts: Common = {}): boolean | undefined {
    if (this.absent(value, path, opts)) return undefined;
    if (typeof value !== 'boolean') {
      this.fail(path, `Member must be a boolean (got ${describeType(value)})`);
      return undefined;
    }
    return value;
  }

  obj(value: unknown, path: string, opts: Common = {}): JsonObject | undefined {
    if (this.absent(value, path, opts)) return undefined;
    if (!isObject(value)) {
      this.fail(path, `Member must be an object (got ${describeType(value)})`);
      return undefined;
    }
    return value;
  }

  list(value: unknown, path: string, opts: Common & { min?: number; max?: number } = {}): unknown[] | undefined {
    if (this.absent(value, path, opts)) return undefined;
    if (!Array.isArray(value)) {
      this.fail(path, `Member must be a list (got ${describeType(value)})`);
      return undefined;
    }
    if (opts.min !== undefined && value.length < opts.min) {
      this.fail(path, `Member must have length greater than or equal to ${opts.min}`);
      return undefined;
    }
    if (opts.max !== undefined && value.length > opts.max) {
      this.fail(path, `Member must have length less than or equal to ${opts.max}`);
      return undefined;
    }
    return value as unknown[];
  }

  get ok(): boolean {
    return this.problems.length === 0;
  }

  /** Throws the collected problems as one error, if there are any. */
  check(): void {
    if (this.problems.length === 0) return;
    const n = this.problems.length;
    throw this.makeError(`${n} validation error${n === 1 ? '' : 's'} detected: ${this.problems.join('; ')}`);
  }
}

/** A model limit (src/core/request/limits.ts) as options: its length for strings and lists, its range for integers. */
export function limit(l: Limit): Common & { min?: number; max?: number; enum?: readonly string[] } {
  const bounds = l.range ?? l.length;
  return {
    ...(l.required ? { required: true } : {}),
    ...(bounds?.min !== undefined ? { min: bounds.min } : {}),
    ...(bounds?.max !== undefined ? { max: bounds.max } : {}),
    ...(l.enum ? { enum: l.enum } : {}),
  };
}

function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}
