/**
 * An open connection: credentials plus the Connect and Participant clients, configured once.
 * Opening loads the SDK (lazily, through loadAws), so nothing here runs at activation.
 */
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { connectionRegion, type Connection } from '../connection/model';
import { silentLogger } from '../log';
import { createCredentialProvider, type CredentialOptions } from './credentials';
import { loadAws } from './lazy';
import type { ConnectClients } from './sdk';

export interface SessionOptions extends CredentialOptions {
  connection: Connection;
  /** Endpoint overrides already vetted by resolveEndpoints(); not used for the sandbox. */
  endpoints?: { connect?: string; participant?: string; logs?: string };
  /** Base URL of the running sandbox; required for a sandbox connection. */
  sandboxEndpoint?: string;
  /** SDK attempts per call (default 3: the SDK retries throttling and 5xx). */
  maxAttempts?: number;
}

export interface AwsSession {
  readonly connection: Connection;
  readonly region: string;
  /** The endpoint override in use, if any (undefined means the public AWS endpoint). */
  readonly connectEndpoint?: string;
  readonly participantEndpoint?: string;
  readonly logsEndpoint?: string;
  /** SDK attempts per call, as configured (undefined: the SDK default of 3). */
  readonly maxAttempts?: number;
  readonly clients: ConnectClients;
  readonly credentials: AwsCredentialIdentityProvider;
  dispose(): void;
}

export async function openSession(options: SessionOptions): Promise<AwsSession> {
  const { connection } = options;
  const logger = options.logger ?? silentLogger;
  let connectEndpoint: string | undefined;
  let participantEndpoint: string | undefined;
  let logsEndpoint: string | undefined;
  if (connection.kind === 'sandbox') {
    if (!options.sandboxEndpoint) throw new Error('A sandbox connection needs the running sandbox endpoint (sandboxEndpoint).');
    // The sandbox serves CloudWatch Logs (FilterLogEvents) on the same port.
    connectEndpoint = participantEndpoint = logsEndpoint = options.sandboxEndpoint;
  } else {
    connectEndpoint = options.endpoints?.connect;
    participantEndpoint = options.endpoints?.participant;
    logsEndpoint = options.endpoints?.logs;
  }
  const region = connectionRegion(connection);
  const credentials = await createCredentialProvider(connection, options);
  const aws = await loadAws();
  const clients = aws.createClients({
    region,
    credentials,
    ...(connectEndpoint ? { connectEndpoint } : {}),
    ...(participantEndpoint ? { participantEndpoint } : {}),
    ...(logsEndpoint ? { logsEndpoint } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  });
  logger.info(
    `[aws] session opened: ${connection.kind === 'profile' ? `profile ${connection.profile}` : connection.kind}, region ${region}` +
      (connectEndpoint ? `, Connect endpoint ${connectEndpoint}` : ''),
  );
  return {
    connection,
    region,
    ...(connectEndpoint ? { connectEndpoint } : {}),
    ...(participantEndpoint ? { participantEndpoint } : {}),
    ...(logsEndpoint ? { logsEndpoint } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    clients,
    credentials,
    dispose: () => clients.destroy(),
  };
}
