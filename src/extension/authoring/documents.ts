import type { ContactFlowSummary, InstanceSummary } from '@aws-sdk/client-connect';
import type * as vscode from 'vscode';
import { buildLiveContext, flowFacts, isRequestFileName, requestTargets, type CompletionContext, type FlowFacts } from '../../core/request';
import type { AccountCache } from '../account/accountCache';
import { Disposable } from '../disposable';

/** Every provider works on request files, whatever language they were opened in. */
export const REQUEST_SELECTOR: vscode.DocumentSelector = { pattern: '**/*.chatreq.json' };

/** Conversation tests: their inline requests get the request files' live completion and hover. */
export const CHATTEST_SELECTOR: vscode.DocumentSelector = { pattern: '**/*.chattest.json' };

/** Where a document's request is, for the offset asked about: a span of its text, or none there. */
export type RequestRegion = (text: string, offset: number) => { offset: number; length: number } | undefined;

/** A request file: the request is the whole document. */
export const wholeDocument: RequestRegion = (text) => ({ offset: 0, length: text.length });

export function isRequestDocument(doc: vscode.TextDocument): boolean {
  return isRequestFileName(doc.uri.path);
}

/** After a lookup missed, how long before it may start another load (when nothing landed meanwhile). */
export const MISS_RETRY_MS = 10_000;

/**
 * Instances, flows and flow attribute usage for a request from the account cache, for completion
 * and hover. Never waits: a miss starts a background load (peek*) and a later request sees the
 * data. A key that missed is not asked again until the cache changes or {@link MISS_RETRY_MS}
 * passes, so a failing connection (expired SSO, no network) costs one call per key, not one per
 * keystroke. Only instances and flows the account listed are looked up.
 */
export class LiveData extends Disposable {
  private readonly misses = new Map<string, number>();

  constructor(private readonly account: AccountCache) {
    super();
    this.register(account.onDidChange(() => this.misses.clear()));
  }

  /**
   * The request at `position` (per `region`) as a text of its own, with its live context: that text,
   * the position's offset in it, where it starts in the document, the context and whether it is complete.
   */
  at(doc: vscode.TextDocument, position: vscode.Position, region: RequestRegion): ({ text: string; offset: number; start: number } & ReturnType<LiveData['contextFor']>) | undefined {
    const full = doc.getText();
    const at = doc.offsetAt(position);
    const r = region(full, at);
    if (!r) return undefined;
    const text = full.slice(r.offset, r.offset + r.length);
    return { text, offset: at - r.offset, start: r.offset, ...this.contextFor(text) };
  }

  /** The context, and whether every lookup hit the cache (otherwise the data is on its way). */
  contextFor(text: string): { context: CompletionContext; complete: boolean } {
    let complete = true;
    const account = this.account;
    const peek = <T>(key: string, read: () => T | undefined): T | undefined => {
      const missed = this.misses.get(key);
      if (missed !== undefined && Date.now() - missed < MISS_RETRY_MS) {
        complete = false;
        return undefined;
      }
      const v = read();
      if (v === undefined) {
        this.misses.set(key, Date.now());
        complete = false;
      } else this.misses.delete(key);
      return v;
    };
    const instances = (): InstanceSummary[] | undefined => peek('instances', () => account.peekInstances());
    const flows = (instanceId: string): ContactFlowSummary[] | undefined =>
      instances()?.some((i) => i.Id === instanceId) ? peek(`flows/${instanceId}`, () => account.peekAllFlows(instanceId)) : undefined;
    const context = buildLiveContext(text, {
      instances,
      flows,
      flowUsage: (instanceId, flowId) =>
        flows(instanceId)?.some((f) => f.Id === flowId) ? peek(`content/${instanceId}/${flowId}`, () => account.peekFlowUsage(instanceId, flowId)) : undefined,
    });
    return { context, complete };
  }
}

/**
 * The flows of the request's instance as the account cache already holds them (no load is
 * started: opening a request file calls nothing), for the checks on ContactFlowId.
 */
export function cachedFlowFacts(account: Pick<AccountCache, 'cachedFlows'>, text: string): FlowFacts[] | undefined {
  const { instanceId } = requestTargets(text);
  const flows = instanceId ? account.cachedFlows(instanceId) : undefined;
  return flows ? flowFacts(flows) : undefined;
}
