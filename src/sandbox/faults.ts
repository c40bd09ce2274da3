/**
 * Quotas and injected faults, so tests can prove a client copes with what AWS does under load or
 * when it breaks: TPS throttling (429), the concurrent-active-chats quota (LimitExceededException),
 * injected errors (500 by default), added latency and dropped connections. Everything is per
 * operation (or `*` for all) and, for faults, per count.
 */

export const OPERATIONS = [
  'ListInstances',
  'DescribeInstance',
  'ListContactFlows',
  'DescribeContactFlow',
  'SearchContactFlows',
  'StartChatContact',
  'StopContact',
  'DescribeContact',
  'GetContactAttributes',
  'CreateParticipantConnection',
  'SendMessage',
  'SendEvent',
  'GetTranscript',
  'DisconnectParticipant',
  'FilterLogEvents',
] as const;
export type OperationName = (typeof OPERATIONS)[number];

export interface FaultRule {
  /** The operation it applies to, or `*` for every operation. */
  operation: OperationName | '*';
  /**
   * - `error`: answer with an error (default 500 InternalServiceException / InternalServerException)
   * - `latency`: wait `latencyMs` before handling the request normally
   * - `drop`: destroy the connection without answering (before handling the request, or after
   *   it when `afterHandling` is set: the work is done but the answer is lost, as when a network
   *   fails on the way back; this is what ClientToken idempotency is for)
   */
  kind: 'error' | 'latency' | 'drop';
  /** For `error`: status and `x-amzn-ErrorType` (defaults: 500 and the service's internal error). */
  status?: number;
  errorType?: string;
  message?: string;
  /** For `drop`: handle the request first, then drop the connection instead of answering. */
  afterHandling?: boolean;
  /** For `latency`. */
  latencyMs?: number;
  /** Let this many matching requests through untouched first (default 0). */
  skip?: number;
  /** Apply to this many matching requests, then stop (default: every one). */
  count?: number;
}

export interface Quotas {
  /** Requests per second allowed per operation (`*` applies to each operation without its own). */
  tps?: Partial<Record<OperationName | '*', number>>;
  /** Concurrent active chats per instance; StartChatContact beyond it gets LimitExceededException. */
  maxActiveChats?: number;
}

interface LiveRule {
  rule: FaultRule;
  seen: number;
  applied: number;
}

export class FaultBox {
  private rules: LiveRule[] = [];
  private quotas: Quotas = {};
  private readonly windows = new Map<OperationName, number[]>();

  setFaults(rules: FaultRule[]): void {
    for (const r of rules) checkRule(r);
    this.rules = rules.map((rule) => ({ rule: { ...rule }, seen: 0, applied: 0 }));
  }

  addFault(rule: FaultRule): void {
    checkRule(rule);
    this.rules.push({ rule: { ...rule }, seen: 0, applied: 0 });
  }

  listFaults(): Array<FaultRule & { applied: number }> {
    return this.rules.map((r) => ({ ...r.rule, applied: r.applied }));
  }

  setQuotas(quotas: Quotas): void {
    for (const [op, n] of Object.entries(quotas.tps ?? {})) {
      if (op !== '*' && !(OPERATIONS as readonly string[]).includes(op)) throw new Error(`quotas.tps: unknown operation "${op}"`);
      if (typeof n !== 'number' || !(n > 0)) throw new Error(`quotas.tps.${op} must be a positive number`);
    }
    if (quotas.maxActiveChats !== undefined && !(Number.isInteger(quotas.maxActiveChats) && quotas.maxActiveChats >= 0)) {
      throw new Error('quotas.maxActiveChats must be a whole number >= 0');
    }
    this.quotas = { ...quotas, ...(quotas.tps ? { tps: { ...quotas.tps } } : {}) };
    this.windows.clear();
  }

  getQuotas(): Quotas {
    return structuredClone(this.quotas);
  }

  get maxActiveChats(): number | undefined {
    return this.quotas.maxActiveChats;
  }

  /** The faults that fire for this request, counting it against every matching rule. */
  take(op: OperationName): FaultRule[] {
    const fired: FaultRule[] = [];
    for (const live of this.rules) {
      const r = live.rule;
      if (r.operation !== '*' && r.operation !== op) continue;
      live.seen++;
      if (live.seen <= (r.skip ?? 0)) continue;
      if (r.count !== undefined && live.applied >= r.count) continue;
      live.applied++;
      fired.push(r);
    }
    return fired;
  }

  /** True when this request is over the operation's TPS limit (a sliding one-second window). */
  throttled(op: OperationName, nowMs: number): boolean {
    const limit = this.quotas.tps?.[op] ?? this.quotas.tps?.['*'];
    if (limit === undefined) return false;
    const window = (this.windows.get(op) ?? []).filter((t) => t > nowMs - 1000);
    if (window.length >= limit) {
      this.windows.set(op, window);
      return true;
    }
    window.push(nowMs);
    this.windows.set(op, window);
    return false;
  }
}

function checkRule(r: FaultRule): void {
  if (r.operation !== '*' && !(OPERATIONS as readonly string[]).includes(r.operation)) {
    throw new Error(`fault rule: unknown operation "${String(r.operation)}"; use one of ${OPERATIONS.join(', ')} or *`);
  }
  if (!['error', 'latency', 'drop'].includes(r.kind)) throw new Error(`fault rule: kind must be error, latency or drop (got "${String(r.kind)}")`);
  if (r.kind === 'latency' && !(typeof r.latencyMs === 'number' && r.latencyMs >= 0)) throw new Error('fault rule: latency needs latencyMs >= 0');
  if (r.status !== undefined && !(Number.isInteger(r.status) && r.status >= 400 && r.status <= 599)) {
    throw new Error('fault rule: status must be an HTTP error status (400-599)');
  }
}
