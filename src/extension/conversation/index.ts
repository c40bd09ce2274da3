/**
 * The conversation panel: "Chatreq: Open Conversation" (the default action of a chat node in the
 * Test Chats view) and the serializer that restores the panels after a reload.
 */
import * as vscode from 'vscode';
import type { ChatRecord } from '../../core/chat/types';
import type { ChatManager } from '../chats/chatManager';
import { Commands } from '../ids';
import type { Services } from '../services';
import { CONVERSATION_VIEW_TYPE, ConversationPanels } from './conversationPanels';

export { ConversationPanels, CONVERSATION_VIEW_TYPE };

/**
 * `pick` turns the command's argument (a chat node, a chat ID, or nothing: a quick pick) into a
 * record, the way every chat command does.
 */
export function registerConversations(services: Services, chats: ChatManager, pick: (arg: unknown) => Promise<ChatRecord | undefined>): ConversationPanels {
  const panels = new ConversationPanels(services, chats);
  services.context.subscriptions.push(
    // The serializer that restores panels after a reload is registered by the activation shell
    // (extension.ts), which hands each panel to `panels`.
    panels,
    vscode.commands.registerCommand(Commands.openConversation, async (arg: unknown) => {
      const r = await pick(arg);
      if (!r) return undefined;
      return panels.open(r.id);
    }),
  );
  return panels;
}
