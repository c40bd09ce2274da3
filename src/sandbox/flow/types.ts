/** Shapes of the Flow language (Version 2019-10-30) as the runtime reads them, after validation. */

export interface FlowCondition {
  Operator: string;
  Operands: string[];
}

export interface FlowTransitions {
  NextAction?: string;
  Errors: Array<{ ErrorType: string; NextAction: string }>;
  Conditions: Array<{ NextAction: string; Condition: FlowCondition }>;
}

export interface FlowAction {
  Identifier: string;
  Type: string;
  Parameters: Record<string, unknown>;
  Transitions: FlowTransitions;
}

export interface Flow {
  /** Where the flow came from, for messages: its name, or the file/ID it was read from. */
  label: string;
  StartAction: string;
  actions: Map<string, FlowAction>;
}

/** A flow as the service layer stores it (what DescribeContactFlow returns). */
export interface FlowSource {
  id: string;
  arn: string;
  name: string;
  /** The Flow-language document: the JSON string DescribeContactFlow returns, or the parsed object. */
  content: string | object;
}

/** One step of a contact's path through its flows. */
export interface TraceStep {
  /** ISO time on the sandbox clock when the block ran (or, for a waiting block, when it finished). */
  time: string;
  flowId: string;
  flowName: string;
  identifier: string;
  type: string;
  /**
   * The branch taken: `Success` (NextAction), `Condition: <Operator> <operands>`, `Error: <ErrorType>`,
   * `End` (terminal block), `Interrupted` (the contact ended while the block waited).
   */
  branch: string;
  next?: string;
  /** Why, when it is not obvious: the value compared, the number drawn, why a block failed. */
  note?: string;
}

export type TraceStatus = 'running' | 'waiting' | 'queued' | 'ended';

export interface FlowTrace {
  contactId: string;
  status: TraceStatus;
  /** The block the contact is parked on (a Lex bot or Wait waiting for the customer or a timer). */
  waitingOn?: { identifier: string; type: string; since: string };
  /** Why the contact ended, once it has. */
  endReason?: string;
  steps: TraceStep[];
  /** Final (or current) user-defined attributes. */
  attributes: Record<string, string>;
  /** The last Lambda response (`$.External`). */
  external: Record<string, unknown>;
  /** The `$.Lex` namespace after the last Lex block. */
  lex: Record<string, unknown>;
  /** The queue the contact targets or waits in. */
  queue?: { id: string; arn: string; name: string };
  /** Set by UpdateFlowLoggingBehavior. */
  flowLogging: boolean;
  /** Sandbox notices (unsupported blocks, missing workspace files, the step budget). */
  notices: string[];
  stepsUsed: number;
}
