import assert from 'node:assert/strict';
import { interpolate, isSinglePath, resolveParameter, resolvePath, type AttributeScope } from '../../../src/sandbox/flow/attributes';
import { flowDoc, instanceArn, source, startContact, view } from './harness';

function scope(): AttributeScope {
  return {
    contact: view({
      contactId: 'c-9', initialContactId: 'c-1', previousContactId: 'c-8', customerId: 'cust-7',
      attributes: { name: 'Ana', 'my-key': 'dash' },
      segmentAttributes: {
        'connect:Subtype': { ValueString: 'connect:Chat' },
        'connect:CustomerAuthentication': { ValueMap: { Status: { ValueString: 'AUTHENTICATED' } } },
      },
      initialMessage: { ContentType: 'text/plain', Content: 'I need help' },
    }),
    attributes: { name: 'Ana', 'my-key': 'dash' },
    external: { tier: 'gold', nested: { city: 'Lisbon' }, count: 3 },
    lex: { IntentName: 'Help', Slots: { size: 'large' }, SessionAttributes: { shouldRouteToAgent: 'true' } },
    flowAttributes: { step: '2' },
    queue: { id: 'q1', arn: `${instanceArn}/queue/q1`, name: 'Support' },
  };
}

describe('flow attributes (JSONPath)', () => {
  it('resolves user, external, Lex, flow and segment attributes', () => {
    const s = scope();
    assert.equal(resolvePath('$.Attributes.name', s), 'Ana');
    assert.equal(resolvePath("$.Attributes['my-key']", s), 'dash');
    assert.equal(resolvePath('$.External.tier', s), 'gold');
    assert.equal(resolvePath('$.External.nested.city', s), 'Lisbon');
    assert.equal(resolvePath('$.Lex.IntentName', s), 'Help');
    assert.equal(resolvePath('$.Lex.Slots.size', s), 'large');
    assert.equal(resolvePath("$.Lex.SessionAttributes.['shouldRouteToAgent']", s), 'true');
    assert.equal(resolvePath('$.FlowAttributes.step', s), '2');
    assert.equal(resolvePath("$.SegmentAttributes['connect:Subtype']", s), 'connect:Chat');
    assert.equal(resolvePath("$.SegmentAttributes['connect:CustomerAuthentication']['Status']", s), 'AUTHENTICATED');
  });

  it('resolves the system values', () => {
    const s = scope();
    assert.equal(resolvePath('$.ContactId', s), 'c-9');
    assert.equal(resolvePath('$.InitialContactId', s), 'c-1');
    assert.equal(resolvePath('$.PreviousContactId', s), 'c-8');
    assert.equal(resolvePath('$.Channel', s), 'CHAT');
    assert.equal(resolvePath('$.InstanceARN', s), instanceArn);
    assert.equal(resolvePath('$.CustomerId', s), 'cust-7');
    assert.equal(resolvePath('$.AwsRegion', s), 'us-west-2');
    assert.equal(resolvePath('$.Media.InitialMessage', s), 'I need help');
    assert.equal(resolvePath('$.Queue.Name', s), 'Support');
    assert.equal(resolvePath('$.InitiationMethod', s), 'API');
  });

  it('gives no value for missing paths and never walks into the prototype', () => {
    const s = scope();
    assert.equal(resolvePath('$.Attributes.missing', s), undefined);
    assert.equal(resolvePath('$.Attributes.constructor', s), undefined);
    assert.equal(resolvePath('$.External.tier.length', s), undefined);
    assert.equal(resolvePath('$.Nope', s), undefined);
  });

  it('interpolates paths inside text, leaving other dollar signs alone', () => {
    const s = scope();
    assert.equal(interpolate('"verificationCode" is"$.Attributes.name"', s), '"verificationCode" is"Ana"');
    assert.equal(interpolate('Hi $.Attributes.name. Your tier: $.External.tier, count $.External.count', s), 'Hi Ana. Your tier: gold, count 3');
    assert.equal(interpolate('Missing [$.Attributes.nope] costs $5.00 or $.Unknown.thing', s), 'Missing [] costs $5.00 or $.Unknown.thing');
    assert.equal(interpolate('Route? $.Lex.SessionAttributes.[\'shouldRouteToAgent\']', s), 'Route? true');
  });

  it('tells a single path from static text', () => {
    assert.equal(isSinglePath('$.Attributes.x'), true);
    assert.equal(isSinglePath("$.SegmentAttributes['connect:Subtype']"), true);
    assert.equal(isSinglePath('queue-1'), false);
    assert.equal(isSinglePath('Hi $.Attributes.x'), false);
    assert.equal(resolveParameter('static', scope()), 'static');
    assert.equal(resolveParameter('$.External.nested', scope()), '{"city":"Lisbon"}');
  });

  it('UpdateContactAttributes changes what later blocks see, and reaches the service layer', () => {
    const flow = flowDoc('Set', [
      ['Set', 'UpdateContactAttributes', { Attributes: { greeting: 'Hello', who: '$.Attributes.name', channel: '$.Channel' }, TargetContact: 'Current' }, { NextAction: 'Say' }],
      ['Say', 'MessageParticipant', { Text: '$.Attributes.greeting $.Attributes.who on $.Attributes.channel' }, { NextAction: 'Bye' }],
      ['Bye', 'DisconnectParticipant'],
    ]);
    const c = startContact([source('main', flow)], { attributes: { name: 'Ana' } });
    assert.deepEqual(c.control.texts(), ['Hello Ana on CHAT']);
    assert.deepEqual(c.control.attributes, { name: 'Ana', greeting: 'Hello', who: 'Ana', channel: 'CHAT' });
    assert.deepEqual(c.trace().attributes, { name: 'Ana', greeting: 'Hello', who: 'Ana', channel: 'CHAT' });
  });

  it('UpdateContactAttributes on the Related contact takes the Error branch', () => {
    const flow = flowDoc('Set', [
      ['Set', 'UpdateContactAttributes', { Attributes: { a: 'b' }, TargetContact: 'Related' }, { NextAction: 'Bye', Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'Err' }] }],
      ['Err', 'MessageParticipant', { Text: 'error branch' }, { NextAction: 'Bye' }],
      ['Bye', 'DisconnectParticipant'],
    ]);
    const c = startContact([source('main', flow)]);
    assert.deepEqual(c.control.texts(), ['error branch']);
    assert.equal(c.control.attributes, undefined);
  });
});
