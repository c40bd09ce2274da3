// Public surface of the request model: the CLI and the VS Code adapters import only this file.
export type { Diagnostic, DiagnosticSource, JsonPath, Position, QuickFix, Range, Severity, TextEdit, ValidateOptions } from './types';
export { validateRequestText, validateRequestBytes } from './validate';
export { decodeRequestBytes, maskByteOrderMark, MAX_REQUEST_FILE_BYTES, type DecodedRequest } from './bytes';
export { applyEdits } from './edits';
export { ruleCodes } from './rules';
export * as limits from './limits';
export { requestSchema, requestMemberNames, schemaAtPath } from './schema';
export { describeMember, hoverAt, type Hover } from './describe';
export { completionsAt, wholeRequestSnippets, type CompletionCandidate, type CompletionContext, type CompletionKind } from './completion';
export { checkRequestName, freeRequestName, isRequestFileName, requestNameCandidates, slugForFileName, REQUEST_FILE_SUFFIX } from './fileName';
export { flowStartProblem, flowTargetDiagnostics, type FlowFacts } from './flowTarget';
export { buildLiveContext, flowFacts, requestTargets, MAX_FLOWS_FOLLOWED, type LiveSource, type RequestTargets } from './liveContext';
export { extractAttributeUsage, mergeAttributeUsage, describeReaders, type AttributeUsage, type AttributeKeyUsage, type AttributeReader } from './flowUsage';
export { resolveEnvReferences, findEnvReferences, MissingEnvError, formatPath } from './env';
export { idFromArn, parseConnectArn } from './arn';
export {
  parseRequestText,
  requestToStartChatContactInput,
  InvalidRequestError,
  type ChatRequestFile,
  type ToInputOptions,
} from './toInput';
export { requestSnippets, newRequestText, expandSnippet, type RequestSnippet, type NewRequestOptions } from './snippets';
