import { CachedFile } from './workspaceFile';
import { mergeBots, parseLexBotFile, type LexBotDef } from './lexBot';
import { parseLambdaMockFile, type LambdaMocks } from './lambdaMock';

/** The workspace files the runtime reads: Lex bot definitions and the Lambda mock file. */
export class Workspace {
  private readonly botFiles: CachedFile<LexBotDef[]>[];
  private readonly mockFile: CachedFile<LambdaMocks> | undefined;

  constructor(lexBotFiles: string[] = [], lambdaMockFile?: string) {
    this.botFiles = lexBotFiles.map((f) => new CachedFile(f, parseLexBotFile));
    this.mockFile = lambdaMockFile ? new CachedFile(lambdaMockFile, parseLambdaMockFile) : undefined;
  }

  lexBots(): { bots: LexBotDef[]; files: string[] } | { error: string } {
    if (this.botFiles.length === 0) {
      return { error: 'no Lex bot definition file is configured (a *.lexbot.json file with {"bots": [...]}).' };
    }
    try {
      return { bots: mergeBots(this.botFiles.map((f) => f.load())), files: this.botFiles.map((f) => f.path) };
    } catch (err) {
      return { error: (err as Error).message };
    }
  }

  lambdaMocks(): { mocks: LambdaMocks } | { error: string } {
    if (!this.mockFile) return { error: 'no Lambda mock file is configured (a JSON file with {"functions": {...}}).' };
    try {
      return { mocks: this.mockFile.load() };
    } catch (err) {
      return { error: (err as Error).message };
    }
  }
}
