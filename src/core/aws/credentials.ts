/**
 * Credentials for a connection, from the SDK's own providers. Nothing here reads a key or token
 * itself; the providers do, and only what they return travels to the clients.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { connectionRegion, type Connection } from '../connection/model';
import { silentLogger, type Logger } from '../log';
import { loadAws } from './lazy';

export interface CredentialOptions {
  /** Asked for the current MFA code when a role profile has mfa_serial (an input box). */
  mfaCodeProvider?: (mfaSerial: string) => Promise<string>;
  logger?: Logger;
}

/** The fixed, non-secret credentials the sandbox is signed with (it accepts any SigV4). */
export const SANDBOX_CREDENTIALS: AwsCredentialIdentity = Object.freeze({
  accessKeyId: 'SANDBOX',
  secretAccessKey: 'sandbox-not-a-secret',
});

export function describeCredentialSource(c: Connection): string {
  switch (c.kind) {
    case 'profile':
      return `profile "${c.profile}"`;
    case 'env':
      return 'environment variables';
    case 'sandbox':
      return 'the sandbox';
  }
}

export async function createCredentialProvider(
  connection: Connection,
  options: CredentialOptions = {},
): Promise<AwsCredentialIdentityProvider> {
  const logger = options.logger ?? silentLogger;
  if (connection.kind === 'sandbox') return () => Promise.resolve(SANDBOX_CREDENTIALS);
  const aws = await loadAws();
  const inner: AwsCredentialIdentityProvider =
    connection.kind === 'env'
      ? aws.fromEnv()
      : aws.fromIni({
          profile: connection.profile,
          // Read the files afresh so `aws sso login` or an edited profile is picked up.
          ignoreCache: true,
          ...(options.mfaCodeProvider ? { mfaCodeProvider: options.mfaCodeProvider } : {}),
        });
  const source = describeCredentialSource(connection);
  const region = connectionRegion(connection);
  // Logged so the output channel shows where credentials came from; never what they are.
  return async (props) => {
    const started = performance.now();
    try {
      // A client passes its own config; a direct call (a connection check) gets the connection's
      // region, so STS is called in that region rather than the SDK's us-east-1 fallback.
      const context = props?.callerClientConfig ? props : { ...props, callerClientConfig: { region: () => Promise.resolve(region) } };
      const creds = await inner(context);
      const ms = Math.round(performance.now() - started);
      const expiry = creds.expiration ? `, expire ${creds.expiration.toISOString()}` : '';
      logger.debug(`[aws] credentials from ${source} resolved in ${ms} ms${expiry}`);
      return creds;
    } catch (e) {
      const ms = Math.round(performance.now() - started);
      logger.warn(`[aws] credentials from ${source} failed after ${ms} ms: ${(e as Error).name ?? 'Error'}`);
      throw e;
    }
  };
}
