/**
 * A typed client for the Connect sandbox's admin API (`/sandbox/...` on the sandbox URL; the routes
 * are described in the README, "The sandbox admin API"). The extension and the tests drive and
 * inspect the sandbox only through it and the AWS APIs, whether the sandbox runs in this process
 * or in a child process. Plain Node (global fetch); the types come from the sandbox, nothing else.
 */
import type { AgentAction, ContactState, FaultRule, FlowLogRecord, Quotas, SandboxInstanceInfo } from '../sandbox';
import type { IdentityEvent } from '../sandbox/identity/types';

export interface SandboxHealth {
  status: 'ok';
  instances: number;
  contacts: number;
}

export type SandboxContactSummary = Pick<ContactState, 'contactId' | 'instanceId' | 'contactFlowId' | 'status' | 'startedAt'>;
export type SandboxInstanceSummary = Omit<SandboxInstanceInfo, 'flows'> & { flows: Array<Omit<SandboxInstanceInfo['flows'][number], 'content'>> };

/** An error answer of the admin API, with the sandbox's message. */
export class SandboxAdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'SandboxAdminError';
  }
}

export class SandboxAdmin {
  /** `url`: the sandbox URL, `http://127.0.0.1:PORT`. */
  constructor(readonly url: string) {}

  health(): Promise<SandboxHealth> {
    return this.call('GET', '/sandbox/health');
  }

  instances(): Promise<SandboxInstanceSummary[]> {
    return this.call<{ instances: SandboxInstanceSummary[] }>('GET', '/sandbox/instances').then((r) => r.instances);
  }

  contacts(): Promise<SandboxContactSummary[]> {
    return this.call<{ contacts: SandboxContactSummary[] }>('GET', '/sandbox/contacts').then((r) => r.contacts);
  }

  /** A contact's state, or undefined when the sandbox has no such contact. */
  async contact(contactId: string): Promise<ContactState | undefined> {
    try {
      return await this.call<ContactState>('GET', `/sandbox/contacts/${encodeURIComponent(contactId)}`);
    } catch (e) {
      if (e instanceof SandboxAdminError && e.status === 404) return undefined;
      throw e;
    }
  }

  /** Acts as the contact's agent (join, send, typing, read, leave); rejects with the sandbox's message when the action is out of turn. */
  agent(contactId: string, action: AgentAction): Promise<{ contactId: string; participantId?: string; id?: string }> {
    return this.call('POST', `/sandbox/contacts/${encodeURIComponent(contactId)}/agent`, action);
  }

  /** Cuts the contact's participant WebSockets without a close frame; resolves to how many were cut. */
  dropSockets(contactId: string): Promise<number> {
    return this.call<{ dropped: number }>('POST', `/sandbox/contacts/${encodeURIComponent(contactId)}/drop-sockets`).then((r) => r.dropped);
  }

  flowLogs(alias: string): Promise<FlowLogRecord[]> {
    return this.call<{ records: FlowLogRecord[] }>('GET', `/sandbox/flow-logs/${encodeURIComponent(alias)}`).then((r) => r.records);
  }

  faults(): Promise<Array<FaultRule & { applied: number }>> {
    return this.call<{ faults: Array<FaultRule & { applied: number }> }>('GET', '/sandbox/faults').then((r) => r.faults);
  }

  /** Replaces every fault rule (an empty list clears them). */
  setFaults(faults: FaultRule[]): Promise<Array<FaultRule & { applied: number }>> {
    return this.call<{ faults: Array<FaultRule & { applied: number }> }>('PUT', '/sandbox/faults', { faults }).then((r) => r.faults);
  }

  quotas(): Promise<Quotas> {
    return this.call('GET', '/sandbox/quotas');
  }

  setQuotas(quotas: Quotas): Promise<Quotas> {
    return this.call('PUT', '/sandbox/quotas', quotas);
  }

  clock(): Promise<{ now: string; canAdvance: boolean }> {
    return this.call('GET', '/sandbox/clock');
  }

  /** Moves the sandbox's clock forward (chat expiry, flow waits and agent delays fall due). */
  advanceClock(ms: number): Promise<{ now: string; canAdvance: boolean }> {
    return this.call('POST', '/sandbox/clock/advance', { ms });
  }

  /** The calls the STS and SSO stand-ins answered (no secrets are kept). */
  identityEvents(): Promise<IdentityEvent[]> {
    return this.call<{ events: IdentityEvent[] }>('GET', '/sandbox/identity/events').then((r) => r.events);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      throw new SandboxAdminError(res.status, `The sandbox answered ${method} ${path} with ${res.status} and a body that is not JSON.`);
    }
    if (!res.ok) {
      const message = (parsed as { Message?: unknown; message?: unknown }).Message ?? (parsed as { message?: unknown }).message;
      throw new SandboxAdminError(res.status, typeof message === 'string' ? message : `The sandbox answered ${method} ${path} with ${res.status}.`);
    }
    return parsed as T;
  }
}
