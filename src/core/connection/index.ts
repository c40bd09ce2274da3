/**
 * Connections (profiles, environment, sandbox) without VS Code: what the adapter calls. Loading
 * this module loads no AWS SDK code; the functions that need the SDK fetch it through loadAws().
 */
export * from './model';
export * from './profiles';
export * from './defaults';
export * from './endpoints';
export * from './choices';
export { ConnectionManager, type ConnectionListener, type ConnectionManagerOptions } from './manager';
export { ConnectAccess, sortFlows, type AccountChange, type FlowListing, type ListOptions } from '../aws/connectAccess';
export { PagedList, type PageListener } from '../aws/pagedList';
export { openSession, type AwsSession, type SessionOptions } from '../aws/session';
export { createCredentialProvider, SANDBOX_CREDENTIALS, type CredentialOptions } from '../aws/credentials';
export { explainAwsError, type ErrorContext, type ErrorExplanation, type ErrorKind, type SuggestedAction } from '../aws/explainError';
export { flowDesignerUrl } from '../aws/consoleUrls';
