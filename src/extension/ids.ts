/** Every command, view, context key and setting ID the extension uses, in one place. */
export const EXTENSION_ID = 'chatreq.chatreq';

export const Commands = {
  showLog: 'chatreq.showLog',
  refreshTestChats: 'chatreq.refreshTestChats',
  // test chats
  launchTestChat: 'chatreq.launchTestChat',
  launchFlow: 'chatreq.launchFlow',
  relaunchChat: 'chatreq.relaunchChat',
  continuePersistentChat: 'chatreq.continuePersistentChat',
  replyToChat: 'chatreq.replyToChat',
  chooseOption: 'chatreq.chooseOption',
  endChat: 'chatreq.endChat',
  endAllChats: 'chatreq.endAllChats',
  refreshChat: 'chatreq.refreshChat',
  copyContactId: 'chatreq.copyContactId',
  copyAsAwsCli: 'chatreq.copyAsAwsCli',
  openRequestFile: 'chatreq.openRequestFile',
  openTranscript: 'chatreq.openTranscript',
  removeChat: 'chatreq.removeChat',
  clearChatHistory: 'chatreq.clearChatHistory',
  goToBlock: 'chatreq.goToBlock',
  fixInFile: 'chatreq.fixInFile',
  answerAsAgent: 'chatreq.answerAsAgent',
  openConversation: 'chatreq.openConversation',
  // conversation tests (Test Explorer)
  saveAsConversationTest: 'chatreq.saveAsConversationTest',
  openTestRunConversation: 'chatreq.openTestRunConversation',
  /** Not contributed: integration tests drive the conversation-test controller through it. */
  chatTestsInternals: 'chatreq._chatTestsInternals',
  // sandbox
  startSandbox: 'chatreq.startSandbox',
  stopSandbox: 'chatreq.stopSandbox',
  restartSandbox: 'chatreq.restartSandbox',
  // authoring
  newChatRequest: 'chatreq.newChatRequest',
  // connections and the instance explorer
  selectConnection: 'chatreq.selectConnection',
  selectRegion: 'chatreq.selectRegion',
  selectInstance: 'chatreq.selectInstance',
  selectFlow: 'chatreq.selectFlow',
  refreshExplorer: 'chatreq.refreshExplorer',
  newChatRequestForFlow: 'chatreq.newChatRequestForFlow',
  showFlowContent: 'chatreq.showFlowContent',
  openFlowInConnect: 'chatreq.openFlowInConnect',
  /** Not contributed: integration tests read the connection UI (status bar, explorer, open quick pick) through it. */
  connectionInternals: 'chatreq._connectionInternals',
  /** Not contributed: what an error node's action children run (an explained AWS error's suggested action). */
  errorAction: 'chatreq._errorAction',
  // the request form (webview)
  openRequestForm: 'chatreq.openRequestForm',
  openRequestAsText: 'chatreq.openRequestAsText',
} as const;

export const Views = {
  container: 'chatreq',
  testChats: 'chatreq.testChats',
  explorer: 'chatreq.explorer',
} as const;

/** Custom editors (webviews). */
export const Editors = {
  requestForm: 'chatreq.requestForm',
} as const;

/** Webview panels restored after a reload (onWebviewPanel activation). */
export const Panels = {
  conversation: 'chatreq.conversation',
} as const;

export const Settings = {
  sandboxPort: 'chatreq.sandbox.port',
  sandboxFlowsFolder: 'chatreq.sandbox.flowsFolder',
  sandboxPace: 'chatreq.sandbox.pace',
  endpointConnect: 'chatreq.endpoint.connect',
  endpointParticipant: 'chatreq.endpoint.participant',
} as const;

export const OUTPUT_CHANNEL_NAME = 'Chatreq';
