/** Which operation a request names: exact methods and paths from the Smithy models. */
import * as connect from './connectOps';
import { type OperationInput, type SandboxCore } from './core';
import { type ServiceName } from './errors';
import { type OperationName } from './faults';
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
  { op: 'CreateParticipantConnection', service: 'participant', method: 'POST', pattern: /^\/participant\/connection$/, labels: [], hasBody: true, handler: participant.createParticipantConnection, throttleType: T },
  { op: 'SendMessage', service: 'participant', method: 'POST', pattern: /^\/participant\/message$/, labels: [], hasBody: true, handler: participant.sendMessage, throttleType: T },
  { op: 'SendEvent', service: 'participant', method: 'POST', pattern: /^\/participant\/event$/, labels: [], hasBody: true, handler: participant.sendEvent, throttleType: T },
  { op: 'GetTranscript', service: 'participant', method: 'POST', pattern: /^\/participant\/transcript$/, labels: [], hasBody: true, handler: participant.getTranscript, throttleType: T },
  { op: 'DisconnectParticipant', service: 'participant', method: 'POST', pattern: /^\/participant\/disconnect$/, labels: [], hasBody: true, handler: participant.disconnectParticipant, throttleType: T },
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
