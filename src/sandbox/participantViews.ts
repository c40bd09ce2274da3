/**
 * DescribeView (Show view block) and the two Authenticate Customer calls, GetAuthenticationUrl
 * and CancelParticipantAuthentication, on the Participant Service.
 *
 * Views come from a small built-in set named after the AWS managed views. Their schema and
 * template text here are the sandbox's own minimal stand-ins, not the real managed-view content
 * ([UNVERIFIED]); only the View shape (Id, Arn, Name, Version, Content{InputSchema, Template,
 * Actions}) is the model's.
 */
import { randomBytes } from 'node:crypto';
import { type OperationInput, type SandboxCore } from './core';
import { participantValidation, ServiceError } from './errors';
import { byConnectionToken, chain, requireReadable } from './participantOps';
import { Validator, type JsonObject } from './validate';

export interface BuiltInView {
  id: string;
  name: string;
  actions: string[];
  inputSchema: JsonObject;
  template: JsonObject;
}

export const BUILT_IN_VIEWS: BuiltInView[] = [
  {
    id: 'detail',
    name: 'Detail',
    actions: ['ActionSelected', 'Back'],
    inputSchema: { type: 'object', properties: { Heading: { type: 'string' }, Sections: { type: 'array' } } },
    template: { Head: { Title: 'Detail' }, Body: [{ _id: 'Detail', Type: 'Detail' }] },
  },
  {
    id: 'cards',
    name: 'Cards',
    actions: ['ActionSelected', 'Back'],
    inputSchema: { type: 'object', properties: { Heading: { type: 'string' }, Cards: { type: 'array' } } },
    template: { Head: { Title: 'Cards' }, Body: [{ _id: 'Cards', Type: 'Cards' }] },
  },
  {
    id: 'form',
    name: 'Form',
    actions: ['Submit', 'Cancel'],
    inputSchema: { type: 'object', properties: { Heading: { type: 'string' }, Sections: { type: 'array' } } },
    template: { Head: { Title: 'Form' }, Body: [{ _id: 'Form', Type: 'Form' }] },
  },
  {
    id: 'list',
    name: 'List',
    actions: ['ActionSelected', 'Back'],
    inputSchema: { type: 'object', properties: { Heading: { type: 'string' }, Items: { type: 'array' } } },
    template: { Head: { Title: 'List' }, Body: [{ _id: 'List', Type: 'List' }] },
  },
  {
    id: 'confirmation',
    name: 'Confirmation',
    actions: ['Next'],
    inputSchema: { type: 'object', properties: { Heading: { type: 'string' }, SubHeading: { type: 'string' } } },
    template: { Head: { Title: 'Confirmation' }, Body: [{ _id: 'Confirmation', Type: 'Confirmation' }] },
  },
];

/** A view by the ViewResource.Id a Show view block names: an ARN ending in `view/<id>[:version]` or the bare id. */
export function findBuiltInView(ref: string): BuiltInView | undefined {
  const tail = ref.slice(ref.lastIndexOf('/') + 1).split(':')[0].toLowerCase();
  return BUILT_IN_VIEWS.find((v) => v.id === tail || v.name.toLowerCase() === tail);
}

export function viewArn(region: string, v: BuiltInView): string {
  // AWS managed views live in the `aws` account [UNVERIFIED] for the exact ARN form.
  return `arn:aws:connect:${region}:aws:view/${v.id}`;
}

/** Tokens the Show view block issued: token -> the view and the contact it was shown on. */
export class ViewTokens {
  private readonly tokens = new Map<string, { view: BuiltInView; contactId: string }>();

  issue(view: BuiltInView, contactId: string): string {
    const token = randomBytes(48).toString('base64');
    this.tokens.set(token, { view, contactId });
    return token;
  }

  get(token: string): { view: BuiltInView; contactId: string } | undefined {
    return this.tokens.get(token);
  }

  forgetContact(contactId: string): void {
    for (const [k, t] of this.tokens) if (t.contactId === contactId) this.tokens.delete(k);
  }
}

export function describeView(core: SandboxCore, input: OperationInput): JsonObject {
  const p = byConnectionToken(core, input);
  const v = new Validator(participantValidation);
  const token = v.str(input.labels.ViewToken, 'ViewToken', { required: true, min: 1, max: 1000 });
  v.check();
  requireReadable(p);
  const entry = core.viewTokens.get(token!);
  if (!entry || !chain(core, p.contact).some((c) => c.contactId === entry.contactId)) {
    throw new ServiceError(404, 'ResourceNotFoundException', 'The ViewToken names no view shown in this chat.', { ResourceType: 'VIEW' });
  }
  const view = entry.view;
  return {
    View: {
      Id: view.id,
      Arn: viewArn(core.region, view),
      Name: view.name,
      Version: 1,
      Content: { InputSchema: JSON.stringify(view.inputSchema), Template: JSON.stringify(view.template), Actions: [...view.actions] },
    },
  };
}

const NO_AUTH_SESSION =
  'is not an authentication session of this chat: the sandbox does not run the Authenticate Customer block, so it never starts one (see src/sandbox/UNSUPPORTED.md).';

export function getAuthenticationUrl(core: SandboxCore, input: OperationInput): JsonObject {
  const p = byConnectionToken(core, input);
  const v = new Validator(participantValidation);
  const session = v.str(input.body.SessionId, 'SessionId', { required: true, min: 36, max: 36 });
  v.str(input.body.RedirectUri, 'RedirectUri', { required: true, min: 1, max: 1024 });
  v.check();
  requireReadable(p);
  throw participantValidation(`SessionId '${session!}' ${NO_AUTH_SESSION}`);
}

export function cancelParticipantAuthentication(core: SandboxCore, input: OperationInput): JsonObject {
  const p = byConnectionToken(core, input);
  const v = new Validator(participantValidation);
  const session = v.str(input.body.SessionId, 'SessionId', { required: true, min: 36, max: 36 });
  v.check();
  requireReadable(p);
  throw participantValidation(`SessionId '${session!}' ${NO_AUTH_SESSION}`);
}
