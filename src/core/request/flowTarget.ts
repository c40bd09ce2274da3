import { findNodeAtLocation } from 'jsonc-parser';
import { idFromArn } from './arn';
import { Reporter } from './report';
import { parseLoose } from './tree';
import type { Diagnostic } from './types';

/** What the account lists about a flow (ListContactFlows summary fields). */
export interface FlowFacts {
  id: string;
  name?: string;
  type?: string;
  state?: string;
  status?: string;
}

/**
 * Why StartChatContact would refuse to start this flow, in a few words, or undefined when it can:
 * it starts only inbound flows (type CONTACT_FLOW) that are published and not archived.
 */
export function flowStartProblem(f: Omit<FlowFacts, 'id'>): string | undefined {
  if (f.type !== undefined && f.type !== 'CONTACT_FLOW') return `a ${f.type} flow; StartChatContact starts only inbound (CONTACT_FLOW) flows`;
  if (f.state === 'ARCHIVED') return 'archived; StartChatContact cannot start an archived flow';
  if (f.status !== undefined && f.status !== 'PUBLISHED') return 'not published (only saved); StartChatContact starts only a published flow';
  return undefined;
}

/**
 * A warning on the request's ContactFlowId when the account data (already cached) says
 * StartChatContact cannot start that flow. Nothing when the flow is not in `flows` (not cached,
 * or another instance): the check never guesses.
 */
export function flowTargetDiagnostics(text: string, flows: readonly FlowFacts[] | undefined): Diagnostic[] {
  if (!flows || flows.length === 0) return [];
  const root = parseLoose(text);
  const node = root && findNodeAtLocation(root, ['ContactFlowId']);
  if (node?.type !== 'string' || typeof node.value !== 'string') return [];
  const value = node.value.trim();
  const id = idFromArn(value, 'flow') ?? value;
  const flow = flows.find((f) => f.id === id);
  const problem = flow && flowStartProblem(flow);
  if (!flow || !problem) return [];
  const r = new Reporter(text);
  const name = flow.name ? `"${flow.name}"` : id;
  r.node('chatreq/flow-not-startable', 'warning', node, `Flow ${name} is ${problem}. Pick a published chat flow (Chatreq: Select Flow lists them first).`, {
    path: ['ContactFlowId'],
  });
  return r.diagnostics;
}
