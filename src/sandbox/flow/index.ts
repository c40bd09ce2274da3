/**
 * The sandbox flow runtime: runs a chat contact's Amazon Connect flow (Flow language 2019-10-30)
 * offline, answering through the ContactControl the service layer hands it.
 */
import type { ContactControl, ContactRuntime, ContactView } from '../contactRuntime';
import { FlowContact } from './interpreter';
import type { FlowRuntimeOptions } from './options';
import { seededRandom } from './random';
import type { FlowTrace } from './types';
import { Workspace } from './workspace';

export { flowFinder, type FlowRuntimeOptions, type QueueInfo } from './options';
export type { FlowSource, FlowTrace, TraceStep, TraceStatus } from './types';
export { parseHoursFile, type HoursOfOperation } from './hours';
export { parseFlow, FlowValidationError } from './validate';
export { parseLexBotFile, type LexBotDef } from './lexBot';
export { parseLambdaMockFile, type LambdaMocks } from './lambdaMock';
export { WorkspaceFileError } from './workspaceFile';
export { noticeContentType } from './interpreter';
export { demoRuntimeOptions } from './demoWorkspace';
export { discoverWorkspaceFiles } from './discover';

export interface FlowRuntime extends ContactRuntime {
  /** The path a contact took through its flows and its attributes; undefined for unknown contacts. */
  getTrace(contactId: string): FlowTrace | undefined;
}

/** Creates the runtime. Throws (with the option named) when an option is malformed. */
export function createFlowRuntime(options: FlowRuntimeOptions): FlowRuntime {
  if (typeof options.findFlow !== 'function') throw new Error('createFlowRuntime: options.findFlow must be a function (instanceId, ref) => FlowSource | undefined.');
  const budget = options.stepBudget ?? 1000;
  if (!Number.isInteger(budget) || budget < 1) throw new Error(`createFlowRuntime: options.stepBudget must be a positive whole number, got ${String(options.stepBudget)}.`);
  if (options.seed !== undefined && !Number.isFinite(options.seed)) throw new Error('createFlowRuntime: options.seed must be a number.');
  const workspace = new Workspace(options);
  const random = seededRandom(options.seed ?? Date.now());
  const active = new Map<string, FlowContact>();
  const ended = new Map<string, FlowTrace>();
  const keep = options.keepEndedTraces ?? 1000;

  const retire = (contactId: string, contact: FlowContact): void => {
    if (active.get(contactId) === contact) active.delete(contactId);
    ended.delete(contactId);
    ended.set(contactId, contact.trace);
    while (ended.size > keep) ended.delete(ended.keys().next().value as string);
  };

  return {
    start(view: ContactView, control: ContactControl): void {
      const contact = new FlowContact(view, control, options, workspace, random, () => retire(view.contactId, contact));
      active.set(view.contactId, contact);
      contact.start();
    },
    customerMessage(contactId, message): void {
      active.get(contactId)?.customerMessage(message);
    },
    contactEnded(contactId): void {
      active.get(contactId)?.contactEnded();
    },
    agentJoined(contactId): void {
      active.get(contactId)?.contactEnded('an agent joined; the flow stops routing the contact');
    },
    getTrace(contactId): FlowTrace | undefined {
      const trace = active.get(contactId)?.trace ?? ended.get(contactId);
      return trace ? structuredClone(trace) : undefined;
    },
  };
}
