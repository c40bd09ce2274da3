import * as vscode from 'vscode';
import { isLiveState } from '../../core/chat/history';
import type { ChatRecord, ChatSecrets } from '../../core/chat/types';
import { connectionKey } from '../../core/connection';
import { Disposable } from '../disposable';
import type { Services } from '../services';
import { HistoryStore } from './historyStore';

/** How long after a chat changes its details, attributes and trace are read again. */
const REFRESH_DELAY_MS = 600;

/** What the manager needs of the core's live chat engine (src/core/chat LiveChat). */
export interface LiveChatHandle {
  readonly record: ChatRecord;
  onChange(listener: (record: ChatRecord) => void): () => void;
  secrets(): ChatSecrets | undefined;
  reply(text: string): Promise<void>;
  /** The customer is typing (throttled by the engine); resolves whether an event was sent. */
  sendTyping?(): Promise<boolean>;
  choose(itemId: string, optionTitle: string): Promise<void>;
  end(): Promise<void>;
  refresh(): Promise<void>;
  dispose(): void;
}

/**
 * The one model of test chats in the extension: records (persisted through {@link HistoryStore})
 * and the live engines attached to them. The Test Chats tree (and later the conversation panel)
 * read it and listen to {@link onDidChange}; nothing else keeps chat state.
 */
export class ChatManager extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<ChatRecord | undefined>());
  /** Fires with the record that changed, or undefined when the list itself changed. */
  readonly onDidChange = this.changed.event;
  private readonly records = new Map<string, ChatRecord>();
  private readonly live = new Map<string, { chat: LiveChatHandle; unsubscribe: () => void; secretsJson: string }>();
  readonly store: HistoryStore;
  private loaded: Promise<void> | undefined;
  private resuming = new Map<string, Promise<void>>();

  constructor(
    private readonly services: Services,
    /** Where the history is kept and how long a save waits for more changes (tests set both). */
    options: { historyFolder?: vscode.Uri; saveDelayMs?: number } = {},
  ) {
    super();
    this.store = this.register(new HistoryStore(services.context, services.logger, options.saveDelayMs, options.historyFolder));
    this.register({ dispose: () => this.disposeLive() });
    // A reset closes the sessions the live chats use: they reattach on the next refresh.
    this.register(services.connections.onDidChange(() => this.disposeLive()));
  }

  /** Loads the history once (activation does not wait for it; the view does). */
  ready(): Promise<void> {
    this.loaded ??= this.store.load().then((chats) => {
      for (const c of chats) if (!this.records.has(c.id)) this.records.set(c.id, c);
      this.changed.fire(undefined);
    });
    return this.loaded;
  }

  /** Every chat, newest first. */
  list(): ChatRecord[] {
    return [...this.records.values()].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
  }

  get(id: string): ChatRecord | undefined {
    return this.records.get(id);
  }

  liveChat(id: string): LiveChatHandle | undefined {
    return this.live.get(id)?.chat;
  }

  /** Adds a record (a failed launch, or one whose engine is attached with {@link attach}). */
  put(record: ChatRecord): void {
    this.records.set(record.id, record);
    this.persist();
    this.changed.fire(undefined);
  }

  /** Follows a live engine: its changes update the record, the history and the tokens. */
  attach(chat: LiveChatHandle): void {
    const id = chat.record.id;
    this.live.get(id)?.unsubscribe();
    this.live.get(id)?.chat.dispose();
    const isNew = !this.records.has(id);
    this.records.set(id, chat.record);
    const entry = { chat, secretsJson: '', unsubscribe: () => undefined as void };
    // The contact's details, attributes and flow trace follow the conversation: read them again
    // shortly after it changes (new items or state), not per item.
    let seen = `${chat.record.transcript.length}/${chat.record.state}`;
    let lastState = chat.record.state;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refreshSoon = (): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        if (this.live.get(id)?.chat !== chat) return;
        chat.refresh().catch((e: unknown) => this.services.logger.debug(`[chats] refresh of ${chat.record.contactId ?? id} failed: ${(e as Error).message}`));
      }, REFRESH_DELAY_MS);
    };
    const onChange = (record: ChatRecord): void => {
      if (!this.records.has(record.id)) return; // removed meanwhile
      const now = `${record.transcript.length}/${record.state}`;
      if (now !== seen) {
        seen = now;
        refreshSoon();
      }
      this.records.set(record.id, record);
      // A new state (connected, with agent, ended) is written at once; a stream of messages is
      // written a moment after it settles. A window reload right after a chat ended then finds it
      // ended (a web workbench may start the new extension host before the old one is done).
      const stateChanged = record.state !== lastState;
      lastState = record.state;
      this.persist(stateChanged);
      this.syncSecrets(entry, record);
      this.changed.fire(record);
    };
    const off = chat.onChange(onChange);
    entry.unsubscribe = () => {
      off();
      if (timer) clearTimeout(timer);
    };
    if (chat.record.contactId) refreshSoon();
    this.live.set(id, entry);
    this.syncSecrets(entry, chat.record);
    this.persist();
    this.changed.fire(isNew ? undefined : chat.record);
  }

  private syncSecrets(entry: { chat: LiveChatHandle; secretsJson: string }, record: ChatRecord): void {
    const secrets = isLiveState(record.state) ? entry.chat.secrets() : undefined;
    const json = secrets ? JSON.stringify(secrets) : '';
    if (json === entry.secretsJson) return;
    entry.secretsJson = json;
    void this.store.storeSecrets(record.id, secrets).catch((e: unknown) =>
      this.services.logger.error(`[chats] could not keep the chat's tokens in SecretStorage: ${(e as Error).message}`),
    );
  }

  /**
   * Reattaches chats that were live when the history was saved (after a reload), so Reply and End
   * work again; a chat whose tokens are gone or whose connection is not the current one is left as
   * it is. `resume` builds the engine (the core's LiveChat.resume).
   */
  async resumeLive(resume: (record: ChatRecord, secrets: ChatSecrets) => Promise<LiveChatHandle>): Promise<void> {
    await this.ready();
    const key = connectionKey(this.services.connections.current);
    const tasks: Promise<void>[] = [];
    for (const record of this.records.values()) {
      if (!isLiveState(record.state) || this.live.has(record.id) || record.origin.connectionKey !== key) continue;
      let task = this.resuming.get(record.id);
      if (!task) {
        task = (async () => {
          const secrets = await this.store.secrets(record.id);
          if (!secrets) {
            this.update(record.id, { state: 'ended', error: { message: 'The chat cannot be reattached: its tokens are gone (they are kept only while the chat lives).' } });
            return;
          }
          this.attach(await resume(record, secrets));
        })()
          .catch((e: unknown) => this.services.logger.warn(`[chats] could not reattach chat ${record.contactId ?? record.id}: ${(e as Error).message}`))
          .finally(() => this.resuming.delete(record.id));
        this.resuming.set(record.id, task);
      }
      tasks.push(task);
    }
    await Promise.all(tasks);
  }

  /** Changes a record that has no live engine (or marks one). */
  update(id: string, patch: Partial<ChatRecord>): void {
    const r = this.records.get(id);
    if (!r) return;
    const next = { ...r, ...patch, updatedAt: new Date().toISOString() };
    this.records.set(id, next);
    this.persist();
    this.changed.fire(next);
  }

  async remove(id: string): Promise<void> {
    this.live.get(id)?.unsubscribe();
    this.live.get(id)?.chat.dispose();
    this.live.delete(id);
    this.records.delete(id);
    this.persist();
    await this.store.pruneSecrets([], [id]);
    this.changed.fire(undefined);
  }

  async clear(): Promise<void> {
    const ids = [...this.records.keys()];
    this.disposeLive();
    this.records.clear();
    this.persist();
    await this.store.pruneSecrets([], ids);
    this.changed.fire(undefined);
  }

  private persist(now = false): void {
    this.store.save(this.list());
    if (now) void this.store.flush();
  }

  private disposeLive(): void {
    for (const { chat, unsubscribe } of this.live.values()) {
      unsubscribe();
      chat.dispose();
    }
    this.live.clear();
  }
}
