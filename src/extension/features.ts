/**
 * Everything Chatreq does besides the activation shell (extension.ts): the connections and the
 * account cache, authoring, the request form, Test Chats, the conversation panels and the Test
 * Explorer. Bundled as its own file (dist/features.js) and loaded by the shell the first time a
 * request file, a Chatreq view, a Chatreq command, a restored form or conversation needs it, so
 * a workspace that only opens JSON files never parses it.
 *
 * One chunk, not one per area (authoring, connections, views), on purpose:
 * - every area needs the same core at once (live completion, the form, the Instances view and Test
 *   Chats all read the connection and the account cache), so the first use of any of them loads
 *   most of this file anyway;
 * - esbuild shares modules between chunks only for ESM output, and the extension is CommonJS:
 *   separate CommonJS bundles would each carry their own copy of the shared modules, so two areas
 *   could hold two connection services or two account caches;
 * - what it costs is small: about 290 KB minified, which V8 compiles in about 6 ms here (the
 *   shell that a JSON-only workspace loads is about 7 KB; `npm run bench` prints both).
 * The heavy parts that a first use does not need stay lazy chunks of their own: the AWS SDK
 * (dist/aws.js), the JSON language service (dist/json.js) and the sandbox (a child process).
 */
import type * as vscode from 'vscode';
import type { Logger } from '../core/log';
import { AccountCache } from './account/accountCache';
import { registerAuthoring } from './authoring';
import { registerTestChats, type TestChats } from './chats';
import { ConnectionService } from './connections/connectionService';
import { registerConnections } from './connections';
import { registerRequestForm } from './form';
import type { RequestFormProvider } from './form/requestFormProvider';
import { createSandboxHost, registerSandboxCommands } from './sandboxCommands';
import type { Services } from './services';
import { registerChatTests } from './testing';
import { useTrustLogger } from './trust';

/** What the shell gets back: what it delegates to, and the handles the test API exposes. */
export interface Features {
  readonly services: Services;
  readonly testChats: TestChats;
  readonly requestForm: RequestFormProvider;
  /** The workspace shows it uses Chatreq (a request file is open or exists): show the connection. */
  readonly engage: (why: string) => void;
  /** Writes what is not on disk yet (the Test Chats history); the shell's deactivate() awaits it. */
  readonly flush: () => Promise<void>;
}

/** Registers every feature; the shell has already disposed its stand-ins for their commands and views. */
export function activateFeatures(context: vscode.ExtensionContext, channel: vscode.LogOutputChannel, logger: Logger): Features {
  useTrustLogger(logger);
  const sandbox = createSandboxHost(logger);
  const connections = new ConnectionService(context, logger, sandbox);
  const account = new AccountCache(connections, logger);
  context.subscriptions.push(sandbox, connections, account);
  const services: Services = { context, channel, logger, sandbox, connections, account };

  registerSandboxCommands(services);
  // Feature modules register here: registerX(services).
  const usage = registerConnections(services);
  registerAuthoring(services);
  const requestForm = registerRequestForm(services);
  const testChats = registerTestChats(services);
  usage.watchView(testChats.tree.treeView);
  registerChatTests(services, testChats);
  return { services, testChats, requestForm, engage: usage.engage, flush: () => testChats.chats.store.flush() };
}
