/**
 * Everything that touches the AWS SDK lives behind this module. The extension never imports it
 * statically: {@link loadAws} in ./lazy.ts loads it with a dynamic import(), which the build turns
 * into a separate file (dist/aws.js), so activation parses none of the SDK.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ConnectClient } from '@aws-sdk/client-connect';
import { ConnectParticipantClient } from '@aws-sdk/client-connectparticipant';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export interface ClientTarget {
  region: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Endpoint overrides (the sandbox, a VPC endpoint). */
  connectEndpoint?: string;
  participantEndpoint?: string;
  /** CloudWatch Logs (flow logs): the sandbox URL for the sandbox, else an override if given. */
  logsEndpoint?: string;
  maxAttempts?: number;
}

export interface ConnectClients {
  connect: ConnectClient;
  participant: ConnectParticipantClient;
  /** CloudWatch Logs, for reading flow logs (FilterLogEvents). */
  logs: CloudWatchLogsClient;
  destroy(): void;
}

export function createClients(target: ClientTarget): ConnectClients {
  const connect = new ConnectClient({
    region: target.region,
    credentials: target.credentials,
    ...(target.connectEndpoint ? { endpoint: target.connectEndpoint } : {}),
    ...(target.maxAttempts ? { maxAttempts: target.maxAttempts } : {}),
  });
  const participant = new ConnectParticipantClient({
    region: target.region,
    credentials: target.credentials,
    ...(target.participantEndpoint ? { endpoint: target.participantEndpoint } : {}),
    ...(target.maxAttempts ? { maxAttempts: target.maxAttempts } : {}),
  });
  const logs = new CloudWatchLogsClient({
    region: target.region,
    credentials: target.credentials,
    ...(target.logsEndpoint ? { endpoint: target.logsEndpoint } : {}),
    ...(target.maxAttempts ? { maxAttempts: target.maxAttempts } : {}),
  });
  return {
    connect,
    participant,
    logs,
    destroy() {
      connect.destroy();
      participant.destroy();
      logs.destroy();
    },
  };
}

export * as connectApi from '@aws-sdk/client-connect';
export * as participantApi from '@aws-sdk/client-connectparticipant';
export * as logsApi from '@aws-sdk/client-cloudwatch-logs';
// The participant WebSocket client travels in the same lazy chunk: only a live chat needs it.
export { WebSocket } from 'ws';

// Credential providers and the SDK's own shared-config loader (which honours AWS_CONFIG_FILE and
// AWS_SHARED_CREDENTIALS_FILE). Reached only through loadAws(), like the clients above.
export { fromEnv, fromIni, fromNodeProviderChain, fromProcess, fromSSO } from '@aws-sdk/credential-providers';
export { loadSharedConfigFiles } from '@smithy/core/config';
