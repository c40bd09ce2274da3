import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FlowRuntimeOptions } from './options';

const botSuffix = '.lexbot.json';
const mockName = 'lambda-mocks.json';
const hoursName = 'hours-of-operation.json';

/**
 * Finds the runtime's workspace files in a folder and its direct subfolders (the layout of a
 * sandbox flows folder): every `*.lexbot.json`, plus `lambda-mocks.json` and
 * `hours-of-operation.json` (one each: the runtime reads a single file of each).
 */
export function discoverWorkspaceFiles(dir: string): Pick<FlowRuntimeOptions, 'lexBotFiles' | 'lambdaMockFile' | 'hoursOfOperationFile'> {
  const bots: string[] = [];
  const mocks: string[] = [];
  const hours: string[] = [];
  const scan = (folder: string, depth: number): void => {
    for (const name of readdirSync(folder).sort()) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const path = join(folder, name);
      if (statSync(path).isDirectory()) {
        if (depth === 0) scan(path, 1);
      } else if (name.endsWith(botSuffix)) bots.push(path);
      else if (name === mockName) mocks.push(path);
      else if (name === hoursName) hours.push(path);
    }
  };
  scan(dir, 0);
  if (mocks.length > 1) {
    throw new Error(`found ${mocks.length} ${mockName} files (${mocks.join(', ')}); keep one, the flow runtime reads a single Lambda mock file.`);
  }
  if (hours.length > 1) throw new Error(`found ${hours.length} ${hoursName} files (${hours.join(', ')}); keep one.`);
  return {
    ...(bots.length ? { lexBotFiles: bots } : {}),
    ...(mocks.length ? { lambdaMockFile: mocks[0] } : {}),
    ...(hours.length ? { hoursOfOperationFile: hours[0] } : {}),
  };
}
