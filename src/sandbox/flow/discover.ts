import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FlowRuntimeOptions } from './options';

const botSuffix = '.lexbot.json';
const mockName = 'lambda-mocks.json';

/**
 * Finds the runtime's workspace files in a folder and its direct subfolders (the layout of a
 * sandbox flows folder): every `*.lexbot.json`, and `lambda-mocks.json` (more than one is an error,
 * since the runtime reads a single mock file).
 */
export function discoverWorkspaceFiles(dir: string): Pick<FlowRuntimeOptions, 'lexBotFiles' | 'lambdaMockFile'> {
  const bots: string[] = [];
  const mocks: string[] = [];
  const scan = (folder: string, depth: number): void => {
    for (const name of readdirSync(folder).sort()) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const path = join(folder, name);
      if (statSync(path).isDirectory()) {
        if (depth === 0) scan(path, 1);
      } else if (name.endsWith(botSuffix)) bots.push(path);
      else if (name === mockName) mocks.push(path);
    }
  };
  scan(dir, 0);
  if (mocks.length > 1) {
    throw new Error(`found ${mocks.length} ${mockName} files (${mocks.join(', ')}); keep one, the flow runtime reads a single Lambda mock file.`);
  }
  return { ...(bots.length ? { lexBotFiles: bots } : {}), ...(mocks.length ? { lambdaMockFile: mocks[0] } : {}) };
}
