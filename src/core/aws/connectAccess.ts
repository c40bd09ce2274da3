/**
 * Amazon Connect as the explorer and pickers need it: every page fetched, results cached per
 * connection (one ConnectAccess per AwsSession) until invalidated, and every call logged with
 * operation, region, duration, request ID and outcome. Payloads are never logged: StartChatContact
 * answers carry the participant token.
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
import { loadAws } from './lazy';
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
  /** Called with each page as it arrives, so a view can show the first page early. */
  onPage?: (items: T[], pageIndex: number) => void;
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

export class ConnectAccess {
  private readonly cache = new Map<string, Promise<unknown>>();
  private readonly logger: Logger;

  constructor(
    readonly session: AwsSession,
    logger: Logger = silentLogger,
  ) {
    this.logger = logger;
  }

  /** Forgets cached lists and descriptions: everything, or one instance's flows. */
  invalidate(scope: { instanceId?: string } = {}): void {
    if (scope.instanceId === undefined) {
      this.cache.clear();
      return;
    }
    for (const key of [...this.cache.keys()]) {
      if (key.includes(`|${scope.instanceId}|`)) this.cache.delete(key);
    }
  }

  listInstances(options: ListOptions<InstanceSummary> = {}): Promise<InstanceSummary[]> {
    return this.cached('instances||', options.refresh, async () => {
      const aws = await loadAws();
      const all: InstanceSummary[] = [];
      let token: string | undefined;
      let page = 0;
      do {
        const out = await this.call('ListInstances', '', () =>
          this.session.clients.connect.send(
            new aws.connectApi.ListInstancesCommand({ MaxResults: options.pageSize ?? 10, ...(token ? { NextToken: token } : {}) }),
          ),
        (o) => `${o.InstanceSummaryList?.length ?? 0} items${o.NextToken ? ', more' : ''}`);
        const items = out.InstanceSummaryList ?? [];
        all.push(...items);
        options.onPage?.(items, page++);
        token = out.NextToken;
      } while (token);
      return all;
    });
  }

  describeInstance(instanceId: string, options: { refresh?: boolean } = {}): Promise<Instance> {
    return this.cached(`instance|${instanceId}|`, options.refresh, async () => {
      const aws = await loadAws();
      const out = await this.call('DescribeInstance', `instance=${instanceId}`, () =>
        this.session.clients.connect.send(new aws.connectApi.DescribeInstanceCommand({ InstanceId: instanceId })),
      );
      if (!out.Instance) throw new Error(`DescribeInstance returned no instance for ${instanceId}.`);
      return out.Instance;
    });
  }

  /** Every flow of the instance (all pages), CONTACT_FLOW first. Shared with the cache: do not mutate. */
  listFlows(instanceId: string, options: ListOptions<ContactFlowSummary> = {}): Promise<FlowListing> {
    return this.cached(`flows|${instanceId}|`, options.refresh, async () => {
      const aws = await loadAws();
      const items: ContactFlowSummary[] = [];
      let token: string | undefined;
      let page = 0;
      do {
        const out = await this.call('ListContactFlows', `instance=${instanceId} page=${page + 1}`, () =>
          this.session.clients.connect.send(
            new aws.connectApi.ListContactFlowsCommand({
              InstanceId: instanceId,
              MaxResults: options.pageSize ?? 1000,
              ...(token ? { NextToken: token } : {}),
            }),
          ),
        (o) => `${o.ContactFlowSummaryList?.length ?? 0} items${o.NextToken ? ', more' : ''}`);
        const pageItems = out.ContactFlowSummaryList ?? [];
        items.push(...pageItems);
        options.onPage?.(pageItems, page++);
        token = out.NextToken;
      } while (token);
      return sortFlows(items);
    });
  }

  /** A flow with its content (a JSON string); `saved` asks for the unpublished `$SAVED` version. */
  describeFlow(instanceId: string, flowId: string, options: { saved?: boolean; refresh?: boolean } = {}): Promise<ContactFlow> {
    const id = options.saved ? `${flowId}:$SAVED` : flowId;
    return this.cached(`flow|${instanceId}|${id}`, options.refresh, async () => {
      const aws = await loadAws();
      const out = await this.call('DescribeContactFlow', `instance=${instanceId} flow=${id}`, () =>
        this.session.clients.connect.send(
          new aws.connectApi.DescribeContactFlowCommand({ InstanceId: instanceId, ContactFlowId: id }),
        ),
      );
      if (!out.ContactFlow) throw new Error(`DescribeContactFlow returned no flow for ${id}.`);
      return out.ContactFlow;
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
    const aws = await loadAws();
    const found: ContactFlowSummary[] = [];
    let token: string | undefined;
    do {
      const out = await this.call('SearchContactFlows', `instance=${instanceId}`, () =>
        this.session.clients.connect.send(
          new aws.connectApi.SearchContactFlowsCommand({
            InstanceId: instanceId,
            MaxResults: 100,
            SearchCriteria: { StringCondition: { FieldName: 'name', Value: needle, ComparisonType: 'CONTAINS' } },
            ...(token ? { NextToken: token } : {}),
          }),
        ),
      (o) => `${o.ContactFlows?.length ?? 0} items${o.NextToken ? ', more' : ''}`);
      found.push(...(out.ContactFlows ?? []).map(summaryOf));
      token = out.NextToken;
    } while (token);
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

  private cached<T>(key: string, refresh: boolean | undefined, load: () => Promise<T>): Promise<T> {
    if (!refresh) {
      const hit = this.cache.get(key) as Promise<T> | undefined;
      if (hit) return hit;
    }
    const pending = load();
    this.cache.set(key, pending);
    // A failure is not cached: the next call tries again.
    pending.catch(() => {
      if (this.cache.get(key) === pending) this.cache.delete(key);
    });
    return pending;
  }

  private async call<T extends { $metadata: Metadata }>(
    operation: string,
    detail: string,
    send: () => Promise<T>,
    summarise?: (out: T) => string,
  ): Promise<T> {
    const started = performance.now();
    const where = `connect:${operation} region=${this.session.region}${detail ? ` ${detail}` : ''}`;
    try {
      const out = await send();
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
