import type * as vscode from 'vscode';
import { buildLiveContext, isRequestFileName, type CompletionContext } from '../../core/request';
import type { AccountCache } from '../account/accountCache';

/** Every provider works on request files, whatever language they were opened in. */
export const REQUEST_SELECTOR: vscode.DocumentSelector = { pattern: '**/*.chatreq.json' };

export function isRequestDocument(doc: vscode.TextDocument): boolean {
  return isRequestFileName(doc.uri.path);
}

/**
 * Instances, flows and flow attribute usage for this request from the account cache. Never
 * waits: a miss starts a background load (peek*) and the next request sees the data.
 * `complete` says whether every lookup hit the cache. Only instances and flows the account
 * listed are looked up, so a typo'd or foreign ID never costs a call per keystroke.
 */
export function liveContextFor(account: AccountCache, text: string): { context: CompletionContext; complete: boolean } {
  let complete = true;
  const hit = <T>(v: T | undefined): T | undefined => {
    if (v === undefined) complete = false;
    return v;
  };
  const context = buildLiveContext(text, {
    instances: () => hit(account.peekInstances()),
    flows: (instanceId) => {
      const instances = account.peekInstances();
      if (!instances) return hit(undefined);
      return instances.some((i) => i.Id === instanceId) ? hit(account.peekAllFlows(instanceId)) : undefined;
    },
    flowContent: (instanceId, flowId) => {
      const flows = account.peekInstances()?.some((i) => i.Id === instanceId) ? account.peekAllFlows(instanceId) : undefined;
      if (!flows) return hit(undefined);
      return flows.some((f) => f.Id === flowId) ? hit(account.peekFlowContent(instanceId, flowId)) : undefined;
    },
  });
  return { context, complete };
}
