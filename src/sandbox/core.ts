/** The shared state every operation handler works on. */
import { type InstanceRecord } from './catalog';
import { type SandboxClock } from './clock';
import { type AgentDesk } from './agents';
import { type AttachmentStore } from './attachments';
import { type ContactRuntime } from './contactRuntime';
import { type ContactStore } from './contacts';
import { type FaultBox } from './faults';
import { type LogStore } from './flowLogs';
import { type ViewTokens } from './participantViews';
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
  /** `http://127.0.0.1:PORT` (attachment upload and download URLs). */
  httpBase(): string;
  /** The sandbox's agents (simulated per queue, or driven by hand). */
  agents: AgentDesk;
  /** Chat attachments, in memory. */
  attachments: AttachmentStore;
  /** View tokens the Show view block issued (DescribeView). */
  viewTokens: ViewTokens;
  /** StartChatContact ClientToken replays: `${instanceId}\n${token}` -> original response. */
  startTokens: Map<string, { response: JsonObject; expires: number }>;
}

export interface OperationInput {
  labels: Record<string, string>;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: JsonObject;
}
