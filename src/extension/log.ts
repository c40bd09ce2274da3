import * as vscode from 'vscode';
import { type Logger, redactingLogger } from '../core/log';
import { OUTPUT_CHANNEL_NAME } from './ids';

/** The "Chatreq" log output channel (its level follows Developer: Set Log Level), redacted. */
export function createLogger(): { channel: vscode.LogOutputChannel; logger: Logger } {
  const channel = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  return { channel, logger: redactingLogger(channel) };
}
