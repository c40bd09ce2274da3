import { idFromArn } from './arn';
import type { CompletionContext } from './completion';
import { mergeAttributeUsage, type AttributeUsage } from './flowUsage';
import { parseLoose } from './tree';
import type { FlowFacts } from './flowTarget';

/** Account data already cached for the current connection (undefined: not loaded yet). */
export interface LiveSource {
  instances(): Array<{ Id?: string; InstanceAlias?: string; Arn?: string }> | undefined;
  flows(instanceId: string): Array<{ Id?: string; Name?: string; ContactFlowType?: string; ContactFlowState?: string; ContactFlowStatus?: string }> | undefined;
  /**
   * What the flow's content reads and where it transfers, from the cache that parsed it (once
   * per fetched version of the flow, not once per keystroke).
   */
  flowUsage(instanceId: string, flowId: string): AttributeUsage | undefined;
}

/** Flows followed through transfers when collecting attribute usage (a guard against huge graphs). */
export const MAX_FLOWS_FOLLOWED = 25;

export interface RequestTargets {
  /** The request's InstanceId, or the instance ID inside a pasted ARN. */
  instanceId?: string;
  /** The request's ContactFlowId, or the flow ID inside a pasted ARN. */
  contactFlowId?: string;
}

/** InstanceId and ContactFlowId of a (possibly half-typed) request text. */
export function requestTargets(text: string): RequestTargets {
  const root = parseLoose(text);
  if (root?.type !== 'object') return {};
  const values: { InstanceId?: string; ContactFlowId?: string } = {};
  for (const p of root.children ?? []) {
    const [k, v] = p.children ?? [];
    if (v?.type !== 'string' || typeof v.value !== 'string') continue;
    const value = v.value.trim();
    if (value === '' || value.includes('${')) continue;
    if (k?.value === 'InstanceId') values.InstanceId = value;
    if (k?.value === 'ContactFlowId') values.ContactFlowId = value;
  }
  return targetIdsOf(values.InstanceId, values.ContactFlowId);
}

/**
 * The IDs an InstanceId and a ContactFlowId value stand for: an ID as it is, or the ID inside a
 * pasted ARN; a flow ARN also names its instance, used when there is no InstanceId.
 */
export function targetIdsOf(instance: string | undefined, flow: string | undefined): RequestTargets {
  const out: RequestTargets = {};
  if (instance) out.instanceId = idFromArn(instance, 'instance') ?? instance;
  if (flow) {
    out.contactFlowId = idFromArn(flow, 'flow') ?? flow;
    out.instanceId ??= idFromArn(flow, 'instance');
  }
  return out;
}

/**
 * The completion/hover context for a request from what is cached: every instance, the flows of
 * the request's instance, and the attributes its flow reads merged over the flows it transfers
 * to (transitively, at most {@link MAX_FLOWS_FOLLOWED} flows). Never waits: whatever is not cached
 * is simply left out (the source may start loading it).
 */
export function buildLiveContext(text: string, source: LiveSource): CompletionContext {
  const context: CompletionContext = {};
  const instances = source.instances();
  if (instances) {
    context.instances = instances
      .filter((i) => typeof i.Id === 'string')
      .map((i) => ({ id: i.Id!, ...(i.InstanceAlias ? { alias: i.InstanceAlias } : {}), ...(i.Arn ? { arn: i.Arn } : {}) }));
  }
  const { instanceId, contactFlowId } = requestTargets(text);
  if (!instanceId) return context;
  const flows = source.flows(instanceId);
  if (flows) {
    context.flows = flowFacts(flows);
  }
  if (contactFlowId) {
    const usage = flowUsage(source, instanceId, contactFlowId);
    if (usage) context.attributeUsage = usage;
  }
  return context;
}

function flowUsage(source: LiveSource, instanceId: string, flowId: string): AttributeUsage | undefined {
  const seen = new Set<string>([flowId]);
  const queue = [flowId];
  const usages: AttributeUsage[] = [];
  while (queue.length > 0) {
    const id = queue.shift()!;
    const u = source.flowUsage(instanceId, id);
    if (u === undefined) continue;
    usages.push(u);
    for (const t of u.transfers) {
      if (seen.has(t) || seen.size >= MAX_FLOWS_FOLLOWED) continue;
      seen.add(t);
      queue.push(t);
    }
  }
  return usages.length > 0 ? mergeAttributeUsage(...usages) : undefined;
}

/** The facts the rules use about flows, from ListContactFlows summaries (those with an Id). */
export function flowFacts(flows: ReadonlyArray<{ Id?: string; Name?: string; ContactFlowType?: string; ContactFlowState?: string; ContactFlowStatus?: string }>): FlowFacts[] {
  return flows
    .filter((f) => typeof f.Id === 'string')
    .map((f) => ({
      id: f.Id!,
      ...(f.Name ? { name: f.Name } : {}),
      ...(f.ContactFlowType ? { type: f.ContactFlowType } : {}),
      ...(f.ContactFlowState ? { state: f.ContactFlowState } : {}),
      ...(f.ContactFlowStatus ? { status: f.ContactFlowStatus } : {}),
    }));
}
