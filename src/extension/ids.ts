/** Every command, view, context key and setting ID the extension uses, in one place. */
export const EXTENSION_ID = 'chatreq.chatreq';

export const Commands = {
  showLog: 'chatreq.showLog',
  refreshTestChats: 'chatreq.refreshTestChats',
} as const;

export const Views = {
  container: 'chatreq',
  testChats: 'chatreq.testChats',
} as const;

export const OUTPUT_CHANNEL_NAME = 'Chatreq';
