import assert from 'node:assert/strict';
import { applyFix, check, codes, covered, only, request, valueAt } from './helpers';

describe('request syntax (strict JSON)', () => {
  it('flags line and block comments with exact ranges; the fix removes them', () => {
    const text = '{\n  // note\n  "ParticipantDetails": { "DisplayName": "A" } /* x */\n}';
    const found = check(text).filter((d) => d.code === 'chatreq/json-comment');
    assert.deepEqual(found.map((d) => covered(text, d)), ['// note', '/* x */']);
    assert.deepEqual(found[0].range.start, { line: 1, character: 2 });
    let fixed = text;
    for (const d of check(fixed).filter((x) => x.code === 'chatreq/json-comment').reverse()) fixed = applyFix(fixed, d);
    assert.deepEqual(check(fixed), []);
  });

  it('flags a trailing comma once, on the comma, in objects and arrays', () => {
    const text = '{"ParticipantDetails": {"DisplayName": "A",}, "SupportedMessagingContentTypes": ["text/plain",],}';
    const found = check(text);
    assert.deepEqual(found.map((d) => d.code), ['chatreq/json-trailing-comma', 'chatreq/json-trailing-comma', 'chatreq/json-trailing-comma']);
    assert.ok(found.every((d) => covered(text, d) === ','));
    let fixed = text;
    for (const d of [...found].reverse()) fixed = applyFix(fixed, d);
    assert.deepEqual(check(fixed), []);
  });

  it('still runs the schema and rules when the only syntax problems are comments/trailing commas', () => {
    assert.deepEqual(codes('{"ChatDurationInMinutes": 5, // x\n "ParticipantDetails": {"DisplayName": "A"}}'), ['chatreq/duration-out-of-range', 'chatreq/json-comment']);
  });

  it('reports a missing comma with an insert fix and stops there', () => {
    const text = '{"ParticipantDetails": {"DisplayName": "A"} "InstanceId": "i"}';
    const d = only(text, 'chatreq/json-syntax');
    assert.equal(covered(text, d), '"InstanceId"');
    assert.deepEqual(check(applyFix(text, d)), []);
  });

  it('explains single quotes, empty files, unterminated strings and non-object roots', () => {
    assert.match(check("{'a': 1}")[0].message, /double quotes/);
    assert.match(check('')[0].message, /The file is empty/);
    assert.match(check('   \n')[0].message, /The file is empty/);
    assert.match(check('{"InstanceId": "abc}').map((d) => d.message).join(' '), /Unterminated string/);
    assert.deepEqual(codes('[1]'), ['chatreq/not-an-object']);
  });

  it('positions use 0-based lines and UTF-16 characters, with CRLF line ends', () => {
    const text = '{\r\n  "Attributes": {"😀": "x"},\r\n  "ChatDurationInMinutes": 1\r\n}';
    const d = only(text, 'chatreq/duration-out-of-range');
    assert.deepEqual(d.range.start, { line: 2, character: 27 });
    assert.deepEqual(d.range.end, { line: 2, character: 28 });
    assert.equal(d.range.offset, text.indexOf(': 1') + 2);
    assert.equal(d.range.length, 1);
  });
});

describe('request schema validation', () => {
  it('unknown member: on the key, suggests the right case, both fixes work', () => {
    const text = request({ instanceId: 'i-1' });
    const d = only(text, 'chatreq/unknown-member');
    assert.equal(covered(text, d), '"instanceId"');
    assert.match(d.message, /Did you mean InstanceId\?/);
    assert.equal(valueAt(applyFix(text, d, 'Rename to InstanceId'), 'InstanceId'), 'i-1');
    assert.deepEqual(check(applyFix(text, d, 'Remove instanceId')), []);
  });

  it('unknown member with no near match lists the allowed members', () => {
    const d = only(request({ Frobnicate: 1 }), 'chatreq/unknown-member');
    assert.match(d.message, /allowed members: \$schema, InstanceId, ContactFlowId/);
  });

  it('unknown member in a nested shape', () => {
    const text = request({ InitialMessage: { ContentType: 'text/plain', Content: 'hi', Extra: true } });
    assert.match(only(text, 'chatreq/unknown-member').message, /InitialMessage has no member named "Extra"/);
  });

  it('InstanceId and ContactFlowId are optional; DisplayName is required inside ParticipantDetails', () => {
    assert.deepEqual(codes('{"ParticipantDetails": {"DisplayName": "x"}}'), []);
    const text = '{"ParticipantDetails": {}}';
    const d = only(text, 'chatreq/missing-member');
    assert.equal(covered(text, d), '"ParticipantDetails"');
    assert.match(d.message, /ParticipantDetails is missing the required member DisplayName/);
    assert.deepEqual(check(applyFix(text, d)), []);
  });

  it('InitialMessage needs ContentType and Content', () => {
    const text = request({ InitialMessage: {} });
    assert.deepEqual(codes(text), ['chatreq/missing-member', 'chatreq/missing-member']);
  });

  it('wrong types, with fixes that quote, unquote or wrap', () => {
    const text = request({ ChatDurationInMinutes: '90', Attributes: { n: 5 }, DisconnectOnCustomerExit: 'AGENT' });
    const found = check(text).filter((d) => d.code === 'chatreq/wrong-type');
    assert.deepEqual(found.map((d) => covered(text, d)), ['"90"', '5', '"AGENT"'].sort((a, b) => text.indexOf(a) - text.indexOf(b)));
    let fixed = text;
    for (const d of [...found].reverse()) fixed = applyFix(fixed, d);
    assert.deepEqual(check(fixed), []);
    assert.equal(valueAt(fixed, 'ChatDurationInMinutes'), 90);
  });

  it('a fractional duration is a wrong type with a rounding fix', () => {
    const text = request({ ChatDurationInMinutes: 90.5 });
    const d = only(text, 'chatreq/wrong-type');
    assert.match(d.message, /must be an integer/);
    assert.equal(valueAt(applyFix(text, d), 'ChatDurationInMinutes'), 91);
  });

  it('enum values: case fix, and the allowed list', () => {
    const text = request({ ParticipantConfiguration: { ResponseMode: 'incremental' } });
    const d = only(text, 'chatreq/invalid-value');
    assert.equal(covered(text, d), '"incremental"');
    assert.deepEqual(check(applyFix(text, d)), []);
    assert.match(only(request({ SupportedMessagingContentTypes: ['text/plain', 'image/png'] }), 'chatreq/invalid-value').message, /SupportedMessagingContentTypes\[1\] is "image\/png"/);
    assert.match(only(request({ InitialMessage: { ContentType: 'text/html', Content: 'x' } }), 'chatreq/invalid-value').message, /InitialMessage\.ContentType/);
  });

  it('lengths are counted in characters and say how far over', () => {
    const text = request({ ParticipantDetails: { DisplayName: 'é'.repeat(257) } });
    const d = only(text, 'chatreq/too-long');
    assert.match(d.message, /ParticipantDetails\.DisplayName is 257 characters long, 1 over the 256-character limit/);
    assert.deepEqual(codes(request({ ParticipantDetails: { DisplayName: '😀'.repeat(256) } })), []);
    assert.match(only(request({ InstanceId: '' }), 'chatreq/too-short').message, /InstanceId is empty/);
    assert.deepEqual(codes(request({ ContactFlowId: '' })), []);
  });

  it('list sizes and duplicates', () => {
    const text = request({ DisconnectOnCustomerExit: ['AGENT', 'AGENT'] });
    const d = only(text, 'chatreq/too-many-items');
    assert.deepEqual(check(applyFix(text, d)), []);
    assert.deepEqual(codes(request({ DisconnectOnCustomerExit: [] })), ['chatreq/too-few-items']);
    const dup = request({ SupportedMessagingContentTypes: ['text/plain', 'text/plain'] });
    const dd = only(dup, 'chatreq/duplicate-item');
    assert.deepEqual(check(applyFix(dup, dd)), []);
  });

  it('duplicate keys are errors on the second key', () => {
    const text = '{"ParticipantDetails": {"DisplayName": "a"}, "InstanceId": "x", "InstanceId": "y"}';
    const d = only(text, 'chatreq/duplicate-key');
    assert.equal(d.range.offset, text.lastIndexOf('"InstanceId"'));
    assert.deepEqual(check(applyFix(text, d)), []);
  });

  it('segment attribute values: recursive ValueMap, empty value, key length', () => {
    const ok = request({ SegmentAttributes: { 'connect:ContactExpiry': { ValueMap: { ExpiryDuration: { ValueInteger: 135 } } } } });
    assert.deepEqual(codes(ok), []);
    const bad = request({ SegmentAttributes: { 'connect:ContactExpiry': { ValueMap: { ExpiryDuration: { ValueInteger: 'x' } } } } });
    assert.match(only(bad, 'chatreq/wrong-type').message, /SegmentAttributes\["connect:ContactExpiry"\]\.ValueMap\.ExpiryDuration\.ValueInteger must be an integer/);
    assert.deepEqual(codes(request({ SegmentAttributes: { x: {} } })), ['chatreq/empty-object']);
    assert.deepEqual(codes(request({ SegmentAttributes: { ['k'.repeat(129)]: { ValueString: 'v' } } })), ['chatreq/invalid-key']);
  });
});

describe('validation layers', () => {
  const text = '{\n  // c\n  "instanceId": "x",\n  "ParticipantDetails": {"DisplayName": "A"},\n  "ChatDurationInMinutes": 5\n}';

  it('reports each layer on request, and the layers together give the full result', () => {
    assert.deepEqual(codes(text, { layers: ['syntax'] }), ['chatreq/json-comment']);
    assert.deepEqual(codes(text, { layers: ['schema'] }), ['chatreq/unknown-member']);
    assert.deepEqual(codes(text, { layers: ['rules'] }), ['chatreq/duration-out-of-range']);
    assert.deepEqual(codes(text, { layers: ['syntax', 'schema', 'rules'] }), codes(text));
  });

  it('a broken tree stops the later layers even when syntax is not reported', () => {
    assert.deepEqual(codes('{"ChatDurationInMinutes": 5 "x": 1}', { layers: ['rules'] }), []);
  });
});

describe('robustness', () => {
  it('ignores a UTF-8 byte order mark', () => {
    assert.deepEqual(check('\uFEFF{"ParticipantDetails": {"DisplayName": "A"}}'), []);
  });

  it('reports absurd nesting instead of overflowing the stack', () => {
    const deep = '['.repeat(20000) + ']'.repeat(20000);
    assert.deepEqual(codes(deep), ['chatreq/json-too-deep']);
  });

  it('null members: wrong type with a fix that removes the member', () => {
    const text = request({ InstanceId: null });
    const d = only(text, 'chatreq/wrong-type');
    assert.match(d.message, /InstanceId must be a string, not null\. To leave the member unset, remove it\./);
    assert.deepEqual(check(applyFix(text, d)), []);
  });

  it('a fixed ClientToken is an info with a removal fix; an env reference is not', () => {
    const text = request({ ClientToken: 'abc' });
    const d = only(text, 'chatreq/fixed-client-token');
    assert.equal(d.severity, 'info');
    assert.deepEqual(check(applyFix(text, d)), []);
    assert.deepEqual(codes(request({ ClientToken: '${env:TOKEN}' })), []);
  });
});
