/**
 * Test chats without VS Code: what the CLI and the extension's adapters import. Loading this
 * module loads no AWS SDK code; the calls fetch it through loadAws().
 */
export * from './types';
export {
  prepareLaunch,
  startChatContact,
  chatError,
  ChatCallError,
  type ChatError,
  type LaunchPreparation,
  type LaunchProblem,
  type LaunchTarget,
  type PreparedLaunch,
  type PrepareLaunchOptions,
  type StartedContact,
  type StartOptions,
} from './launch';
export { LiveChat, stateFromContact, type EndResult, type LaunchChatOptions, type LiveChatDeps, type RefreshResult, type TypingEvent } from './liveChat';
export {
  contactDetails,
  describeContact,
  flowLogGroup,
  flowLogRecords,
  getContactAttributes,
  instanceAlias,
  readFlowTrace,
  type CallOptions,
  type FlowTrace,
  type FlowTraceOptions,
} from './contact';
export {
  awsCliCommand,
  awsCliCommandWithEnvReferences,
  chatStateLabel,
  eventNameOf,
  isReceiptItem,
  isTypingItem,
  parseInteractive,
  presentItem,
  stripMarkdown,
  traceStatusText,
  type AwsCliOptions,
  type AwsCliWithEnv,
  type InteractiveOption,
  type InteractiveView,
  type ItemKind,
  type ItemView,
} from './present';
