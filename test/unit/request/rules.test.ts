import assert from 'node:assert/strict';
import { applyFix, check, codes, covered, errorsOf, only, request, valueAt } from './helpers';

const INTERACTIVE = 'application/vnd.amazonaws.connect.message.interactive';
const RESPONSE = 'application/vnd.amazonaws.connect.message.interactive.response';

describe('request rules', () => {
  it('accepts a minimal request with no diagnostics at all', () => {
    assert.deepEqual(check(request()), []);
  });

  describe('chatreq/attributes-too-large (32,768 UTF-8 bytes)', () => {
    it('passes at exactly 32,768 bytes and fails one byte over, saying by how much', () => {
      const exact = request({ Attributes: { a: 'x'.repeat(16383), b: 'y'.repeat(16383) } });
      assert.deepEqual(codes(exact), []);
      const over = request({ Attributes: { a: 'x'.repeat(16383), bb: 'y'.repeat(16383) } });
      const d = only(over, 'chatreq/attributes-too-large');
      assert.equal(d.severity, 'error');
      assert.match(d.message, /Attributes total 32,769 UTF-8 bytes .*1 over the 32,768-byte limit/);
      assert.match(d.message, /largest is "bb"/);
      assert.equal(covered(over, d), '"Attributes"');
    });

    it('counts multi-byte characters as bytes, not characters', () => {
      // "€" is 3 bytes: 10,922 of them = 32,766 bytes, + key "a" = 32,767.
      const euro = '€'.repeat(10922);
      assert.deepEqual(codes(request({ Attributes: { a: euro, b: '' } })), []);
      const d = only(request({ Attributes: { a: euro, bc: '' } }), 'chatreq/attributes-too-large');
      assert.match(d.message, /32,769 UTF-8 bytes/);
      // Only 10,925 characters: a character count would have passed.
      assert.match(only(request({ Attributes: { a: euro + '€' } }), 'chatreq/attributes-too-large').message, /32,770 UTF-8 bytes .*, 2 over/);
    });

    it('counts 4-byte characters (surrogate pairs) and keys', () => {
      // "😀" is 4 UTF-8 bytes (2 UTF-16 code units). 8,191 of them = 32,764 bytes; key "abcd" = 4.
      const text = request({ Attributes: { abcd: '😀'.repeat(8191) } });
      assert.deepEqual(codes(text), []);
      assert.match(only(request({ Attributes: { abcde: '😀'.repeat(8191) } }), 'chatreq/attributes-too-large').message, /32,769 UTF-8 bytes .*, 1 over/);
    });

    it('sizes ${env:NAME} values as set in the environment', () => {
      const text = request({ Attributes: { a: '${env:BIG}' } });
      assert.deepEqual(codes(text, { env: { BIG: 'x'.repeat(32767) } }), []);
      assert.ok(codes(text, { env: { BIG: 'x'.repeat(32768) } }).includes('chatreq/attributes-too-large'));
    });
  });

  describe('chatreq/attribute-key-characters', () => {
    it('allows letters, digits, dash and underscore', () => {
      assert.deepEqual(codes(request({ Attributes: { 'a-B_9': '1' } })), []);
    });

    for (const key of ['has space', 'dot.key', 'colon:key', 'ümlaut', 'slash/']) {
      it(`rejects ${JSON.stringify(key)} on the key, with a rename fix that validates`, () => {
        const text = request({ Attributes: { [key]: 'v' } });
        const d = only(text, 'chatreq/attribute-key-characters');
        assert.equal(covered(text, d), JSON.stringify(key));
        assert.match(d.message, /letters, digits, '-' and '_'/);
        assert.deepEqual(errorsOf(applyFix(text, d)), []);
      });
    }
  });

  describe('chatreq/segment-attribute-key-characters', () => {
    it('allows connect: system keys and plain keys', () => {
      assert.deepEqual(codes(request({ SegmentAttributes: { 'connect:Subtype': { ValueString: 'connect:Chat' }, my_key: { ValueString: 'x' } } })), []);
    });

    it('rejects other prefixes and characters', () => {
      const text = request({ SegmentAttributes: { 'aws:Thing': { ValueString: 'x' }, 'a b': { ValueString: 'y' } } });
      const found = check(text).filter((d) => d.code === 'chatreq/segment-attribute-key-characters');
      assert.deepEqual(found.map((d) => covered(text, d)), ['"aws:Thing"', '"a b"']);
      assert.match(found[0].message, /prefix "aws:"/);
    });

    it('chatreq/segment-value-not-an-arn: names the member, says what an ARN looks like, skips ${env:NAME}', () => {
      const text = request({ SegmentAttributes: { 'connect:Thing': { ValueMap: { target: { ValueArn: 'queue-1' } } } } });
      const d = only(text, 'chatreq/segment-value-not-an-arn');
      assert.equal(d.severity, 'error');
      assert.equal(covered(text, d), '"queue-1"');
      assert.match(d.message, /^SegmentAttributes\["connect:Thing"\]\.ValueMap\.target\.ValueArn is not an ARN; .*arn:partition:service:region:account-id:resource/);
      assert.deepEqual(codes(request({ SegmentAttributes: { 'connect:Thing': { ValueArn: '${env:QUEUE_ARN}' } } })), []);
    });

    it('chatreq/segment-value-too-deep: reported once, at the first value past the limit', () => {
      let value: Record<string, unknown> = { ValueString: 'leaf' };
      for (let i = 0; i < 12; i++) value = { ValueList: [value] };
      const found = check(request({ SegmentAttributes: { 'connect:Deep': value } })).filter((d) => d.code === 'chatreq/segment-value-too-deep');
      assert.equal(found.length, 1);
      assert.match(found[0].message, /nested 11 levels deep .* at most 10 levels/);
    });

    it('a value with two members and ValueArn on a user-defined key are errors', () => {
      const text = request({ SegmentAttributes: { mine: { ValueString: 'x', ValueArn: 'arn:aws:iam::1:role/x' } } });
      assert.deepEqual(check(text).map((d) => `${d.severity} ${d.code}`).sort(), ['error chatreq/segment-value-members', 'error chatreq/segment-value-system-only']);
    });
  });

  describe('chatreq/text-plain-missing', () => {
    it('reports the list and the fix adds text/plain first', () => {
      const text = request({ SupportedMessagingContentTypes: ['text/markdown'] });
      const d = only(text, 'chatreq/text-plain-missing');
      assert.equal(covered(text, d).replace(/\s+/g, ''), '["text/markdown"]');
      const fixed = applyFix(text, d);
      assert.deepEqual(valueAt(fixed, 'SupportedMessagingContentTypes'), ['text/plain', 'text/markdown']);
      assert.deepEqual(check(fixed), []);
    });

    it('stays quiet when an entry is an env reference it cannot see', () => {
      assert.deepEqual(codes(request({ SupportedMessagingContentTypes: ['${env:TYPES}'] })), []);
    });
  });

  describe('chatreq/guide-needs-interactive-types', () => {
    const guide = { 'connect:Subtype': { ValueString: 'connect:Guide' } };

    it('passes with both interactive types', () => {
      assert.deepEqual(codes(request({ SegmentAttributes: guide, SupportedMessagingContentTypes: ['text/plain', INTERACTIVE, RESPONSE] })), []);
    });

    it('reports a missing interactive.response on the subtype value; the fix adds it', () => {
      const text = request({ SegmentAttributes: guide, SupportedMessagingContentTypes: ['text/plain', INTERACTIVE] });
      const d = only(text, 'chatreq/guide-needs-interactive-types');
      assert.equal(covered(text, d), '"connect:Guide"');
      assert.match(d.message, /lacks "application\/vnd\.amazonaws\.connect\.message\.interactive\.response"/);
      const fixed = applyFix(text, d);
      assert.deepEqual(valueAt(fixed, 'SupportedMessagingContentTypes'), ['text/plain', INTERACTIVE, RESPONSE]);
      assert.deepEqual(check(fixed), []);
    });

    it('adds the whole list when SupportedMessagingContentTypes is missing', () => {
      const text = request({ SegmentAttributes: guide });
      const fixed = applyFix(text, only(text, 'chatreq/guide-needs-interactive-types'));
      assert.deepEqual(valueAt(fixed, 'SupportedMessagingContentTypes'), ['text/plain', INTERACTIVE, RESPONSE]);
      assert.deepEqual(check(fixed), []);
    });

    it('ignores other subtypes', () => {
      assert.deepEqual(codes(request({ SegmentAttributes: { 'connect:Subtype': { ValueString: 'connect:Chat' } } })), []);
    });
  });

  describe('chatreq/initial-message-too-long', () => {
    const cases: Array<[string, number]> = [
      ['text/plain', 1024],
      ['text/markdown', 1024],
      ['application/json', 12000],
      [RESPONSE, 12288],
    ];
    for (const [type, limit] of cases) {
      it(`${type}: ${limit} characters pass, ${limit + 1} fail`, () => {
        const body = (n: number): string => (type === 'application/json' ? JSON.stringify('x'.repeat(n - 2)) : 'x'.repeat(n));
        const listed = { SupportedMessagingContentTypes: type === 'text/plain' ? ['text/plain'] : ['text/plain', type] };
        assert.deepEqual(codes(request({ ...listed, InitialMessage: { ContentType: type, Content: body(limit) } })), []);
        const text = request({ ...listed, InitialMessage: { ContentType: type, Content: body(limit + 1) } });
        const d = only(text, 'chatreq/initial-message-too-long');
        assert.match(d.message, new RegExp(`1 over the ${limit.toLocaleString('en-US')}-character limit for ${type.replace(/[./]/g, '\\$&')}`));
        assert.ok(covered(text, d).startsWith('"'));
      });
    }

    it('counts characters, not bytes or UTF-16 units, for the per-type limit', () => {
      assert.deepEqual(codes(request({ InitialMessage: { ContentType: 'text/plain', Content: '😀'.repeat(1024) } })), []);
    });

    it('chatreq/initial-message-type-not-listed: an error (Connect rejects it) and the fix lists the type', () => {
      const text = request({ InitialMessage: { ContentType: 'text/markdown', Content: '**hi**' } });
      const d = only(text, 'chatreq/initial-message-type-not-listed');
      assert.equal(d.severity, 'error');
      assert.equal(covered(text, d), '"text/markdown"');
      const fixed = applyFix(text, d);
      assert.deepEqual(valueAt(fixed, 'SupportedMessagingContentTypes'), ['text/plain', 'text/markdown']);
      assert.deepEqual(check(fixed), []);
      const partial = request({ SupportedMessagingContentTypes: ['text/plain'], InitialMessage: { ContentType: 'application/json', Content: '{}' } });
      assert.deepEqual(valueAt(applyFix(partial, only(partial, 'chatreq/initial-message-type-not-listed')), 'SupportedMessagingContentTypes'), ['text/plain', 'application/json']);
    });

    it('warns when application/json content is not JSON', () => {
      const d = only(request({ InitialMessage: { ContentType: 'application/json', Content: '{oops' } }), 'chatreq/initial-message-invalid-json');
      assert.equal(d.severity, 'warning');
    });
  });

  describe('chatreq/duration-out-of-range', () => {
    it('accepts 60 and 10080', () => {
      assert.deepEqual(codes(request({ ChatDurationInMinutes: 60 })), []);
      assert.deepEqual(codes(request({ ChatDurationInMinutes: 10080 })), []);
    });

    for (const [value, clamped] of [
      [59, 60],
      [10081, 10080],
      [0, 60],
    ] as const) {
      it(`${value} is reported once and the fix clamps to ${clamped}`, () => {
        const text = request({ ChatDurationInMinutes: value });
        assert.deepEqual(codes(text), ['chatreq/duration-out-of-range']);
        const d = only(text, 'chatreq/duration-out-of-range');
        assert.equal(covered(text, d), String(value));
        const fixed = applyFix(text, d);
        assert.equal(valueAt(fixed, 'ChatDurationInMinutes'), clamped);
        assert.deepEqual(check(fixed), []);
      });
    }
  });

  describe('persistent chat', () => {
    it('chatreq/persistent-chat-with-related-contact: both fixes produce a valid file', () => {
      const text = request({ PersistentChat: { RehydrationType: 'FROM_SEGMENT', SourceContactId: 'c-1' }, RelatedContactId: 'c-2' });
      const d = only(text, 'chatreq/persistent-chat-with-related-contact');
      assert.equal(covered(text, d), '"RelatedContactId"');
      const a = applyFix(text, d, 'Remove RelatedContactId');
      assert.equal(valueAt(a, 'RelatedContactId'), undefined);
      assert.deepEqual(check(a), []);
      const b = applyFix(text, d, 'Remove PersistentChat');
      assert.equal(valueAt(b, 'PersistentChat'), undefined);
      assert.deepEqual(check(b), []);
    });

    it('chatreq/rehydration-without-source', () => {
      const text = request({ PersistentChat: { RehydrationType: 'ENTIRE_PAST_SESSION' } });
      assert.equal(covered(text, only(text, 'chatreq/rehydration-without-source')), '"RehydrationType"');
    });

    it('chatreq/source-without-rehydration offers both rehydration types', () => {
      const text = request({ PersistentChat: { SourceContactId: 'c-1' } });
      const d = only(text, 'chatreq/source-without-rehydration');
      const fixed = applyFix(text, d, 'Add RehydrationType FROM_SEGMENT');
      assert.equal(valueAt(fixed, 'PersistentChat', 'RehydrationType'), 'FROM_SEGMENT');
      assert.deepEqual(check(fixed), []);
    });

    it('chatreq/persistent-chat-incomplete for an empty object', () => {
      const text = request({ PersistentChat: {} });
      assert.deepEqual(check(applyFix(text, only(text, 'chatreq/persistent-chat-incomplete'))), []);
    });
  });

  describe('chatreq/arn-instead-of-id', () => {
    const inst = 'aaaabbbb-1111-2222-3333-444455556666';
    const instArn = `arn:aws:connect:us-west-2:123456789012:instance/${inst}`;

    it('InstanceId: a warning, and the fix puts the instance ID in', () => {
      const text = request({ InstanceId: instArn });
      const d = only(text, 'chatreq/arn-instead-of-id');
      assert.equal(d.severity, 'warning');
      assert.equal(covered(text, d), JSON.stringify(instArn));
      const fixed = applyFix(text, d);
      assert.equal(valueAt(fixed, 'InstanceId'), inst);
      assert.deepEqual(check(fixed), []);
    });

    it('ContactFlowId: uses the part after contact-flow/ and notes a different instance', () => {
      const text = request({ InstanceId: 'other-instance', ContactFlowId: `${instArn}/contact-flow/flow-123` });
      const d = only(text, 'chatreq/arn-instead-of-id');
      assert.match(d.message, /flow ID.*\(flow-123\)/);
      assert.match(d.message, /belongs to instance aaaabbbb-/);
      assert.equal(valueAt(applyFix(text, d), 'ContactFlowId'), 'flow-123');
    });

    it('RelatedContactId and SourceContactId take contact IDs', () => {
      const text = request({ RelatedContactId: `${instArn}/contact/c-9` });
      assert.equal(only(text, 'chatreq/arn-instead-of-id').severity, 'error');
      assert.equal(valueAt(applyFix(text, only(text, 'chatreq/arn-instead-of-id')), 'RelatedContactId'), 'c-9');
      const p = request({ PersistentChat: { RehydrationType: 'FROM_SEGMENT', SourceContactId: `${instArn}/contact/c-8` } });
      assert.equal(valueAt(applyFix(p, only(p, 'chatreq/arn-instead-of-id')), 'PersistentChat', 'SourceContactId'), 'c-8');
    });

    it('an ARN of the wrong resource is reported without a fix', () => {
      const d = only(request({ ContactFlowId: `${instArn}/queue/q-1` }), 'chatreq/arn-instead-of-id');
      assert.equal(d.fixes, undefined);
    });
  });

  describe('environment references', () => {
    it('chatreq/env-unknown warns on exactly the reference, only when env is given', () => {
      const text = request({ CustomerId: 'id-${env:CUSTOMER_ID}' });
      assert.deepEqual(codes(text), []);
      const d = only(text, 'chatreq/env-unknown', { env: {} });
      assert.equal(d.severity, 'warning');
      assert.equal(covered(text, d), '${env:CUSTOMER_ID}');
      assert.match(d.message, /CUSTOMER_ID \(used in CustomerId\) is not set/);
      assert.deepEqual(codes(text, { env: { CUSTOMER_ID: '42' } }), []);
    });

    it('chatreq/env-malformed', () => {
      const text = request({ CustomerId: '${env:1BAD}', Attributes: { a: '${ENV:lower}' } });
      assert.deepEqual(
        check(text).filter((d) => d.code === 'chatreq/env-malformed').map((d) => covered(text, d)),
        ['${ENV:lower}', '${env:1BAD}'].sort((a, b) => text.indexOf(a) - text.indexOf(b)),
      );
    });

    it('env references skip enum and length checks', () => {
      assert.deepEqual(codes(request({ ParticipantConfiguration: { ResponseMode: '${env:MODE}' }, CustomerId: '${env:C}' })), []);
    });
  });

  it('chatreq/missing-participant-details is an error (StartChatContact requires it) with a fix', () => {
    const text = '{\n  "InstanceId": "i-1"\n}';
    const d = only(text, 'chatreq/missing-participant-details');
    assert.equal(d.severity, 'error');
    assert.deepEqual(check(applyFix(text, d)), []);
  });
});
