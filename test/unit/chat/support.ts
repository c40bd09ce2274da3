/** Helpers for the chat-core tests: a real sandbox (with the flow runtime) and a real session on it. */
import { openSession, type AwsSession } from '../../../src/core/aws/session';
import type { ChatOrigin } from '../../../src/core/chat/types';
import type { Logger } from '../../../src/core/log';
import { DEMO_FLOWS, DEMO_INSTANCE_ALIAS, DEMO_INSTANCE_ID, type startSandboxWithFlows, type SandboxHandle } from '../../../src/sandbox';

export { DEMO_FLOWS, DEMO_INSTANCE_ALIAS, DEMO_INSTANCE_ID };

export type FlowSandbox = Awaited<ReturnType<typeof startSandboxWithFlows>>;

/** A logger that keeps every line, so tests can check that no token was written. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (m: string) => void lines.push(`${level} ${m}`);
  return { lines, trace: push('trace'), debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}

export async function sandboxSession(sb: SandboxHandle, maxAttempts = 3): Promise<AwsSession> {
  return openSession({ connection: { kind: 'sandbox' }, sandboxEndpoint: sb.url, maxAttempts });
}

export function demoOrigin(contactFlowId: string = DEMO_FLOWS.supportBot): ChatOrigin {
  return {
    connectionKey: 'sandbox',
    connectionLabel: 'Sandbox (offline)',
    region: 'us-east-1',
    instanceId: DEMO_INSTANCE_ID,
    instanceAlias: DEMO_INSTANCE_ALIAS,
    contactFlowId,
  };
}

/** Polls `probe` until it returns something other than undefined/false; fails after `ms`. */
export { pollUntil as waitFor } from '../../support/wait';

export function requestText(members: Record<string, unknown>): string {
  return `${JSON.stringify(members, null, 2)}\n`;
}
