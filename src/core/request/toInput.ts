import type { StartChatContactCommandInput } from '@aws-sdk/client-connect';
import { resolveEnvReferences } from './env';
import { validateRequestText } from './validate';
import type { Diagnostic, ValidateOptions } from './types';

export class InvalidRequestError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const first = errors[0];
    super(
      first
        ? `The request has ${errors.length} error${errors.length === 1 ? '' : 's'}; first at line ${first.range.start.line + 1}, column ${first.range.start.character + 1}: ${first.message}`
        : 'The request is invalid.',
    );
    this.name = 'InvalidRequestError';
  }
}

/** The request as written in the file (after validation, before env references are resolved). */
export type ChatRequestFile = Partial<StartChatContactCommandInput> & { $schema?: string };

/** Validates `text` and returns the parsed request; throws InvalidRequestError on any error. */
export function parseRequestText(text: string, options: ValidateOptions = {}): ChatRequestFile {
  const diagnostics = validateRequestText(text, options);
  if (diagnostics.some((d) => d.severity === 'error')) throw new InvalidRequestError(diagnostics);
  return JSON.parse(text) as ChatRequestFile;
}

export interface ToInputOptions {
  env: Record<string, string | undefined>;
  /** Used when the file has no InstanceId (what launch asked the user for). */
  instanceId?: string;
  /** Used when the file has no ContactFlowId. */
  contactFlowId?: string;
  /** Used when the file has no ParticipantDetails (which validation reports as an error). */
  displayName?: string;
}

/**
 * Maps a request file to the SDK's StartChatContact input: drops `$schema`, fills in what launch
 * asked for, and resolves `${env:NAME}` (MissingEnvError names any unset variable). The file's
 * member names already are the API's, so there is no renaming.
 */
export function requestToStartChatContactInput(request: ChatRequestFile, options: ToInputOptions): StartChatContactCommandInput {
  const { $schema: _schema, ...members } = request;
  const withDefaults = {
    ...members,
    InstanceId: members.InstanceId ?? options.instanceId,
    ContactFlowId: members.ContactFlowId ?? options.contactFlowId,
    ParticipantDetails: members.ParticipantDetails ?? (options.displayName !== undefined ? { DisplayName: options.displayName } : undefined),
  };
  const missing = (['InstanceId', 'ContactFlowId', 'ParticipantDetails'] as const).filter((k) => withDefaults[k] === undefined);
  if (missing.length > 0) {
    throw new Error(`Cannot start the chat: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set in the request file or by launch.`);
  }
  const resolved = resolveEnvReferences(withDefaults, options.env);
  for (const k of Object.keys(resolved) as Array<keyof typeof resolved>) if (resolved[k] === undefined) delete resolved[k];
  return resolved;
}
