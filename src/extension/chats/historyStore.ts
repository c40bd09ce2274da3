import * as vscode from 'vscode';
import { isLiveState, parseHistory, serializeHistory } from '../../core/chat/history';
import type { ChatRecord, ChatSecrets } from '../../core/chat/types';
import type { Logger } from '../../core/log';

const FILE_NAME = 'test-chats.json';
const SECRET_PREFIX = 'chatreq.chat.';

/**
 * Where the Test Chats history lives: records in a JSON file in the workspace's storage folder
 * (the global one when no folder is open), tokens in SecretStorage only. Saves are coalesced so a
 * chat streaming items does not write the file per item.
 */
export class HistoryStore implements vscode.Disposable {
  private readonly folder: vscode.Uri;
  private pendingSave: ReturnType<typeof setTimeout> | undefined;
  private saving: Promise<void> = Promise.resolve();
  private latest: readonly ChatRecord[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly logger: Logger,
    private readonly saveDelayMs = 250,
    folder?: vscode.Uri,
  ) {
    this.folder = folder ?? context.storageUri ?? context.globalStorageUri;
  }

  get file(): vscode.Uri {
    return vscode.Uri.joinPath(this.folder, FILE_NAME);
  }

  /** Reads the history. A corrupt file is moved aside (with a message), never thrown. */
  async load(): Promise<ChatRecord[]> {
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(this.file);
    } catch {
      return [];
    }
    const parsed = parseHistory(new TextDecoder().decode(bytes));
    if (parsed.ok) {
      if (parsed.dropped > 0) this.logger.warn(`[chats] ${parsed.dropped} unreadable chat(s) in the history were skipped`);
      this.latest = parsed.chats;
      return parsed.chats;
    }
    const aside = vscode.Uri.joinPath(this.folder, `test-chats.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    try {
      await vscode.workspace.fs.rename(this.file, aside, { overwrite: true });
    } catch (e) {
      this.logger.error(`[chats] could not move the unreadable history aside: ${(e as Error).message}`);
    }
    const message = `Chatreq could not read its Test Chats history: ${parsed.problem}. It was moved to ${aside.fsPath} and a new history was started.`;
    this.logger.error(`[chats] ${message}`);
    void vscode.window.showWarningMessage(message);
    return [];
  }

  /** Schedules a save of `chats` (the latest call wins). */
  save(chats: readonly ChatRecord[]): void {
    this.latest = chats;
    if (this.pendingSave) return;
    this.pendingSave = setTimeout(() => {
      this.pendingSave = undefined;
      void this.flush();
    }, this.saveDelayMs);
  }

  /** Writes what was last saved now; resolves when it is on disk. */
  flush(): Promise<void> {
    if (this.pendingSave) {
      clearTimeout(this.pendingSave);
      this.pendingSave = undefined;
    }
    const text = serializeHistory(this.latest);
    this.saving = this.saving.then(async () => {
      try {
        await vscode.workspace.fs.createDirectory(this.folder);
        await vscode.workspace.fs.writeFile(this.file, new TextEncoder().encode(text));
      } catch (e) {
        this.logger.error(`[chats] could not save the Test Chats history: ${(e as Error).message}`);
      }
    });
    return this.saving;
  }

  async secrets(id: string): Promise<ChatSecrets | undefined> {
    const raw = await this.context.secrets.get(SECRET_PREFIX + id);
    if (!raw) return undefined;
    try {
      const s = JSON.parse(raw) as ChatSecrets;
      return typeof s.participantToken === 'string' ? s : undefined;
    } catch {
      return undefined;
    }
  }

  async storeSecrets(id: string, secrets: ChatSecrets | undefined): Promise<void> {
    if (secrets) await this.context.secrets.store(SECRET_PREFIX + id, JSON.stringify(secrets));
    else await this.context.secrets.delete(SECRET_PREFIX + id);
  }

  /** Drops the tokens of chats that are gone or can no longer be live. */
  async pruneSecrets(chats: readonly ChatRecord[], removedIds: readonly string[] = []): Promise<void> {
    const tasks = removedIds.map((id) => this.context.secrets.delete(SECRET_PREFIX + id));
    for (const c of chats) if (!isLiveState(c.state)) tasks.push(this.context.secrets.delete(SECRET_PREFIX + c.id));
    await Promise.all(tasks);
  }

  dispose(): void {
    if (this.pendingSave) void this.flush();
  }
}
