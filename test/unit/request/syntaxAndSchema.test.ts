/**
 * Strict JSON and the request schema, as VS Code's JSON language service (the core's JSON engine)
 * reports them: its words and ranges, Chatreq's codes and quick fixes on top.
 */
import assert from 'node:assert/strict';
import { applyFix, check, codes, covered, only, request, valueAt } from './helpers';

/** What a problem says and where, as the Problems panel shows it. */
const shown = (text: string, code: string): Array<[string, string]> =>
  check(text)
    .filter((d) => d.code === code)
    .map((d) => [covered(text, d), d.message]);

describe('request syntax (strict JSON, the JSON language service)', () => {
  it('comments are errors in VS Code\'s words with exact ranges; the fix removes them', () => {
    const text = '{\n  // note\n  "ParticipantDetails": { "DisplayName": "A" } /* x */\n}';
    assert.deepEqual(shown(text, 'chatreq/json-comment'), [
      ['// note', 'Comments are not permitted in JSON.'],
      ['/* x */', 'Comments are not permitted in JSON.'],
    ]);
    const found = check(text).filter((d) => d.code === 'chatreq/json-comment');
    assert.deepEqual(found[0].range.start, { line: 1, character: 2 });
    assert.ok(found.every((d) => d.source === 'json' && d.severity === 'error'));
    let fixed = text;
    for (const d of [...found].reverse()) fixed = applyFix(fixed, d);
    assert.deepEqual(check(fixed), []);
  });

  it('a trailing comma is an error on the comma, in objects and arrays', () => {
    const text = '{"ParticipantDetails": {"DisplayName": "A",}, "SupportedMessagingContentTypes": ["text/plain",],}';
    const found = check(text);
    assert.deepEqual(found.map((d) => [d.code, covered(text, d), d.message, d.severity]), [
      ['chatreq/json-trailing-comma', ',', 'Trailing comma', 'error'],
      ['chatreq/json-trailing-comma', ',', 'Trailing comma', 'error'],
      ['chatreq/json-trailing-comma', ',', 'Trailing comma', 'error'],
    ]);
    let fixed = text;
    for (const d of [...found].reverse()) fixed = applyFix(fixed, d);
    assert.deepEqual(check(fixed), []);
  });

  it('still runs the rules when the only syntax problems are comments and trailing commas', () => {
    assert.deepEqual(codes('{"ChatDurationInMinutes": 5, // x\n "ParticipantDetails": {"DisplayName": "A"}}'), ['chatreq/duration-out-of-range', 'chatreq/json-comment']);
  });

  it('a missing comma: "Expected comma" on the next member, an insert fix, and no rules on the broken tree', () => {
    const text = '{"ParticipantDetails": {"DisplayName": "A"} "InstanceId": "i", "ChatDurationInMinutes": 5}';
    const d = only(text, 'chatreq/json-syntax');
    assert.deepEqual([covered(text, d), d.message], ['"InstanceId"', 'Expected comma']);
    assert.deepEqual(codes(text, { sources: ['chatreq'] }), [], 'the rules do not run on a broken tree');
    assert.deepEqual(codes(applyFix(text, d)), ['chatreq/duration-out-of-range']);
  });

  it('single quotes, unterminated strings, non-object roots; an empty file is Chatreq\'s own error', () => {
    assert.deepEqual(shown("{'a': 1}", 'chatreq/json-syntax')[0], ["'a'", 'Property keys must be doublequoted']);
    assert.deepEqual(
      check('{"InstanceId": "abc}').map((d) => d.message),
      ['Unexpected end of string.', 'Expected comma or closing brace'],
    );
    assert.deepEqual(shown('[1]', 'chatreq/not-an-object'), [['[1]', 'Incorrect type. Expected "object".']]);
    const empty = check('');
    assert.deepEqual(empty.map((d) => [d.code, d.source]), [['chatreq/empty-file', undefined]]);
    assert.match(empty[0].message, /The file is empty/);
    assert.deepEqual(check('   \n').map((d) => d.code), ['chatreq/empty-file']);
  });

  it('positions use 0-based lines and UTF-16 characters, with CRLF line ends', () => {
    const text = '{\r\n  "Attributes": {"😀": 5},\r\n  "ChatDurationInMinutes": 1\r\n}';
    const d = only(text, 'chatreq/duration-out-of-range');
    assert.deepEqual(d.range.start, { line: 2, character: 27 });
    assert.deepEqual(d.range.end, { line: 2, character: 28 });
    const t = only(text, 'chatreq/wrong-type');
    assert.deepEqual([t.range.start, t.range.end], [{ line: 1, character: 23 }, { line: 1, character: 24 }]);
    assert.equal(covered(text, t), '5');
  });
});

describe('request schema validation (the JSON language service)', () => {
  it('unknown member: on the key, in the service\'s words; rename and remove fixes', () => {
    const text = request({ instanceId: 'i-1' });
    const d = only(text, 'chatreq/unknown-member');
    assert.deepEqual([covered(text, d), d.message, d.severity, d.source], ['"instanceId"', 'Property instanceId is not allowed.', 'error', 'json']);
    assert.deepEqual(d.fixes?.map((f) => f.title), ['Rename to InstanceId', 'Remove instanceId']);
    assert.equal(valueAt(applyFix(text, d, 'Rename to InstanceId'), 'InstanceId'), 'i-1');
    assert.deepEqual(check(applyFix(text, d, 'Remove instanceId')), []);
    assert.deepEqual(only(request({ Frobnicate: 1 }), 'chatreq/unknown-member').fixes?.map((f) => f.title), ['Remove Frobnicate']);
  });

  it('unknown member in a nested shape', () => {
    const text = request({ InitialMessage: { ContentType: 'text/plain', Content: 'hi', Extra: true } });
    const d = only(text, 'chatreq/unknown-member');
    assert.deepEqual([covered(text, d), d.message], ['"Extra"', 'Property Extra is not allowed.']);
    assert.deepEqual(d.path, ['InitialMessage', 'Extra']);
  });

  it('InstanceId and ContactFlowId are optional; DisplayName is required inside ParticipantDetails', () => {
    assert.deepEqual(codes('{"ParticipantDetails": {"DisplayName": "x"}}'), []);
    const text = '{"ParticipantDetails": {}}';
    const d = only(text, 'chatreq/missing-member');
    assert.deepEqual([covered(text, d), d.message], ['{}', 'Missing property "DisplayName".']);
    assert.deepEqual(d.path, ['ParticipantDetails', 'DisplayName']);
    assert.deepEqual(check(applyFix(text, d)), []);
  });

  it('InitialMessage needs ContentType and Content, each with an add fix', () => {
    const text = request({ InitialMessage: {} });
    const found = check(text).filter((d) => d.code === 'chatreq/missing-member');
    assert.deepEqual(found.map((d) => d.message).sort(), ['Missing property "Content".', 'Missing property "ContentType".']);
    let fixed = text;
    for (const d of found) fixed = applyFix(fixed, check(fixed).find((x) => x.message === d.message)!);
    assert.deepEqual(check(fixed), []);
  });

  it('wrong types, with fixes that quote, unquote, wrap or round', () => {
    const text = request({ ChatDurationInMinutes: '90', Attributes: { n: 5 }, DisconnectOnCustomerExit: 'AGENT' });
    const found = check(text).filter((d) => d.code === 'chatreq/wrong-type');
    assert.deepEqual(
      found.map((d) => [covered(text, d), d.message]),
      [
        ['"90"', 'Incorrect type. Expected "integer".'],
        ['5', 'Incorrect type. Expected "string".'],
        ['"AGENT"', 'Incorrect type. Expected "array".'],
      ].sort((a, b) => text.indexOf(a[0]) - text.indexOf(b[0])),
    );
    let fixed = text;
    for (const d of [...found].reverse()) fixed = applyFix(fixed, d);
    assert.deepEqual(check(fixed), []);
    assert.equal(valueAt(fixed, 'ChatDurationInMinutes'), 90);
    const fractional = request({ ChatDurationInMinutes: 90.5 });
    assert.equal(valueAt(applyFix(fractional, only(fractional, 'chatreq/wrong-type'), 'Round to 91'), 'ChatDurationInMinutes'), 91);
  });

  it('enum values: the allowed list in the service\'s words, and a case fix', () => {
    const text = request({ ParticipantConfiguration: { ResponseMode: 'incremental' } });
    const d = only(text, 'chatreq/invalid-value');
    assert.deepEqual([covered(text, d), d.message], ['"incremental"', 'Value is not accepted. Valid values: "INCREMENTAL", "COMPLETE".']);
    assert.deepEqual(check(applyFix(text, d, 'Change to INCREMENTAL')), []);
    const png = request({ SupportedMessagingContentTypes: ['text/plain', 'image/png'] });
    const e = only(png, 'chatreq/invalid-value');
    assert.deepEqual([covered(png, e), e.fixes], ['"image/png"', undefined]);
    assert.match(e.message, /^Value is not accepted\. Valid values: "text\/plain", "text\/markdown"/);
  });

  it('lengths are counted in characters, as the editor counts them', () => {
    const text = request({ ParticipantDetails: { DisplayName: 'é'.repeat(257) } });
    assert.equal(only(text, 'chatreq/too-long').message, 'String is longer than the maximum length of 256.');
    assert.deepEqual(codes(request({ ParticipantDetails: { DisplayName: 'é'.repeat(256) } })), []);
    assert.equal(only(request({ InstanceId: '' }), 'chatreq/too-short').message, 'String is shorter than the minimum length of 1.');
    assert.deepEqual(codes(request({ ContactFlowId: '' })), []);
  });

  it('list sizes and duplicates, with fixes', () => {
    const text = request({ DisconnectOnCustomerExit: ['AGENT', 'AGENT'] });
    const d = only(text, 'chatreq/too-many-items');
    assert.equal(d.message, 'Array has too many items. Expected 1 or fewer.');
    assert.deepEqual(check(applyFix(text, d)), []);
    assert.deepEqual(check(request({ DisconnectOnCustomerExit: [] })).map((x) => [x.code, x.message]), [['chatreq/too-few-items', 'Array has too few items. Expected 1 or more.']]);
    const dup = request({ SupportedMessagingContentTypes: ['text/plain', 'text/markdown', 'text/plain'] });
    const dd = only(dup, 'chatreq/duplicate-item');
    assert.equal(dd.message, 'Array has duplicate items.');
    const fixed = applyFix(dup, dd);
    assert.deepEqual(check(fixed), []);
    assert.deepEqual(valueAt(fixed, 'SupportedMessagingContentTypes'), ['text/plain', 'text/markdown']);
  });

  it('duplicate keys: both keys marked, as in the editor; each fix removes its own copy', () => {
    const text = '{"ParticipantDetails": {"DisplayName": "a"}, "InstanceId": "x", "InstanceId": "y"}';
    const found = check(text).filter((d) => d.code === 'chatreq/duplicate-key');
    assert.deepEqual(found.map((d) => [d.range.offset, d.message, d.severity]), [
      [text.indexOf('"InstanceId"'), 'Duplicate object key', 'error'],
      [text.lastIndexOf('"InstanceId"'), 'Duplicate object key', 'error'],
    ]);
    assert.equal(valueAt(applyFix(text, found[1]), 'InstanceId'), 'x');
    assert.equal(valueAt(applyFix(text, found[0]), 'InstanceId'), 'y');
    assert.deepEqual(check(applyFix(text, found[1])), []);
  });

  it('segment attribute values: recursive ValueMap, empty value, key length', () => {
    assert.deepEqual(codes(request({ SegmentAttributes: { 'connect:ContactExpiry': { ValueMap: { ExpiryDuration: { ValueInteger: 135 } } } } })), []);
    const bad = request({ SegmentAttributes: { 'connect:ContactExpiry': { ValueMap: { ExpiryDuration: { ValueInteger: 'x' } } } } });
    assert.deepEqual(only(bad, 'chatreq/wrong-type').path, ['SegmentAttributes', 'connect:ContactExpiry', 'ValueMap', 'ExpiryDuration', 'ValueInteger']);
    assert.deepEqual(check(request({ SegmentAttributes: { x: {} } })).map((d) => [d.code, d.message]), [['chatreq/empty-object', 'Object has fewer properties than the required number of 1']]);
    assert.deepEqual(codes(request({ SegmentAttributes: { ['k'.repeat(129)]: { ValueString: 'v' } } })), ['chatreq/invalid-key']);
  });

  it('a "$schema" member does not change the schema the file is checked against', () => {
    const text = '{"$schema": "https://example.invalid/other.json", "ParticipantDetails": {}, "Extra": 1}';
    assert.deepEqual(codes(text).filter((c) => c !== 'chatreq/not-a-start-chat-contact-member'), ['chatreq/missing-member', 'chatreq/unknown-member']);
  });
});

describe('diagnostic sources', () => {
  const text = '{\n  // c\n  "instanceId": "x",\n  "ParticipantDetails": {"DisplayName": "A"},\n  "ChatDurationInMinutes": 5\n}';

  it('json (the language service) and chatreq (the rules) on request; together the full result', () => {
    assert.deepEqual(codes(text, { sources: ['json'] }), ['chatreq/json-comment', 'chatreq/unknown-member']);
    assert.deepEqual(codes(text, { sources: ['chatreq'] }), ['chatreq/duration-out-of-range']);
    assert.deepEqual(codes(text, { sources: ['json', 'chatreq'] }), codes(text));
    assert.deepEqual(check(text).map((d) => d.source ?? 'chatreq'), ['json', 'json', 'chatreq']);
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
    assert.equal(d.message, 'Incorrect type. Expected "string".');
    assert.deepEqual(check(applyFix(text, d, 'Remove InstanceId')), []);
  });

  it('a fixed ClientToken is an info with a removal fix; an env reference is not', () => {
    const text = request({ ClientToken: 'abc' });
    const d = only(text, 'chatreq/fixed-client-token');
    assert.equal(d.severity, 'info');
    assert.deepEqual(check(applyFix(text, d)), []);
    assert.deepEqual(codes(request({ ClientToken: '${env:TOKEN}' })), []);
  });
});
