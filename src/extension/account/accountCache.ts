import type { ContactFlowSummary, InstanceSummary } from '@aws-sdk/client-connect';
import * as vscode from 'vscode';
import type { AccountChange, ConnectAccess, FlowListing, PagedList } from '../../core/connection';
import { connectionKey } from '../../core/connection';
import type { Logger } from '../../core/log';
import { extractAttributeUsage, type AttributeUsage } from '../../core/request/flowUsage';
import type { ConnectionService } from '../connections/connectionService';
import { Disposable } from '../disposable';
import { decide } from '../trust';

/**
 * The account data (instances, flows, flow content) of the current connection, for the
 * explorer, completion, hover, the pickers, the form and launch. It holds no data of its own: the
 * one cache is the connection's ConnectAccess (core), whose list entries carry page events. This
 * adapter reads that cache synchronously (`peek*`: never waits; a miss starts a background load
 * and {@link onDidChange} fires when a page or the result lands), awaits it (`load*`: throws the
 * AWS error), and turns its changes into a VS Code event. Switching connection fires
 * onDidChange with `undefined` (everything may differ).
 */
export class AccountCache extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<AccountChange | undefined>());
  /** A page, a list, a flow description arrived or was dropped; `undefined`: the connection changed. */
  readonly onDidChange = this.changed.event;
  /** The current connection's access once its session is open (what the peeks read). */
  private attached: ConnectAccess | undefined;
  private detach: (() => void) | undefined;
  private generation = 0;

  constructor(
    private readonly connections: ConnectionService,
    private readonly logger: Logger,
  ) {
    super();
    this.register(connections.onDidChange(() => this.reset()));
    this.register({ dispose: () => this.detach?.() });
  }

  /** Which connection the cached data belongs to. */
  get connectionKey(): string {
    return connectionKey(this.connections.current);
  }

  /**
   * The current connection's access (and so its cache), opening the session on first use. Once
   * it resolves, the `peek*` and `*List` reads are synchronous.
   */
  async access(): Promise<ConnectAccess> {
    // Every account read (pickers, Instances view, completion, hover, the form) passes here.
    const trust = decide('readAccount');
    if (!trust.allowed) throw new Error(trust.reason);
    const generation = this.generation;
    const access = await this.connections.access();
    if (generation === this.generation && this.attached !== access) {
      this.detach?.();
      this.attached = access;
      this.detach = access.onDidChange((c) => this.changed.fire(c));
    }
    return access;
  }

  /** The instance list entry (pages so far, state, page events), or undefined until the session is open. */
  instanceList(): PagedList<InstanceSummary> | undefined {
    if (!this.attached) this.background(this.access());
    return this.attached?.instanceList();
  }

  /** An instance's flow list entry (pages so far, state, page events), or undefined until the session is open. */
  flowList(instanceId: string): PagedList<ContactFlowSummary, FlowListing> | undefined {
    if (!this.attached) this.background(this.access());
    return this.attached?.flowList(instanceId);
  }

  peekInstances(): InstanceSummary[] | undefined {
    const list = this.instanceList();
    if (!list) this.background(this.loadInstances());
    return list?.value;
  }

  peekFlows(instanceId: string): FlowListing | undefined {
    const list = this.flowList(instanceId);
    if (!list) this.background(this.loadFlows(instanceId));
    return list?.value;
  }

  /** Every flow of the instance (chat flows first) from the cache. */
  peekAllFlows(instanceId: string): ContactFlowSummary[] | undefined {
    const l = this.peekFlows(instanceId);
    return l ? [...l.chat, ...l.other] : undefined;
  }

  /** The instance list if it is cached already; never starts a load. */
  cachedInstances(): InstanceSummary[] | undefined {
    return this.attached?.peekInstances();
  }

  /** Every flow of the instance if it is cached already; never starts a load. */
  cachedFlows(instanceId: string): ContactFlowSummary[] | undefined {
    const l = this.attached?.peekFlows(instanceId);
    return l ? [...l.chat, ...l.other] : undefined;
  }

  /** The flow's Flow-language JSON, as DescribeContactFlow returned it. */
  peekFlowContent(instanceId: string, flowId: string): string | undefined {
    const flow = this.attached?.peekFlow(instanceId, flowId);
    if (!flow) this.background(this.loadFlowContent(instanceId, flowId));
    return flow ? (flow.Content ?? '') : undefined;
  }

  /**
   * The attributes a flow reads and the flows it transfers to, from its cached content: parsed
   * once per fetched version of the flow, however often completion and hover ask.
   */
  peekFlowUsage(instanceId: string, flowId: string): AttributeUsage | undefined {
    const usage = this.attached?.derived(instanceId, flowId, 'attributeUsage', (f) => extractAttributeUsage(f.Content ?? '', f.Name));
    if (!usage) this.background(this.loadFlowContent(instanceId, flowId));
    return usage;
  }

  async loadInstances(options: { refresh?: boolean } = {}): Promise<InstanceSummary[]> {
    return (await this.access()).listInstances({ refresh: options.refresh === true });
  }

  async loadFlows(instanceId: string, options: { refresh?: boolean; onPage?: (items: readonly ContactFlowSummary[], page: number) => void } = {}): Promise<FlowListing> {
    return (await this.access()).listFlows(instanceId, { refresh: options.refresh === true, ...(options.onPage ? { onPage: options.onPage } : {}) });
  }

  async loadFlowContent(instanceId: string, flowId: string, options: { refresh?: boolean } = {}): Promise<string> {
    const flow = await (await this.access()).describeFlow(instanceId, flowId, { refresh: options.refresh === true });
    return flow.Content ?? '';
  }

  /** Forgets everything and fetches afresh on next use (the explorer's Refresh). */
  async refresh(): Promise<void> {
    await this.connections.manager.refresh();
    this.changed.fire(undefined);
  }

  private reset(): void {
    this.generation++;
    this.detach?.();
    this.detach = undefined;
    this.attached = undefined;
    this.changed.fire(undefined);
  }

  private background(p: Promise<unknown>): void {
    p.catch((e: unknown) => this.logger.debug(`[account] background load failed: ${(e as Error).message ?? String(e)}`));
  }
}
