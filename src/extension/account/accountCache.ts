import type { ContactFlowSummary, InstanceSummary } from '@aws-sdk/client-connect';
import * as vscode from 'vscode';
import { connectionKey, type FlowListing } from '../../core/connection';
import type { Logger } from '../../core/log';
import type { ConnectionService } from '../connections/connectionService';
import { Disposable } from '../disposable';

/**
 * Account data (instances, flows, flow content) for the current connection, readable
 * synchronously from what is cached. Completion, hover, the explorer, the pickers and the form
 * read it with `peek*` (never waiting on the network: a miss starts a background load and fires
 * {@link onDidChange} when it lands) or `load*` (awaits, throws the AWS error).
 * Switching connection drops everything and fires onDidChange.
 */
export class AccountCache extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private generation = 0;
  private instances: InstanceSummary[] | undefined;
  private readonly flows = new Map<string, FlowListing>();
  private readonly contents = new Map<string, string>();
  private readonly inflight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly connections: ConnectionService,
    private readonly logger: Logger,
  ) {
    super();
    this.register(connections.onDidChange(() => this.clear()));
  }

  /** Which connection the cached data belongs to. */
  get connectionKey(): string {
    return connectionKey(this.connections.current);
  }

  peekInstances(): InstanceSummary[] | undefined {
    if (this.instances === undefined) this.background(this.loadInstances());
    return this.instances;
  }

  peekFlows(instanceId: string): FlowListing | undefined {
    const hit = this.flows.get(instanceId);
    if (hit === undefined) this.background(this.loadFlows(instanceId));
    return hit;
  }

  /** Every flow of the instance (chat flows first) from the cache. */
  peekAllFlows(instanceId: string): ContactFlowSummary[] | undefined {
    const l = this.peekFlows(instanceId);
    return l ? [...l.chat, ...l.other] : undefined;
  }

  /** Every flow of the instance if it is cached already; never starts a load. */
  cachedFlows(instanceId: string): ContactFlowSummary[] | undefined {
    const l = this.flows.get(instanceId);
    return l ? [...l.chat, ...l.other] : undefined;
  }

  /** The flow's Flow-language JSON, as DescribeContactFlow returned it. */
  peekFlowContent(instanceId: string, flowId: string): string | undefined {
    const hit = this.contents.get(`${instanceId}/${flowId}`);
    if (hit === undefined) this.background(this.loadFlowContent(instanceId, flowId));
    return hit;
  }

  loadInstances(options: { refresh?: boolean } = {}): Promise<InstanceSummary[]> {
    return this.once('instances', options.refresh, async () => {
      const access = await this.connections.access();
      return access.listInstances({ refresh: options.refresh === true });
    }, (v) => (this.instances = v));
  }

  loadFlows(instanceId: string, options: { refresh?: boolean; onPage?: (items: ContactFlowSummary[], page: number) => void } = {}): Promise<FlowListing> {
    return this.once(`flows/${instanceId}`, options.refresh, async () => {
      const access = await this.connections.access();
      return access.listFlows(instanceId, { refresh: options.refresh === true, ...(options.onPage ? { onPage: options.onPage } : {}) });
    }, (v) => this.flows.set(instanceId, v));
  }

  loadFlowContent(instanceId: string, flowId: string, options: { refresh?: boolean } = {}): Promise<string> {
    return this.once(`content/${instanceId}/${flowId}`, options.refresh, async () => {
      const access = await this.connections.access();
      const flow = await access.describeFlow(instanceId, flowId, { refresh: options.refresh === true });
      return flow.Content ?? '';
    }, (v) => this.contents.set(`${instanceId}/${flowId}`, v));
  }

  /** Forgets everything and fetches afresh on next use (the explorer's Refresh). */
  async refresh(): Promise<void> {
    await this.connections.manager.refresh();
    this.clear();
  }

  private clear(): void {
    this.generation++;
    this.instances = undefined;
    this.flows.clear();
    this.contents.clear();
    this.inflight.clear();
    this.changed.fire();
  }

  private once<T>(key: string, refresh: boolean | undefined, load: () => Promise<T>, store: (v: T) => void): Promise<T> {
    const pending = this.inflight.get(key) as Promise<T> | undefined;
    if (pending && !refresh) return pending;
    const generation = this.generation;
    const p = load().then(
      (v) => {
        if (generation === this.generation) {
          store(v);
          this.changed.fire();
        }
        return v;
      },
      (e: unknown) => {
        if (this.inflight.get(key) === p) this.inflight.delete(key);
        throw e;
      },
    );
    this.inflight.set(key, p);
    return p;
  }

  private background(p: Promise<unknown>): void {
    p.catch((e: unknown) => this.logger.debug(`[account] background load failed: ${(e as Error).message ?? String(e)}`));
  }
}
