/**
 * Amazon Connect as the explorer, completion, hover, the pickers and the form need it, and the
 * one cache of the account data they share (one ConnectAccess per AwsSession, so per connection):
 * lists fetched page by page through the SDK's paginators into {@link PagedList} entries whose
 * pages every consumer can observe, flow descriptions, and values derived from a flow's content
 * computed once per fetched version. Every call is logged with operation, region, duration,
 * request ID and outcome. Payloads are never logged: StartChatContact answers carry the
 * participant token.
 */
import type {
  ContactFlow,
  ContactFlowSummary,
  Instance,
  InstanceSummary,
  StartChatContactCommandInput,
  StartChatContactCommandOutput,
} from '@aws-sdk/client-connect';
import { silentLogger, type Logger } from '../log';
import { loadAws, type AwsModule } from './lazy';
import { PagedList } from './pagedList';
import type { AwsSession } from './session';

export interface FlowListing {
  /** CONTACT_FLOW (inbound) flows, the ones StartChatContact can start, by name. */
  chat: ContactFlowSummary[];
  /** Every other type (queue, whisper, hold, transfer…), by type then name. */
  other: ContactFlowSummary[];
}

export interface ListOptions<T> {
  /** Skip the cache and fetch again (the result replaces the cached one). */
  refresh?: boolean;
  /**
   * Called with each page as it arrives, so a view can show the first page early; when the list
   * is already cached or loading, first with the pages that arrived before.
   */
  onPage?: (items: readonly T[], pageIndex: number) => void;
  /** Items per request (ListContactFlows allows 1–1000, ListInstances 1–10). */
  pageSize?: number;
}

interface Metadata {
  requestId?: string;
  attempts?: number;
  httpStatusCode?: number;
}

// One collator: localeCompare with options builds a new one per comparison, which dominates
// sorting a thousand flows.
const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

function byName(a: { Name?: string }, b: { Name?: string }): number {
  return collator.compare(a.Name ?? '', b.Name ?? '');
}

export function sortFlows(flows: readonly ContactFlowSummary[]): FlowListing {
  const chat = flows.filter((f) => f.ContactFlowType === 'CONTACT_FLOW').sort(byName);
  const other = flows
    .filter((f) => f.ContactFlowType !== 'CONTACT_FLOW')
    .sort((a, b) => (a.ContactFlowType ?? '').localeCompare(b.ContactFlowType ?? '') || byName(a, b));
  return { chat, other };
}

function summaryOf(f: ContactFlow): ContactFlowSummary {
  return {
    Id: f.Id,
    Arn: f.Arn,
    Name: f.Name,
    ContactFlowType: f.Type,
    ContactFlowState: f.State,
    ContactFlowStatus: f.Status,
  };
}

/** SearchContactFlows accepts 2–25 characters for a name condition. */
const SEARCH_MIN = 2;
const SEARCH_MAX = 25;

/** What changed in the cache: a list got a page, completed, failed or was dropped. */
export type AccountChange =
  | { kind: 'instances' }
  | { kind: 'flows'; instanceId: string }
  | { kind: 'flow'; instanceId: string; flowId: string }
  | { kind: 'invalidated'; instanceId?: string };

export class ConnectAccess {
  private instancesEntry: PagedList<InstanceSummary> | undefined;
  private readonly flowEntries = new Map<string, PagedList<ContactFlowSummary, FlowListing>>();
  private readonly described = new Map<string, Promise<unknown>>();
  /** Flow descriptions that have arrived, for synchronous reads. */
  private readonly flowValues = new Map<string, ContactFlow>();
  /** Values computed from a described flow, per fetched version (the ContactFlow object). */
  private readonly derivedValues = new WeakMap<ContactFlow, Map<string, unknown>>();
  private readonly listeners = new Set<(change: AccountChange) => void>();
  private readonly logger: Logger;

  constructor(
    readonly session: AwsSession,
    logger: Logger = silentLogger,
  ) {
    this.logger = logger;
  }

  /** Listens for changes of the cached data; returns the function that stops listening. */
  onDidChange(listener: (change: AccountChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forgets cached lists and descriptions: everything, or one instance's flows. */
  invalidate(scope: { instanceId?: string } = {}): void {
    if (scope.instanceId === undefined) {
      this.instancesEntry = undefined;
      this.flowEntries.clear();
      this.described.clear();
      this.flowValues.clear();
    } else {
      const prefix = `${scope.instanceId}|`;
      this.flowEntries.delete(scope.instanceId);
      for (const key of [...this.described.keys()]) if (key.startsWith(`flow|${prefix}`) || key === `instance|${scope.instanceId}`) this.described.delete(key);
      for (const key of [...this.flowValues.keys()]) if (key.startsWith(prefix)) this.flowValues.delete(key);
    }
    this.emit({ kind: 'invalidated', ...(scope.instanceId !== undefined ? { instanceId: scope.instanceId } : {}) });
  }

  /** The instance list entry, loading it when it is not cached (or on refresh). */
  instanceList(options: Pick<ListOptions<InstanceSummary>, 'refresh' | 'pageSize'> = {}): PagedList<InstanceSummary> {
    if (this.instancesEntry && !options.refresh) return this.instancesEntry;
    const entry: PagedList<InstanceSummary> = new PagedList(
      this.pages('ListInstances', '', (aws) => aws.connectApi.paginateListInstances({ client: this.session.clients.connect, pageSize: options.pageSize ?? 10 }, {}), (o) => o.InstanceSummaryList, (o) => o.NextToken),
      (items) => items,
    );
    this.track(entry, { kind: 'instances' }, () => this.instancesEntry === entry && (this.instancesEntry = undefined));
    this.instancesEntry = entry;
    return entry;
  }

  /** The flow list entry of an instance, loading it when it is not cached (or on refresh). */
  flowList(instanceId: string, options: Pick<ListOptions<ContactFlowSummary>, 'refresh' | 'pageSize'> = {}): PagedList<ContactFlowSummary, FlowListing> {
    const cached = this.flowEntries.get(instanceId);
    if (cached && !options.refresh) return cached;
    const entry: PagedList<ContactFlowSummary, FlowListing> = new PagedList(
      this.pages(
        'ListContactFlows',
        `instance=${instanceId}`,
        (aws) => aws.connectApi.paginateListContactFlows({ client: this.session.clients.connect, pageSize: options.pageSize ?? 1000 }, { InstanceId: instanceId }),
        (o) => o.ContactFlowSummaryList,
        (o) => o.NextToken,
      ),
      sortFlows,
    );
    this.track(entry, { kind: 'flows', instanceId }, () => this.flowEntries.get(instanceId) === entry && this.flowEntries.delete(instanceId));
    this.flowEntries.set(instanceId, entry);
    return entry;
  }

  listInstances(options: ListOptions<InstanceSummary> = {}): Promise<InstanceSummary[]> {
    const entry = this.instanceList(options);
    if (options.onPage) entry.observe(options.onPage);
    return entry.result;
  }

  /** Every flow of the instance (all pages), CONTACT_FLOW first. Shared with the cache: do not mutate. */
  listFlows(instanceId: string, options: ListOptions<ContactFlowSummary> = {}): Promise<FlowListing> {
    const entry = this.flowList(instanceId, options);
    if (options.onPage) entry.observe(options.onPage);
    return entry.result;
  }

  /** The cached instance list, when it is complete (never starts a load). */
  peekInstances(): InstanceSummary[] | undefined {
    return this.instancesEntry?.value;
  }

  /** The cached flows of an instance, when the list is complete (never starts a load). */
  peekFlows(instanceId: string): FlowListing | undefined {
    return this.flowEntries.get(instanceId)?.value;
  }

  /** A flow description that has arrived (never starts a load). */
  peekFlow(instanceId: string, flowId: string, options: { saved?: boolean } = {}): ContactFlow | undefined {
    return this.flowValues.get(`${instanceId}|${options.saved ? `${flowId}:$SAVED` : flowId}`);
  }

  /**
   * A value computed from a cached flow description (its parsed content, say), once per fetched
   * version of the flow: later calls return the same value until the flow is fetched again.
   * Undefined while the flow is not cached (this never starts a load).
   */
  derived<T>(instanceId: string, flowId: string, key: string, compute: (flow: ContactFlow) => T): T | undefined {
    const flow = this.peekFlow(instanceId, flowId);
    if (!flow) return undefined;
    let values = this.derivedValues.get(flow);
    if (!values) this.derivedValues.set(flow, (values = new Map<string, unknown>()));
    if (!values.has(key)) values.set(key, compute(flow));
    return values.get(key) as T;
  }

  describeInstance(instanceId: string, options: { refresh?: boolean } = {}): Promise<Instance> {
    return this.cached(`instance|${instanceId}`, options.refresh, async () => {
      const aws = await loadAws();
      const out = await this.call('DescribeInstance', `instance=${instanceId}`, () =>
        this.session.clients.connect.send(new aws.connectApi.DescribeInstanceCommand({ InstanceId: instanceId })),
      );
      if (!out.Instance) throw new Error(`DescribeInstance returned no instance for ${instanceId}.`);
      return out.Instance;
    });
  }

  /** A flow with its content (a JSON string); `saved` asks for the unpublished `$SAVED` version. */
  describeFlow(instanceId: string, flowId: string, options: { saved?: boolean; refresh?: boolean } = {}): Promise<ContactFlow> {
    const id = options.saved ? `${flowId}:$SAVED` : flowId;
    const key = `${instanceId}|${id}`;
    const pending = this.cached(`flow|${key}`, options.refresh, async () => {
      const aws = await loadAws();
      const out = await this.call('DescribeContactFlow', `instance=${instanceId} flow=${id}`, () =>
        this.session.clients.connect.send(
          new aws.connectApi.DescribeContactFlowCommand({ InstanceId: instanceId, ContactFlowId: id }),
        ),
      );
      if (!out.ContactFlow) throw new Error(`DescribeContactFlow returned no flow for ${id}.`);
      return out.ContactFlow;
    });
    return pending.then((flow) => {
      // Only the answer still in the cache is the current version (not one a refresh replaced).
      if (this.described.get(`flow|${key}`) === pending && this.flowValues.get(key) !== flow) {
        this.flowValues.set(key, flow);
        this.emit({ kind: 'flow', instanceId, flowId });
      }
      return flow;
    });
  }

  /**
   * Flows whose name contains `text`. The service searches names of 2–25 characters; outside that
   * range (or for an ID) the cached full list is filtered instead.
   */
  async searchFlows(instanceId: string, text: string): Promise<ContactFlowSummary[]> {
    const needle = text.trim();
    if (needle.length < SEARCH_MIN || needle.length > SEARCH_MAX) {
      const { chat, other } = await this.listFlows(instanceId);
      const lower = needle.toLowerCase();
      return [...chat, ...other].filter(
        (f) => (f.Name ?? '').toLowerCase().includes(lower) || (f.Id ?? '').toLowerCase().includes(lower),
      );
    }
    const found: ContactFlowSummary[] = [];
    const pages = this.pages(
      'SearchContactFlows',
      `instance=${instanceId}`,
      (aws) =>
        aws.connectApi.paginateSearchContactFlows(
          { client: this.session.clients.connect, pageSize: 100 },
          { InstanceId: instanceId, SearchCriteria: { StringCondition: { FieldName: 'name', Value: needle, ComparisonType: 'CONTAINS' } } },
        ),
      (o) => o.ContactFlows,
      (o) => o.NextToken,
    );
    for await (const page of pages) found.push(...page.map(summaryOf));
    const { chat, other } = sortFlows(found);
    return [...chat, ...other];
  }

  /** Starts a chat; never cached, and the answer (which holds the participant token) is never logged. */
  async startChat(input: StartChatContactCommandInput): Promise<StartChatContactCommandOutput> {
    const aws = await loadAws();
    return this.call(
      'StartChatContact',
      `instance=${input.InstanceId} flow=${input.ContactFlowId}`,
      () => this.session.clients.connect.send(new aws.connectApi.StartChatContactCommand(input)),
      (o) => `contact ${o.ContactId ?? '?'}`,
    );
  }

  async stopContact(instanceId: string, contactId: string): Promise<void> {
    const aws = await loadAws();
    await this.call('StopContact', `instance=${instanceId} contact=${contactId}`, () =>
      this.session.clients.connect.send(new aws.connectApi.StopContactCommand({ InstanceId: instanceId, ContactId: contactId })),
    );
  }

  private emit(change: AccountChange): void {
    for (const l of [...this.listeners]) {
      try {
        l(change);
      } catch (e) {
        this.logger.warn(`[aws] an account-data listener failed: ${(e as Error).message ?? String(e)}`);
      }
    }
  }

  /** Announces each page and the outcome of a list entry; a failed entry leaves the cache. */
  private track<T, R>(entry: PagedList<T, R>, change: AccountChange, drop: () => void): void {
    entry.observe(() => this.emit(change));
    entry.result.then(
      () => this.emit(change),
      () => {
        drop();
        this.emit(change);
      },
    );
  }

  /**
   * The pages of an SDK paginator, each request logged like every other call (`page=N` in the
   * detail). The SDK module loads on the first page.
   */
  private async *pages<P extends { $metadata: Metadata; NextToken?: string }, T>(
    operation: string,
    detail: string,
    open: (aws: AwsModule) => AsyncIterable<P>,
    itemsOf: (page: P) => T[] | undefined,
    next: (page: P) => string | undefined,
  ): AsyncGenerator<T[]> {
    const aws = await loadAws();
    const iterator = open(aws)[Symbol.asyncIterator]();
    for (let page = 1; ; page++) {
      const where = `${detail ? `${detail} ` : ''}page=${page}`;
      const step = await this.call(operation, where, async () => {
        const r = await iterator.next();
        // The end of the iteration makes no request: nothing to log.
        return r.done ? { $metadata: {}, done: true as const } : { ...r.value, done: false as const };
      }, (o) => (o.done ? '' : `${itemsOf(o as unknown as P)?.length ?? 0} items${next(o as unknown as P) ? ', more' : ''}`), (o) => !o.done);
      if (step.done) return;
      yield itemsOf(step) ?? [];
    }
  }

  private cached<T>(key: string, refresh: boolean | undefined, load: () => Promise<T>): Promise<T> {
    if (!refresh) {
      const hit = this.described.get(key) as Promise<T> | undefined;
      if (hit) return hit;
    }
    const pending = load();
    this.described.set(key, pending);
    // A failure is not cached: the next call tries again.
    pending.catch(() => {
      if (this.described.get(key) === pending) this.described.delete(key);
    });
    return pending;
  }

  private async call<T extends { $metadata: Metadata }>(
    operation: string,
    detail: string,
    send: () => Promise<T>,
    summarise?: (out: T) => string,
    logged: (out: T) => boolean = () => true,
  ): Promise<T> {
    const started = performance.now();
    const where = `connect:${operation} region=${this.session.region}${detail ? ` ${detail}` : ''}`;
    try {
      const out = await send();
      if (!logged(out)) return out;
      const ms = Math.round(performance.now() - started);
      const m = out.$metadata;
      this.logger.info(
        `[aws] ${where} ${ms} ms requestId=${m.requestId ?? '-'} attempts=${m.attempts ?? 1} ok${summarise ? ` (${summarise(out)})` : ''}`,
      );
      return out;
    } catch (e) {
      const ms = Math.round(performance.now() - started);
      const err = e as { name?: string; code?: string; $metadata?: Metadata };
      const m = err.$metadata ?? {};
      const status = m.httpStatusCode ? ` HTTP ${m.httpStatusCode}` : '';
      const code = err.code && err.code !== err.name ? ` ${err.code}` : '';
      this.logger.warn(
        `[aws] ${where} ${ms} ms requestId=${m.requestId ?? '-'} attempts=${m.attempts ?? 1} failed: ${err.name ?? 'Error'}${code}${status}`,
      );
      throw e;
    }
  }
}
