/** Which operation a request names: exact methods and paths from the Smithy models. */
import * as connect from './connectOps';
import { type OperationInput, type SandboxCore } from './core';
import { type ServiceName } from './errors';
import { type OperationName } from './faults';
import * as logs from './logsOps';
import * as participant from './participantOps';
import { type JsonObject } from './validate';

export interface Route {
  op: OperationName;
  service: ServiceName;
  method: 'GET' | 'PUT' | 'POST';
  pattern: RegExp;
  labels: string[];
  hasBody: boolean;
  handler: (core: SandboxCore, input: OperationInput) => JsonObject;
  /** Where TPS throttling is modelled the service says ThrottlingException; elsewhere it is unmodelled. */
  throttleType: string;
}

const T = 'ThrottlingException';
const TMR = 'TooManyRequestsException';

export const ROUTES: Route[] = [
  { op: 'ListInstances', service: 'connect', method: 'GET', pattern: /^\/instance$/, labels: [], hasBody: false, handler: connect.listInstances, throttleType: TMR },
  { op: 'DescribeInstance', service: 'connect', method: 'GET', pattern: /^\/instance\/([^/]+)$/, labels: ['InstanceId'], hasBody: false, handler: connect.describeInstance, throttleType: TMR },
  { op: 'ListContactFlows', service: 'connect', method: 'GET', pattern: /^\/contact-flows-summary\/([^/]+)$/, labels: ['InstanceId'], hasBody: false, handler: connect.listContactFlows, throttleType: T },
  { op: 'DescribeContactFlow', service: 'connect', method: 'GET', pattern: /^\/contact-flows\/([^/]+)\/([^/]+)$/, labels: ['InstanceId', 'ContactFlowId'], hasBody: false, handler: connect.describeContactFlow, throttleType: T },
  { op: 'SearchContactFlows', service: 'connect', method: 'POST', pattern: /^\/search-contact-flows$/, labels: [], hasBody: true, handler: connect.searchContactFlows, throttleType: T },
  { op: 'StartChatContact', service: 'connect', method: 'PUT', pattern: /^\/contact\/chat$/, labels: [], hasBody: true, handler: connect.startChatContact, throttleType: TMR },
  { op: 'StopContact', service: 'connect', method: 'POST', pattern: /^\/contact\/stop$/, labels: [], hasBody: true, handler: connect.stopContact, throttleType: TMR },
  // DescribeContact models ThrottlingException (429); GetContactAttributes models no throttle error.
  { op: 'DescribeContact', service: 'connect', method: 'GET', pattern: /^\/contacts\/([^/]+)\/([^/]+)$/, labels: ['InstanceId', 'ContactId'], hasBody: false, handler: connect.describeContact, throttleType: T },
  { op: 'GetContactAttributes', service: 'connect', method: 'GET', pattern: /^\/contact\/attributes\/([^/]+)\/([^/]+)$/, labels: ['InstanceId', 'InitialContactId'], hasBody: false, handler: connect.getContactAttributes, throttleType: TMR },
  { op: 'CreateParticipantConnection', service: 'participant', method: 'POST', pattern: /^\/participant\/connection$/, labels: [], hasBody: true, handler: participant.createParticipantConnection, throttleType: T },
  { op: 'SendMessage', service: 'participant', method: 'POST', pattern: /^\/participant\/message$/, labels: [], hasBody: true, handler: participant.sendMessage, throttleType: T },
  { op: 'SendEvent', service: 'participant', method: 'POST', pattern: /^\/participant\/event$/, labels: [], hasBody: true, handler: participant.sendEvent, throttleType: T },
  { op: 'GetTranscript', service: 'participant', method: 'POST', pattern: /^\/participant\/transcript$/, labels: [], hasBody: true, handler: participant.getTranscript, throttleType: T },
  { op: 'DisconnectParticipant', service: 'participant', method: 'POST', pattern: /^\/participant\/disconnect$/, labels: [], hasBody: true, handler: participant.disconnectParticipant, throttleType: T },
];

/** An awsJson1_1 operation: `POST /` named by its `X-Amz-Target` header. */
export interface JsonRoute {
  op: OperationName;
  service: ServiceName;
  target: string;
  handler: (core: SandboxCore, input: OperationInput) => JsonObject;
  throttleType: string;
  /** CloudWatch Logs throttles with 400 [UNVERIFIED]; Connect's REST routes use 429. */
  throttleStatus: number;
}

export const JSON_ROUTES: JsonRoute[] = [
  { op: 'FilterLogEvents', service: 'logs', target: 'Logs_20140328.FilterLogEvents', handler: logs.filterLogEvents, throttleType: T, throttleStatus: 400 },
];

export type RouteMatch = { route: Route; labels: string[] } | { route?: undefined; sameMethodPaths: string[]; otherMethod?: Route };

export function matchRoute(method: string, path: string): RouteMatch {
  let otherMethod: Route | undefined;
  for (const route of ROUTES) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    if (route.method === method) return { route, labels: m.slice(1) };
    otherMethod ??= route;
  }
  return { sameMethodPaths: [], ...(otherMethod ? { otherMethod } : {}) };
}
