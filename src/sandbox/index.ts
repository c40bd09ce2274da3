/**
 * The Connect sandbox: a local Amazon Connect + Participant Service speaking the real wire protocol
 * on 127.0.0.1. Built as dist/sandbox.js and loaded lazily by the extension; the CLI runs it as
 * `chatreq sandbox`. Imports stay to node built-ins, `ws` and src/sandbox (the flow runtime included).
 */
export {
  startSandbox,
  type SandboxHandle,
  type SandboxInstanceInfo,
  type SandboxOptions,
} from './sandbox';
export { ManualClock, systemClock, type SandboxClock } from './clock';
export { DEMO_FLOWS, DEMO_INSTANCE_ALIAS, DEMO_INSTANCE_ID, DEMO_QUEUES, type ContactFlowType } from './catalog';
export {
  idleRuntime,
  SANDBOX_NOTICE_CONTENT_TYPE,
  type ContactControl,
  type ContactRuntime,
  type ContactView,
  type FlowLogRecord,
  type FlowLoggingState,
  type TranscriptItemInput,
} from './contactRuntime';
export { flowLogGroupName } from './flowLogs';
export { type ContactState, type TranscriptItem } from './contacts';
export { OPERATIONS, type FaultRule, type OperationName, type Quotas } from './faults';
export { FlowFileError } from './flowFile';
export { type RequestLogEntry } from './server';
export { startSandboxWithFlows, type FlowSandboxOptions } from './withFlows';
