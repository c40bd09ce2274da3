import type { Flow, FlowAction, FlowTransitions } from './types';

/** A flow that Connect would refuse to publish; the message names the action and the field. */
export class FlowValidationError extends Error {
  override name = 'FlowValidationError';
}

const forbiddenIdChars = /[%:()\\/=$,;[\]{}]/;
const reservedIds = new Set([
  '__proto__', 'constructor', '__defineGetter__', '__defineSetter__', 'toString', 'hasOwnProperty',
  'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', 'valueOf',
]);
export const compareOperators = [
  'Equals', 'TextContains', 'TextStartsWith', 'TextEndsWith',
  'NumberGreaterThan', 'NumberGreaterOrEqualTo', 'NumberLessThan', 'NumberLessOrEqualTo',
] as const;
export const eventHooks = [
  'AgentHold', 'AgentWhisper', 'CustomerHold', 'CustomerQueue', 'CustomerRemaining', 'CustomerWhisper',
  'DefaultAgentUI', 'DisconnectAgentUI', 'PauseContact', 'ResumeContact',
];
const waitEvents = ['CustomerReturned', 'BotParticipantDisconnected'];
const maxActions = 250;

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parses and checks a Flow-language document. Structure is checked strictly (what Connect's
 * publish would refuse); branch coverage is left lenient so flows exported from real instances run.
 */
export function parseFlow(content: string | object, label: string): Flow {
  let doc: unknown = content;
  if (typeof content === 'string') {
    try {
      doc = JSON.parse(content);
    } catch (err) {
      throw new FlowValidationError(`Flow "${label}": the content is not valid JSON (${(err as Error).message}).`);
    }
  }
  const where = `Flow "${label}"`;
  if (!isObject(doc)) throw new FlowValidationError(`${where}: the content must be a JSON object, got ${kind(doc)}.`);
  if (Array.isArray(doc.modules) && doc.Actions === undefined) {
    throw new FlowValidationError(
      `${where}: this is the legacy console export format ("modules"); export the flow again from the flow designer to get the Flow language (Version 2019-10-30).`,
    );
  }
  if (doc.Version !== '2019-10-30') {
    throw new FlowValidationError(`${where}: Version must be "2019-10-30" (the only Flow-language version), got ${kind(doc.Version)}.`);
  }
  if (!Array.isArray(doc.Actions) || doc.Actions.length === 0) {
    throw new FlowValidationError(`${where}: Actions must be a non-empty array of actions, got ${kind(doc.Actions)}.`);
  }
  if (doc.Actions.length > maxActions) {
    throw new FlowValidationError(`${where}: Actions has ${doc.Actions.length} actions; a flow may have at most ${maxActions}.`);
  }
  const actions = new Map<string, FlowAction>();
  doc.Actions.forEach((raw, index) => {
    const action = readAction(raw, index, where);
    if (actions.has(action.Identifier)) {
      throw new FlowValidationError(`${where}: Actions[${index}].Identifier "${action.Identifier}" is used by more than one action; identifiers must be unique.`);
    }
    actions.set(action.Identifier, action);
  });
  if (typeof doc.StartAction !== 'string' || !actions.has(doc.StartAction)) {
    throw new FlowValidationError(`${where}: StartAction must be the Identifier of one of the Actions, got ${kind(doc.StartAction)}.`);
  }
  for (const action of actions.values()) checkTargets(action, actions, where);
  return { label, StartAction: doc.StartAction, actions };
}

function readAction(raw: unknown, index: number, where: string): FlowAction {
  if (!isObject(raw)) throw new FlowValidationError(`${where}: Actions[${index}] must be an object, got ${kind(raw)}.`);
  const id = raw.Identifier;
  if (typeof id !== 'string' || id.length === 0 || id.length > 50) {
    throw new FlowValidationError(`${where}: Actions[${index}].Identifier must be a string of 1 to 50 characters, got ${kind(id)}.`);
  }
  if (forbiddenIdChars.test(id) || reservedIds.has(id)) {
    throw new FlowValidationError(`${where}: action "${id}": Identifier may not contain any of % : ( \\ / ) = $ , ; [ ] { } and may not be a reserved JavaScript name.`);
  }
  const at = `${where}: action "${id}"`;
  if (typeof raw.Type !== 'string' || raw.Type.length === 0) {
    throw new FlowValidationError(`${at}: Type must be a non-empty string naming the action type, got ${kind(raw.Type)}.`);
  }
  const params = raw.Parameters ?? {};
  if (!isObject(params)) throw new FlowValidationError(`${at} (${raw.Type}): Parameters must be an object, got ${kind(params)}.`);
  const transitions = readTransitions(raw.Transitions, `${at} (${raw.Type})`);
  const action: FlowAction = { Identifier: id, Type: raw.Type, Parameters: params, Transitions: transitions };
  checkParameters(action, `${at} (${raw.Type})`);
  return action;
}

function readTransitions(raw: unknown, at: string): FlowTransitions {
  if (raw === undefined) return { Errors: [], Conditions: [] };
  if (!isObject(raw)) throw new FlowValidationError(`${at}: Transitions must be an object, got ${kind(raw)}.`);
  const out: FlowTransitions = { Errors: [], Conditions: [] };
  if (raw.NextAction !== undefined) {
    if (typeof raw.NextAction !== 'string') throw new FlowValidationError(`${at}: Transitions.NextAction must be an action Identifier string, got ${kind(raw.NextAction)}.`);
    out.NextAction = raw.NextAction;
  }
  const errors = raw.Errors ?? [];
  if (!Array.isArray(errors)) throw new FlowValidationError(`${at}: Transitions.Errors must be an array, got ${kind(errors)}.`);
  errors.forEach((e, i) => {
    if (!isObject(e) || typeof e.ErrorType !== 'string' || typeof e.NextAction !== 'string') {
      throw new FlowValidationError(`${at}: Transitions.Errors[${i}] must be {"NextAction": "<id>", "ErrorType": "<type>"}, got ${JSON.stringify(e)}.`);
    }
    out.Errors.push({ ErrorType: e.ErrorType, NextAction: e.NextAction });
  });
  const conditions = raw.Conditions ?? [];
  if (!Array.isArray(conditions)) throw new FlowValidationError(`${at}: Transitions.Conditions must be an array, got ${kind(conditions)}.`);
  conditions.forEach((c, i) => {
    const field = `Transitions.Conditions[${i}]`;
    if (!isObject(c) || typeof c.NextAction !== 'string') {
      throw new FlowValidationError(`${at}: ${field}.NextAction must be an action Identifier string.`);
    }
    const cond = c.Condition;
    if (!isObject(cond) || typeof cond.Operator !== 'string') {
      throw new FlowValidationError(`${at}: ${field}.Condition must be {"Operator": "<op>", "Operands": ["<value>"]}.`);
    }
    if (!Array.isArray(cond.Operands) || cond.Operands.length === 0) {
      throw new FlowValidationError(`${at}: ${field}.Condition.Operands must be a non-empty array of strings.`);
    }
    const operands = cond.Operands.map((o, j) => {
      if (typeof o === 'string') return o;
      if (typeof o === 'number' || typeof o === 'boolean') return String(o);
      throw new FlowValidationError(`${at}: ${field}.Condition.Operands[${j}] must be a string, got ${kind(o)}.`);
    });
    out.Conditions.push({ NextAction: c.NextAction, Condition: { Operator: cond.Operator, Operands: operands } });
  });
  return out;
}

function checkTargets(action: FlowAction, actions: Map<string, FlowAction>, where: string): void {
  const at = `${where}: action "${action.Identifier}" (${action.Type})`;
  const t = action.Transitions;
  if (t.NextAction !== undefined && !actions.has(t.NextAction)) {
    throw new FlowValidationError(`${at}: Transitions.NextAction "${t.NextAction}" is not the Identifier of any action in the flow.`);
  }
  t.Errors.forEach((e, i) => {
    if (!actions.has(e.NextAction)) {
      throw new FlowValidationError(`${at}: Transitions.Errors[${i}].NextAction "${e.NextAction}" is not the Identifier of any action in the flow.`);
    }
  });
  t.Conditions.forEach((c, i) => {
    if (!actions.has(c.NextAction)) {
      throw new FlowValidationError(`${at}: Transitions.Conditions[${i}].NextAction "${c.NextAction}" is not the Identifier of any action in the flow.`);
    }
  });
}

function requireString(p: Record<string, unknown>, key: string, at: string): void {
  if (typeof p[key] !== 'string' || (p[key]).length === 0) {
    throw new FlowValidationError(`${at}: Parameters.${key} is required and must be a non-empty string, got ${kind(p[key])}.`);
  }
}

function optionalString(p: Record<string, unknown>, key: string, at: string): void {
  if (p[key] !== undefined && typeof p[key] !== 'string') {
    throw new FlowValidationError(`${at}: Parameters.${key} must be a string, got ${kind(p[key])}.`);
  }
}

function checkStringMap(v: unknown, field: string, at: string): void {
  if (v === undefined) return;
  if (!isObject(v)) throw new FlowValidationError(`${at}: Parameters.${field} must be an object of string values, got ${kind(v)}.`);
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') throw new FlowValidationError(`${at}: Parameters.${field}.${k} must be a string, got ${kind(val)}.`);
  }
}

function checkOperators(action: FlowAction, allowed: readonly string[], at: string): void {
  action.Transitions.Conditions.forEach((c, i) => {
    if (!allowed.includes(c.Condition.Operator)) {
      throw new FlowValidationError(
        `${at}: Transitions.Conditions[${i}].Condition.Operator "${c.Condition.Operator}" is not supported here; use one of ${allowed.join(', ')}.`,
      );
    }
  });
}

/** Parameter checks for the action types the runtime executes; unknown types are not checked. */
function checkParameters(action: FlowAction, at: string): void {
  const p = action.Parameters;
  switch (action.Type) {
    case 'MessageParticipant': {
      for (const key of ['Text', 'SSML', 'PromptId']) optionalString(p, key, at);
      const given = ['Text', 'SSML', 'PromptId', 'Media'].filter((k) => p[k] !== undefined);
      if (given.length !== 1) {
        throw new FlowValidationError(`${at}: Parameters must have exactly one of Text, SSML, PromptId or Media, got ${given.length === 0 ? 'none' : given.join(' and ')}.`);
      }
      return;
    }
    case 'ConnectParticipantWithLexBot': {
      optionalString(p, 'Text', at);
      const v1 = p.LexBot;
      const v2 = p.LexV2Bot;
      if (v1 === undefined && v2 === undefined) {
        throw new FlowValidationError(`${at}: Parameters needs LexV2Bot {"AliasArn": "..."} or LexBot {"Name": "...", "Region": "...", "Alias": "..."}.`);
      }
      if (v2 !== undefined && (!isObject(v2) || typeof v2.AliasArn !== 'string' || v2.AliasArn === '')) {
        throw new FlowValidationError(`${at}: Parameters.LexV2Bot.AliasArn must be a non-empty string (the bot alias ARN).`);
      }
      if (v1 !== undefined && (!isObject(v1) || typeof v1.Name !== 'string' || v1.Name === '')) {
        throw new FlowValidationError(`${at}: Parameters.LexBot.Name must be a non-empty string (the bot name).`);
      }
      checkStringMap(p.LexSessionAttributes, 'LexSessionAttributes', at);
      if (p.LexTimeoutSeconds !== undefined) {
        const t = p.LexTimeoutSeconds;
        const text = isObject(t) ? t.Text : undefined;
        if (typeof text !== 'string' && typeof text !== 'number') {
          throw new FlowValidationError(`${at}: Parameters.LexTimeoutSeconds must be {"Text": <seconds>}, got ${JSON.stringify(t)}.`);
        }
      }
      const init = p.LexInitializationData ?? p.LexInitilizationData;
      if (init !== undefined && (!isObject(init) || (init.InitialMessage !== undefined && typeof init.InitialMessage !== 'string'))) {
        throw new FlowValidationError(`${at}: Parameters.LexInitializationData must be {"InitialMessage": "<text>"}.`);
      }
      return;
    }
    case 'UpdateContactAttributes': {
      if (!isObject(p.Attributes)) throw new FlowValidationError(`${at}: Parameters.Attributes is required and must be an object of attribute names to values.`);
      checkStringMap(p.Attributes, 'Attributes', at);
      if (p.TargetContact !== undefined && p.TargetContact !== 'Current' && p.TargetContact !== 'Related') {
        throw new FlowValidationError(`${at}: Parameters.TargetContact must be "Current" or "Related", got ${kind(p.TargetContact)}.`);
      }
      return;
    }
    case 'Compare':
      requireString(p, 'ComparisonValue', at);
      checkOperators(action, compareOperators, at);
      return;
    case 'DistributeByPercentage':
      checkOperators(action, [...compareOperators, 'NumericLessThan'], at);
      return;
    case 'CheckHoursOfOperation':
      optionalString(p, 'HoursOfOperationId', at);
      return;
    case 'Wait': {
      const t = p.TimeoutSeconds;
      if (typeof t === 'string' && t.startsWith('$')) {
        // dynamic: checked when the block runs
      } else {
        const n = typeof t === 'number' ? t : typeof t === 'string' ? Number(t) : NaN;
        if (!Number.isInteger(n) || n < 1 || n > 604800) {
          throw new FlowValidationError(`${at}: Parameters.TimeoutSeconds must be a whole number of seconds from 1 to 604800, or one JSONPath, got ${kind(t)}.`);
        }
      }
      if (p.Events !== undefined) {
        if (!Array.isArray(p.Events)) throw new FlowValidationError(`${at}: Parameters.Events must be an array, got ${kind(p.Events)}.`);
        for (const e of p.Events) {
          if (typeof e !== 'string' || !waitEvents.includes(e)) {
            throw new FlowValidationError(`${at}: Parameters.Events may contain only ${waitEvents.join(', ')}, got ${kind(e)}.`);
          }
        }
      }
      return;
    }
    case 'Loop': {
      const n = p.LoopCount;
      if (typeof n === 'string' && n.startsWith('$')) return;
      const count = typeof n === 'number' ? n : typeof n === 'string' ? Number(n) : NaN;
      if (!Number.isInteger(count) || count < 0 || count > 100) {
        throw new FlowValidationError(`${at}: Parameters.LoopCount must be a whole number from 0 to 100, or one JSONPath, got ${kind(n)}.`);
      }
      return;
    }
    case 'UpdateFlowLoggingBehavior':
      if (p.FlowLoggingBehavior !== 'Enabled' && p.FlowLoggingBehavior !== 'Disabled') {
        throw new FlowValidationError(`${at}: Parameters.FlowLoggingBehavior must be "Enabled" or "Disabled", got ${kind(p.FlowLoggingBehavior)}.`);
      }
      return;
    case 'UpdateContactTargetQueue':
      optionalString(p, 'QueueId', at);
      optionalString(p, 'AgentId', at);
      if ((p.QueueId === undefined) === (p.AgentId === undefined)) {
        throw new FlowValidationError(`${at}: Parameters needs exactly one of QueueId or AgentId.`);
      }
      return;
    case 'TransferToFlow':
      requireString(p, 'ContactFlowId', at);
      return;
    case 'InvokeLambdaFunction': {
      requireString(p, 'LambdaFunctionARN', at);
      const limit = p.InvocationTimeLimitSeconds;
      if (limit !== undefined) {
        const n = Number(limit);
        if ((typeof limit !== 'string' && typeof limit !== 'number') || !Number.isInteger(n) || n < 1 || n > 8) {
          throw new FlowValidationError(`${at}: Parameters.InvocationTimeLimitSeconds must be a whole number from 1 to 8, got ${kind(limit)}.`);
        }
      }
      if (p.InvocationType !== undefined && p.InvocationType !== 'SYNCHRONOUS' && p.InvocationType !== 'ASYNCHRONOUS') {
        throw new FlowValidationError(`${at}: Parameters.InvocationType must be "SYNCHRONOUS" or "ASYNCHRONOUS", got ${kind(p.InvocationType)}.`);
      }
      checkStringMap(p.LambdaInvocationAttributes, 'LambdaInvocationAttributes', at);
      const rv = p.ResponseValidation;
      if (rv !== undefined && (!isObject(rv) || (rv.ResponseType !== 'STRING_MAP' && rv.ResponseType !== 'JSON'))) {
        throw new FlowValidationError(`${at}: Parameters.ResponseValidation.ResponseType must be "STRING_MAP" or "JSON".`);
      }
      return;
    }
    case 'UpdateContactEventHooks': {
      const hooks = p.EventHooks;
      if (!isObject(hooks) || Object.keys(hooks).length !== 1) {
        throw new FlowValidationError(`${at}: Parameters.EventHooks must be an object with exactly one entry, e.g. {"CustomerQueue": "<flow ARN>"}.`);
      }
      const [name, value] = Object.entries(hooks)[0];
      if (!eventHooks.includes(name)) {
        throw new FlowValidationError(`${at}: Parameters.EventHooks key "${name}" is not an event hook; use one of ${eventHooks.join(', ')}.`);
      }
      if (typeof value !== 'string' || value === '') {
        throw new FlowValidationError(`${at}: Parameters.EventHooks.${name} must be a flow ID or ARN string.`);
      }
      return;
    }
    case 'UpdateFlowAttributes': {
      const fa = p.FlowAttributes;
      if (!isObject(fa)) throw new FlowValidationError(`${at}: Parameters.FlowAttributes must be an object of attribute names to {"Value": "..."}.`);
      for (const [k, v] of Object.entries(fa)) {
        // The docs leave the value shape vague: accept a plain string or {"Value": "<string>"}.
        if (typeof v !== 'string' && (!isObject(v) || typeof v.Value !== 'string')) {
          throw new FlowValidationError(`${at}: Parameters.FlowAttributes.${k} must be a string or {"Value": "<string>"}, got ${kind(v)}.`);
        }
      }
      return;
    }
    default:
      return;
  }
}
