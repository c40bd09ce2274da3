/** The shared state every operation handler works on. */
import { type InstanceRecord } from './catalog';
import { type SandboxClock } from './clock';
import { type ContactRuntime } from './contactRuntime';
import { type ContactStore } from './contacts';
import { type FaultBox } from './faults';
import { type LogStore } from './flowLogs';
import { type JsonObject } from './validate';

export interface SandboxCore {
  region: string;
  clock: SandboxClock;
  instances: InstanceRecord[];
  store: ContactStore;
  faults: FaultBox;
  /** CloudWatch Logs groups (the instances' flow logs). */
  logs: LogStore;
  runtime(): ContactRuntime;
  /** `ws://127.0.0.1:PORT`, known once the server listens. */
  wsBase(): string;
  /** StartChatContact ClientToken replays: `${instanceId}\n${token}` -> original response. */
  startTokens: Map<string, { response: JsonObject; expires: number }>;
}

export interface OperationInput {
  labels: Record<string, string>;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: JsonObject;
}
