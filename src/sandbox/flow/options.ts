import type { HoursOfOperation } from './hours';
import type { FlowSource } from './types';

export interface QueueInfo {
  id: string;
  arn: string;
  name: string;
  /** Used by CheckHoursOfOperation when the block names no hours. */
  hoursOfOperationId?: string;
  /** Makes TransferContactToQueue take its QueueAtCapacity branch. */
  atCapacity?: boolean;
}

export interface FlowRuntimeOptions {
  /**
   * Finds a flow of an instance by flow ID, flow ARN (a `:$SAVED` suffix allowed) or name: the
   * contact's own flow at start, TransferToFlow targets and event-hook flows. `flowFinder()` builds
   * one from a list of flows.
   */
  findFlow(instanceId: string, ref: string): FlowSource | undefined;
  /**
   * Finds a queue by ID, ARN or name for UpdateContactTargetQueue. Without it any queue reference
   * is accepted and named after its ID.
   */
  findQueue?(instanceId: string, ref: string): QueueInfo | undefined;
  /** Lex bot definition files (format: `{"bots": [...]}`), read again whenever they change. */
  lexBotFiles?: string[];
  /** The Lambda mock file (format: `{"functions": {...}}`), read again whenever it changes. */
  lambdaMockFile?: string;
  /** Lex bots given inline, in the file format (`{"bots": [...]}`); checked when the runtime is created. */
  lexBots?: unknown;
  /** Lambda mocks given inline, in the file format (`{"functions": {...}}`); the file's entries win. */
  lambdaMocks?: unknown;
  /** Hours of operation that CheckHoursOfOperation can name (or a queue can point to). */
  hoursOfOperation?: HoursOfOperation[];
  /** A file of hours (format: `{"hoursOfOperation": [...]}`), read again whenever it changes. */
  hoursOfOperationFile?: string;
  /** The clock CheckHoursOfOperation reads; defaults to the contact's sandbox clock. */
  clock?: () => Date;
  /** Seed for DistributeByPercentage: the same seed and the same order of draws give the same branches. */
  seed?: number;
  /** Blocks one contact may run in all (a loop without waits stops here instead of hanging). Default 1000. */
  stepBudget?: number;
  /** Seconds a Lex block waits for the customer when the block sets no LexTimeoutSeconds. Default 300. */
  lexTimeoutSeconds?: number;
  /** Traces of ended contacts kept for getTrace (oldest dropped first). Default 1000. */
  keepEndedTraces?: number;
  /**
   * Where sandbox notices (unsupported block, missing bot or mock, step budget) go: posted to the
   * service layer as an EVENT of ContentType `application/vnd.chatreq.sandbox.notice` (default),
   * or only into the trace. The sandbox's service layer never delivers such an EVENT to a
   * participant (GetTranscript, WebSocket): it keeps it on the contact (`notices` in the admin
   * view) and reports it through the sandbox's `onNotice` option.
   */
  notices?: 'transcript' | 'trace';
}

/** Builds `findFlow` from a list of an instance's flows (matched by ID, ARN or name). */
export function flowFinder(list: (instanceId: string) => Iterable<FlowSource>): FlowRuntimeOptions['findFlow'] {
  return (instanceId, ref) => {
    const clean = ref.replace(/:\$SAVED$/, '');
    const id = clean.includes('/contact-flow/') ? clean.slice(clean.lastIndexOf('/') + 1) : clean;
    let byName: FlowSource | undefined;
    for (const f of list(instanceId)) {
      if (f.id === id || f.arn === clean) return f;
      if (!byName && f.name === ref) byName = f;
    }
    return byName;
  };
}
