import { WorkspaceFileError, describe, isObject, parseJsonFile } from './workspaceFile';

/**
 * The sandbox's stand-in for an Amazon Lex bot, read from a workspace file (`*.lexbot.json`):
 * intents with sample utterances and slots, the replies, and session attributes. Classification
 * is deliberately simple and predictable (see {@link classify}) so a test can say which intent wins.
 */
export interface LexReply {
  contentType: string;
  content: string;
}

/** The built-in slot types the simulation resolves (a slot with `values` is a custom slot type). */
export const LEX_SLOT_TYPES = ['AMAZON.Number', 'AMAZON.AlphaNumeric', 'AMAZON.FreeFormInput'] as const;
export type LexSlotType = (typeof LEX_SLOT_TYPES)[number];

export interface LexSlotDef {
  name: string;
  /** Accepted values (a custom slot type); the slot takes the listed value the answer names. */
  values?: string[];
  /**
   * A built-in slot type: AMAZON.Number takes the number in the answer ("order 12345, please" ->
   * 12345), AMAZON.AlphaNumeric the first word with a digit in it, AMAZON.FreeFormInput the whole
   * answer. Without `values` or `type` the slot is free form.
   */
  type?: LexSlotType;
  /** What the bot asks when the slot is missing. */
  prompt: string;
  required: boolean;
}

export interface LexIntentDef {
  name: string;
  utterances: string[];
  slots: LexSlotDef[];
  sessionAttributes: Record<string, string>;
  reply?: LexReply;
}

export interface LexBotDef {
  name: string;
  botId?: string;
  aliasArns: string[];
  confidenceThreshold: number;
  fallbackReply?: LexReply;
  /**
   * What the bot says when a Lex block starts without a customer utterance (a real bot does this
   * with a welcome intent or a Lambda hook). An interactive template goes here as
   * {"contentType": "application/vnd.amazonaws.connect.message.interactive", "content": {...}}.
   */
  welcome?: LexReply;
  intents: LexIntentDef[];
  /** The file it came from, for messages. */
  file: string;
}

const plain = 'text/plain';

function readReply(v: unknown, at: string): LexReply | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string' && v.length > 0) return { contentType: plain, content: v };
  if (isObject(v) && typeof v.contentType === 'string' && v.contentType && (typeof v.content === 'string' || isObject(v.content))) {
    return { contentType: v.contentType, content: typeof v.content === 'string' ? v.content : JSON.stringify(v.content) };
  }
  throw new WorkspaceFileError(`${at} must be a non-empty string or {"contentType": "...", "content": "..."}, got ${describe(v)}.`);
}

function readStringArray(v: unknown, at: string, nonEmpty: boolean): string[] {
  if (!Array.isArray(v) || (nonEmpty && v.length === 0) || v.some((x) => typeof x !== 'string' || x.trim() === '')) {
    throw new WorkspaceFileError(`${at} must be ${nonEmpty ? 'a non-empty' : 'an'} array of non-empty strings, got ${describe(v)}.`);
  }
  return v as string[];
}

/** Parses and validates one Lex bot definition file; the message names the file and the field. */
export function parseLexBotFile(text: string, fileName: string): LexBotDef[] {
  const doc = parseJsonFile(text, fileName);
  if (!isObject(doc) || !Array.isArray(doc.bots)) {
    throw new WorkspaceFileError(`${fileName}: expected {"bots": [ ... ]}, got ${describe(doc)} without a "bots" array.`);
  }
  return doc.bots.map((raw, b): LexBotDef => {
    const at = `${fileName}: bots[${b}]`;
    if (!isObject(raw)) throw new WorkspaceFileError(`${at} must be an object, got ${describe(raw)}.`);
    if (typeof raw.name !== 'string' || raw.name === '') throw new WorkspaceFileError(`${at}.name must be the bot's name (a non-empty string).`);
    const botAt = `${fileName}: bot "${raw.name}"`;
    if (raw.botId !== undefined && typeof raw.botId !== 'string') throw new WorkspaceFileError(`${botAt}: botId must be a string.`);
    const aliasArns = raw.aliasArns === undefined ? [] : readStringArray(raw.aliasArns, `${botAt}: aliasArns`, false);
    const threshold = raw.confidenceThreshold ?? 0.6;
    if (typeof threshold !== 'number' || threshold <= 0 || threshold > 1) {
      throw new WorkspaceFileError(`${botAt}: confidenceThreshold must be a number above 0 and at most 1, got ${describe(threshold)}.`);
    }
    if (!Array.isArray(raw.intents) || raw.intents.length === 0) {
      throw new WorkspaceFileError(`${botAt}: intents must be a non-empty array.`);
    }
    const names = new Set<string>();
    const intents = raw.intents.map((ri, i): LexIntentDef => {
      if (!isObject(ri) || typeof ri.name !== 'string' || ri.name === '') {
        throw new WorkspaceFileError(`${botAt}: intents[${i}].name must be a non-empty string.`);
      }
      const iat = `${botAt}: intent "${ri.name}"`;
      if (names.has(ri.name)) throw new WorkspaceFileError(`${iat} is defined twice.`);
      names.add(ri.name);
      const utterances = readStringArray(ri.utterances, `${iat}: utterances`, true);
      const slotsRaw = ri.slots ?? [];
      if (!Array.isArray(slotsRaw)) throw new WorkspaceFileError(`${iat}: slots must be an array.`);
      const slots = slotsRaw.map((rs, s): LexSlotDef => {
        if (!isObject(rs) || typeof rs.name !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(rs.name)) {
          throw new WorkspaceFileError(`${iat}: slots[${s}].name must be a name of letters, digits and _ starting with a letter.`);
        }
        const sat = `${iat}: slot "${rs.name}"`;
        const values = rs.values === undefined ? undefined : readStringArray(rs.values, `${sat}: values`, true);
        if (rs.type !== undefined && (typeof rs.type !== 'string' || !(LEX_SLOT_TYPES as readonly string[]).includes(rs.type))) {
          throw new WorkspaceFileError(`${sat}: type must be one of ${LEX_SLOT_TYPES.join(', ')} (or leave it out and list "values" for a custom slot type), got ${describe(rs.type)}.`);
        }
        if (rs.type !== undefined && values !== undefined) {
          throw new WorkspaceFileError(`${sat}: has both "type" and "values"; a slot with listed values is a custom slot type, so drop "type".`);
        }
        const required = rs.required ?? true;
        if (typeof required !== 'boolean') throw new WorkspaceFileError(`${sat}: required must be true or false.`);
        if (typeof rs.prompt !== 'string' || rs.prompt === '') {
          throw new WorkspaceFileError(`${sat}: prompt must be the question the bot asks for this slot (a non-empty string).`);
        }
        return { name: rs.name, values, ...(rs.type !== undefined ? { type: rs.type as LexSlotType } : {}), prompt: rs.prompt, required };
      });
      for (const u of utterances) {
        for (const m of u.matchAll(/\{([^}]*)\}/g)) {
          if (!slots.some((s) => s.name === m[1])) {
            throw new WorkspaceFileError(`${iat}: utterance "${u}" uses {${m[1]}}, which is not one of the intent's slots.`);
          }
        }
      }
      const sa = ri.sessionAttributes ?? {};
      if (!isObject(sa) || Object.values(sa).some((v) => typeof v !== 'string')) {
        throw new WorkspaceFileError(`${iat}: sessionAttributes must be an object of string values.`);
      }
      return { name: ri.name, utterances, slots, sessionAttributes: sa as Record<string, string>, reply: readReply(ri.reply, `${iat}: reply`) };
    });
    return {
      name: raw.name,
      botId: raw.botId,
      aliasArns,
      confidenceThreshold: threshold,
      fallbackReply: readReply(raw.fallbackReply, `${botAt}: fallbackReply`),
      ...(raw.welcome !== undefined ? { welcome: readReply(raw.welcome, `${botAt}: welcome`) } : {}),
      intents,
      file: fileName,
    };
  });
}

/** Joins the bots of several files; a bot name defined twice is an error naming both files. */
export function mergeBots(lists: LexBotDef[][]): LexBotDef[] {
  const byName = new Map<string, LexBotDef>();
  for (const bot of lists.flat()) {
    const prior = byName.get(bot.name);
    if (prior) throw new WorkspaceFileError(`Lex bot "${bot.name}" is defined in both ${prior.file} and ${bot.file}; keep one.`);
    byName.set(bot.name, bot);
  }
  return [...byName.values()];
}

/** Finds the bot a ConnectParticipantWithLexBot block names (V2 alias ARN, or V1 name). */
export function findBot(bots: LexBotDef[], ref: { aliasArn?: string; name?: string }): LexBotDef | undefined {
  if (ref.aliasArn) {
    const arn = ref.aliasArn;
    const botId = /:bot-alias\/([^/]+)\//.exec(arn)?.[1];
    return bots.find((b) => b.aliasArns.includes(arn)) ?? bots.find((b) => botId !== undefined && b.botId === botId);
  }
  return bots.find((b) => b.name === ref.name);
}

// ---------------------------------------------------------------------------------------------
// Conversation

export function normalize(s: string): string {
  return s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The value of a slot a text names, resolved by the slot's type as Lex does: a listed value
 * (longest first, whole words), the number in it, the first word with a digit, or (free form) the
 * whole text. Undefined when the text holds no such value.
 */
function findSlotValue(slot: LexSlotDef, text: string): string | undefined {
  if (slot.values) {
    const norm = ` ${normalize(text)} `;
    const sorted = [...slot.values].sort((a, b) => b.length - a.length);
    return sorted.find((v) => norm.includes(` ${normalize(v)} `));
  }
  switch (slot.type) {
    case 'AMAZON.Number':
      return /(?<![\p{L}\p{N}.])-?\d+(?:\.\d+)?(?![\p{L}\p{N}])/u.exec(text)?.[0];
    case 'AMAZON.AlphaNumeric': {
      const words = text.split(/[^\p{L}\p{N}-]+/u).filter(Boolean);
      return words.find((w) => /\p{N}/u.test(w)) ?? (words.length === 1 ? words[0] : undefined);
    }
    default:
      return text.trim() || undefined;
  }
}

/** Whether a slot's value can be picked out of a longer sentence (not a free-form slot). */
function resolvable(slot: LexSlotDef): boolean {
  return slot.values !== undefined || slot.type === 'AMAZON.Number' || slot.type === 'AMAZON.AlphaNumeric';
}

export interface Classification {
  intent: LexIntentDef;
  score: number;
  slots: Record<string, string>;
}

/**
 * Picks the intent for an utterance. An exact match of a sample utterance (slots matching any
 * text, or one of their values) scores 1; otherwise the score is the share of the sample's words
 * found in the utterance. The best score wins (ties: the intent defined first) if it reaches the
 * bot's confidenceThreshold. Slots whose type can be picked out of a sentence (listed values, a
 * number, an alphanumeric word) are filled from anywhere in the utterance too.
 */
export function classify(bot: LexBotDef, text: string): Classification | undefined {
  const input = normalize(text);
  const words = new Set(input.split(' ').filter(Boolean));
  let best: Classification | undefined;
  for (const intent of bot.intents) {
    for (const utterance of intent.utterances) {
      const slots: Record<string, string> = {};
      let score = 0;
      const slotNames: string[] = [];
      const pattern = utterance
        .split(/(\{[^}]*\})/)
        .map((part) => {
          const m = /^\{([^}]*)\}$/.exec(part);
          if (m) {
            slotNames.push(m[1]);
            return '(.+?)';
          }
          const n = normalize(part);
          return n ? escapeRe(n) : '';
        })
        .filter((p) => p !== '')
        .join(' ');
      const exact = new RegExp(`^${pattern}$`).exec(input);
      if (exact) {
        score = 1;
        slotNames.forEach((name, i) => {
          const slot = intent.slots.find((s) => s.name === name);
          // A number or code is picked out of the utterance as written (case and hyphens kept).
          const from = slot?.type === 'AMAZON.Number' || slot?.type === 'AMAZON.AlphaNumeric' ? text : exact[i + 1];
          const value = slot ? findSlotValue(slot, from) : undefined;
          if (value !== undefined) slots[name] = value;
        });
      } else {
        const sample = normalize(utterance.replace(/\{[^}]*\}/g, ' ')).split(' ').filter(Boolean);
        if (sample.length > 0) score = sample.filter((w) => words.has(w)).length / sample.length;
      }
      for (const slot of intent.slots) {
        if (slots[slot.name] === undefined && resolvable(slot)) {
          const value = findSlotValue(slot, text);
          if (value !== undefined) slots[slot.name] = value;
        }
      }
      if (!best || score > best.score) best = { intent, score, slots };
    }
  }
  return best && best.score >= bot.confidenceThreshold ? best : undefined;
}

export type LexTurn =
  | { done: false; replies: LexReply[] }
  | {
      done: true;
      replies: LexReply[];
      intentName: string;
      score: number;
      slots: Record<string, string>;
      sessionAttributes: Record<string, string>;
    };

/** One conversation between a customer and a simulated bot, for one Lex block. */
export class LexConversation {
  private intent: LexIntentDef | undefined;
  private score = 0;
  private slots: Record<string, string> = {};
  private eliciting: LexSlotDef | undefined;

  constructor(private readonly bot: LexBotDef) {}

  /** Feeds one customer utterance; returns what the bot says and whether the dialog closed. */
  hear(text: string): LexTurn {
    if (this.intent && this.eliciting) {
      const value = findSlotValue(this.eliciting, text);
      if (value === undefined) return { done: false, replies: [{ contentType: plain, content: this.eliciting.prompt }] };
      this.slots[this.eliciting.name] = value;
      this.eliciting = undefined;
    } else {
      const found = classify(this.bot, text);
      if (!found) {
        return {
          done: true,
          replies: this.bot.fallbackReply ? [this.bot.fallbackReply] : [],
          intentName: 'FallbackIntent',
          score: 0,
          slots: {},
          sessionAttributes: {},
        };
      }
      this.intent = found.intent;
      this.score = found.score;
      this.slots = found.slots;
    }
    const intent = this.intent;
    const missing = intent.slots.find((s) => s.required && this.slots[s.name] === undefined);
    if (missing) {
      this.eliciting = missing;
      return { done: false, replies: [{ contentType: plain, content: missing.prompt }] };
    }
    const replies: LexReply[] = [];
    if (intent.reply) {
      const content = intent.reply.content.replace(/\{([A-Za-z][A-Za-z0-9_]*)\}/g, (whole, name: string) =>
        intent.slots.some((s) => s.name === name) ? (this.slots[name] ?? '') : whole,
      );
      replies.push({ contentType: intent.reply.contentType, content });
    }
    return {
      done: true,
      replies,
      intentName: intent.name,
      score: this.score,
      slots: { ...this.slots },
      sessionAttributes: { ...intent.sessionAttributes },
    };
  }
}
