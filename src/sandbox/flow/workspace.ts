import { CachedFile } from './workspaceFile';
import { mergeBots, parseLexBotFile, type LexBotDef } from './lexBot';
import { parseLambdaMockFile, type LambdaMocks } from './lambdaMock';
import { parseHoursFile, validateHours, type HoursOfOperation } from './hours';

/**
 * The bot definitions and Lambda mocks the runtime reads: given inline (checked once, at start-up)
 * and/or as workspace files (read again whenever they change). A file's Lambda mock replaces an
 * inline one of the same key; a bot name defined twice is an error.
 */
export class Workspace {
  private readonly botFiles: CachedFile<LexBotDef[]>[];
  private readonly mockFile: CachedFile<LambdaMocks> | undefined;
  private readonly inlineBots: LexBotDef[];
  private readonly inlineMocks: LambdaMocks | undefined;
  private readonly hoursFile: CachedFile<HoursOfOperation[]> | undefined;
  private readonly inlineHours: HoursOfOperation[];

  constructor(opts: { lexBotFiles?: string[]; lambdaMockFile?: string; lexBots?: unknown; lambdaMocks?: unknown; hoursOfOperation?: unknown; hoursOfOperationFile?: string }) {
    this.botFiles = (opts.lexBotFiles ?? []).map((f) => new CachedFile(f, parseLexBotFile));
    this.mockFile = opts.lambdaMockFile ? new CachedFile(opts.lambdaMockFile, parseLambdaMockFile) : undefined;
    this.inlineBots = opts.lexBots === undefined ? [] : parseLexBotFile(JSON.stringify(opts.lexBots), 'options.lexBots');
    this.inlineMocks = opts.lambdaMocks === undefined ? undefined : parseLambdaMockFile(JSON.stringify(opts.lambdaMocks), 'options.lambdaMocks');
    this.inlineHours = opts.hoursOfOperation === undefined ? [] : validateHours(opts.hoursOfOperation, 'options.hoursOfOperation');
    this.hoursFile = opts.hoursOfOperationFile ? new CachedFile(opts.hoursOfOperationFile, parseHoursFile) : undefined;
  }

  /** Inline hours plus the hours file's (a file entry replaces an inline one with the same ID). */
  hours(): { hours: HoursOfOperation[]; source: string } | { error: string } {
    if (!this.hoursFile) return { hours: this.inlineHours, source: 'options.hoursOfOperation' };
    try {
      const fromFile = this.hoursFile.load();
      const ids = new Set(fromFile.map((h) => h.HoursOfOperationId));
      return { hours: [...this.inlineHours.filter((h) => !ids.has(h.HoursOfOperationId)), ...fromFile], source: this.hoursFile.path };
    } catch (err) {
      return { error: (err as Error).message };
    }
  }

  lexBots(): { bots: LexBotDef[]; files: string[] } | { error: string } {
    if (this.botFiles.length === 0 && this.inlineBots.length === 0) {
      return { error: 'no Lex bot definition file is configured (a *.lexbot.json file with {"bots": [...]}).' };
    }
    try {
      const files = this.botFiles.map((f) => f.path);
      return { bots: mergeBots([this.inlineBots, ...this.botFiles.map((f) => f.load())]), files: this.inlineBots.length ? ['options.lexBots', ...files] : files };
    } catch (err) {
      return { error: (err as Error).message };
    }
  }

  lambdaMocks(): { mocks: LambdaMocks } | { error: string } {
    if (!this.mockFile) {
      return this.inlineMocks ? { mocks: this.inlineMocks } : { error: 'no Lambda mock file is configured (a JSON file with {"functions": {...}}).' };
    }
    try {
      const fromFile = this.mockFile.load();
      if (!this.inlineMocks) return { mocks: fromFile };
      return { mocks: { file: fromFile.file, functions: new Map([...this.inlineMocks.functions, ...fromFile.functions]) } };
    } catch (err) {
      return { error: (err as Error).message };
    }
  }
}
