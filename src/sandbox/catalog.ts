/**
 * Instances and flows: the read-only part of the sandbox's state. They come from the built-in demo
 * instance and, optionally, a folder of `*.flow.json` files:
 *   DIR/*.flow.json          -> flows of an instance with alias "local"
 *   DIR/<alias>/*.flow.json  -> flows of an instance with that alias (one per subfolder)
 * A flow's Id is its file name when that is a UUID (`<uuid>.flow.json`), else a stable UUID derived
 * from the instance alias and file name; Name, description, type and status come from Metadata.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { checkFlowDocument, FlowFileError, parseFlowText, type FlowDocument } from './flowFile';
import afterHours from './demo/afterHours.flow.json';
import feedbackDraft from './demo/feedbackDraft.flow.json';
import concierge from './demo/concierge.flow.json';
import helpMenu from './demo/helpMenu.flow.json';
import orderStatus from './demo/orderStatus.flow.json';
import queueWait from './demo/queueWait.flow.json';
import supportBot from './demo/supportBot.flow.json';

export const CONTACT_FLOW_TYPES = [
  'CONTACT_FLOW',
  'CUSTOMER_QUEUE',
  'CUSTOMER_HOLD',
  'CUSTOMER_WHISPER',
  'AGENT_HOLD',
  'AGENT_WHISPER',
  'OUTBOUND_WHISPER',
  'AGENT_TRANSFER',
  'QUEUE_TRANSFER',
  'CAMPAIGN',
] as const;
export type ContactFlowType = (typeof CONTACT_FLOW_TYPES)[number];

/** Metadata.type as the console writes it, to the API's ContactFlowType. */
const METADATA_TYPES: Record<string, ContactFlowType> = {
  contactFlow: 'CONTACT_FLOW',
  customerQueue: 'CUSTOMER_QUEUE',
  customerHold: 'CUSTOMER_HOLD',
  customerWhisper: 'CUSTOMER_WHISPER',
  agentHold: 'AGENT_HOLD',
  agentWhisper: 'AGENT_WHISPER',
  outboundWhisper: 'OUTBOUND_WHISPER',
  agentTransfer: 'AGENT_TRANSFER',
  queueTransfer: 'QUEUE_TRANSFER',
  campaign: 'CAMPAIGN',
};

export const SANDBOX_ACCOUNT = '123456789012';
export const DEMO_INSTANCE_ID = '5f1b7c3e-8a2d-4c6f-9e41-2b7d0a9c3e58';
export const DEMO_INSTANCE_ALIAS = 'chatreq-demo';
/** Stable IDs of the demo flows, for tests and docs. */
export const DEMO_FLOWS = {
  supportBot: '0c6a3f51-7d2e-4b8a-9f14-6e2d3c8b1a07',
  orderStatus: '7b3e9d20-4c1a-4f8e-b6d2-a95c0e7f3b14',
  afterHours: '2d8c6e41-9a3b-4f07-8e5c-b14a7d0f6c92',
  queueWait: 'e5a1c7d3-0f8b-4a29-b6e4-1c9d3a7f5b80',
  feedbackDraft: '1f6b4d8a-3c7e-4b29-95d1-a0e8c4f27b63',
  /** Sends an interactive ListPicker (text when the chat cannot show it) and branches on the answer. */
  helpMenu: '4c9e2b7a-5d13-4f86-a0b2-7e6d1c3f8a95',
  /**
   * A ListPicker menu that branches to a TimePicker, a QuickReply or the Concierge Desk queue,
   * where the demo's simulated agent (Sam) joins, answers and sends read receipts.
   */
  concierge: '7c1e5a3d-8b2f-4d96-a0e4-5f3b9c7d1e28',
} as const;

/** The demo queue the simulated agent Sam staffs (the Concierge flow's). */
export const DEMO_CONCIERGE_QUEUE_ID = '9e2c4a7b-3f1d-4b68-a5e0-7c1d9f3b2e84';

/** A queue of the demo instance (what UpdateContactTargetQueue in the demo flows names). */
export interface DemoQueue {
  id: string;
  arn: string;
  name: string;
  hoursOfOperationId: string;
}

/** The demo instance's queues, for the flow runtime's `findQueue`. */
export const DEMO_QUEUES: readonly DemoQueue[] = [
  {
    id: '6a9d3f1c-2e8b-4c57-b0a4-d7e1c5f9b368',
    arn: `arn:aws:connect:us-east-1:${SANDBOX_ACCOUNT}:instance/${DEMO_INSTANCE_ID}/queue/6a9d3f1c-2e8b-4c57-b0a4-d7e1c5f9b368`,
    name: 'Customer Service',
    // The demo's business hours (the flow runtime's demoRuntimeOptions() defines them).
    hoursOfOperationId: 'b3f9a1d7-4e2c-4c86-a5d0-9e7b3f1a6c24',
  },
  {
    // Staffed by the demo's simulated agent (DEMO_AGENTS in agents.ts); the Concierge flow queues here.
    id: DEMO_CONCIERGE_QUEUE_ID,
    arn: `arn:aws:connect:us-east-1:${SANDBOX_ACCOUNT}:instance/${DEMO_INSTANCE_ID}/queue/${DEMO_CONCIERGE_QUEUE_ID}`,
    name: 'Concierge Desk',
    hoursOfOperationId: 'b3f9a1d7-4e2c-4c86-a5d0-9e7b3f1a6c24',
  },
];

export interface FlowRecord {
  id: string;
  arn: string;
  name: string;
  description?: string;
  type: ContactFlowType;
  state: 'ACTIVE' | 'ARCHIVED';
  status: 'PUBLISHED' | 'SAVED';
  /** The Flow-language document, serialised as DescribeContactFlow returns it. */
  content: string;
  document: FlowDocument;
  sha256: string;
  version: number;
  lastModified: Date;
  /** Where it came from: a file path, or `demo:<name>`. */
  source: string;
}

export interface InstanceRecord {
  id: string;
  arn: string;
  alias: string;
  createdTime: Date;
  serviceRole: string;
  accessUrl: string;
  flows: FlowRecord[];
}

const ALIAS_PATTERN = /^(?!d-)([\da-zA-Z]+)([-]*[\da-zA-Z])*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID-shaped id that is the same every run for the same seed. */
export function stableUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function instanceArn(region: string, id: string): string {
  return `arn:aws:connect:${region}:${SANDBOX_ACCOUNT}:instance/${id}`;
}

function makeInstance(region: string, id: string, alias: string, created: Date): InstanceRecord {
  return {
    id,
    arn: instanceArn(region, id),
    alias,
    createdTime: created,
    serviceRole: `arn:aws:iam::${SANDBOX_ACCOUNT}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_${id.slice(0, 8)}`,
    accessUrl: `https://${alias}.my.connect.aws`,
    flows: [],
  };
}

function makeFlow(
  instance: InstanceRecord,
  id: string,
  document: FlowDocument,
  fallbackName: string,
  source: string,
  lastModified: Date,
): FlowRecord {
  const meta = document.Metadata ?? {};
  const typeName = meta.type;
  let type: ContactFlowType = 'CONTACT_FLOW';
  if (typeName !== undefined) {
    const mapped = typeof typeName === 'string' ? (METADATA_TYPES[typeName] ?? (CONTACT_FLOW_TYPES as readonly string[]).find((t) => t === typeName)) : undefined;
    if (!mapped) {
      throw new FlowFileError(source, [
        `Metadata.type ${JSON.stringify(typeName)} is not a flow type; use one of ${Object.keys(METADATA_TYPES).join(', ')}`,
      ]);
    }
    type = mapped;
  }
  const status = meta.status === undefined ? 'published' : meta.status;
  if (status !== 'published' && status !== 'saved') {
    throw new FlowFileError(source, [`Metadata.status ${JSON.stringify(status)} must be "published" or "saved"`]);
  }
  const content = JSON.stringify(document);
  return {
    id,
    arn: `${instance.arn}/contact-flow/${id}`,
    name: typeof meta.name === 'string' && meta.name.length > 0 ? meta.name : fallbackName,
    ...(typeof meta.description === 'string' ? { description: meta.description } : {}),
    type,
    state: 'ACTIVE',
    status: status === 'published' ? 'PUBLISHED' : 'SAVED',
    content,
    document,
    sha256: createHash('sha256').update(content).digest('hex'),
    version: 1,
    lastModified,
    source,
  };
}

/** The built-in demo instance, "chatreq-demo", with its realistic chat flows. */
export function demoInstance(region: string): InstanceRecord {
  const created = new Date(Date.UTC(2025, 2, 3, 16, 20, 0));
  const instance = makeInstance(region, DEMO_INSTANCE_ID, DEMO_INSTANCE_ALIAS, created);
  const entries: Array<[string, unknown, string]> = [
    [DEMO_FLOWS.supportBot, supportBot, 'supportBot'],
    [DEMO_FLOWS.orderStatus, orderStatus, 'orderStatus'],
    [DEMO_FLOWS.afterHours, afterHours, 'afterHours'],
    [DEMO_FLOWS.queueWait, queueWait, 'queueWait'],
    [DEMO_FLOWS.feedbackDraft, feedbackDraft, 'feedbackDraft'],
    [DEMO_FLOWS.helpMenu, helpMenu, 'helpMenu'],
    [DEMO_FLOWS.concierge, concierge, 'concierge'],
  ];
  for (const [id, json, name] of entries) {
    // A structured clone, so a flow runtime that mutates its document cannot change the demo.
    const doc = checkFlowDocument(structuredClone(json), `demo/${name}.flow.json`);
    instance.flows.push(makeFlow(instance, id, doc, name, `demo:${name}`, new Date(Date.UTC(2025, 5, 12, 10, 0, 0))));
  }
  return instance;
}

const FLOW_SUFFIX = '.flow.json';

/** Loads the instances a flows folder describes (see the module comment). Throws on any bad file. */
export function loadFlowsFolder(dir: string, region: string, onSkip: (problem: FlowFileError) => void = (p) => process.emitWarning(p.message)): InstanceRecord[] {
  const names = readFlowsFolder(dir);
  const groups = new Map<string, string[]>();
  const rootFiles = names.filter((n) => n.endsWith(FLOW_SUFFIX)).map((n) => join(dir, n));
  if (rootFiles.length) groups.set('local', rootFiles);
  for (const n of names) {
    const p = join(dir, n);
    if (n.startsWith('.') || !statSync(p).isDirectory()) continue;
    const files = readdirSync(p)
      .filter((f) => f.endsWith(FLOW_SUFFIX))
      .sort()
      .map((f) => join(p, f));
    if (!files.length) continue;
    if (!ALIAS_PATTERN.test(n) || n.length > 45) {
      throw new Error(
        `flows folder ${p}: the subfolder name is used as the instance alias and must be 1-45 letters, digits and dashes, not starting with "d-"`,
      );
    }
    if (groups.has(n)) throw new Error(`flows folder ${dir}: subfolder "${n}" clashes with the instance for the folder's own files ("local")`);
    groups.set(n, files);
  }
  if (groups.size === 0) {
    throw new Error(`no *${FLOW_SUFFIX} files in ${dir} or its subfolders (export flows from Connect as JSON and name them <name>${FLOW_SUFFIX})`);
  }
  const instances: InstanceRecord[] = [];
  const problems: FlowFileError[] = [];
  for (const [alias, files] of groups) {
    const id = stableUuid(`chatreq-sandbox-instance:${alias}`);
    const instance = makeInstance(region, id, alias, new Date(Math.min(...files.map((f) => statSync(f).birthtimeMs || statSync(f).mtimeMs))));
    const seen = new Map<string, string>();
    for (const file of files) {
      try {
        const stem = basename(file).slice(0, -FLOW_SUFFIX.length);
        const flowId = UUID.test(stem) ? stem.toLowerCase() : stableUuid(`chatreq-sandbox-flow:${alias}/${stem}`);
        const doc = parseFlowText(readFileSync(file, 'utf8'), file);
        const flow = makeFlow(instance, flowId, doc, stem, file, statSync(file).mtime);
        const clash = seen.get(flow.name);
        if (clash) throw new FlowFileError(file, [`flow name "${flow.name}" is already used by ${clash} in instance "${alias}"; names must be unique`]);
        seen.set(flow.name, file);
        instance.flows.push(flow);
      } catch (e) {
        if (e instanceof FlowFileError) problems.push(e);
        else throw e;
      }
    }
    instances.push(instance);
  }
  // One bad file must not keep the sandbox (and every other flow) from starting.
  for (const p of problems) onSkip(p);
  return instances;
}

/**
 * The sorted entry names of a flows folder, or an error that says what is wrong with the folder in
 * words (its `code` kept, e.g. ENOENT) instead of a raw `ENOENT: no such file or directory, scandir`.
 */
export function readFlowsFolder(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'ENOTDIR'
          ? 'is a file, not a folder'
          : code === 'EACCES' || code === 'EPERM'
            ? 'cannot be read (permission denied)'
            : `cannot be read (${code ?? (e instanceof Error ? e.message : String(e))})`;
    throw Object.assign(new Error(`the flows folder ${dir} ${why}`), code ? { code } : {});
  }
}
