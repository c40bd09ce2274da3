import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { completionsAt, extractAttributeUsage, hoverAt, validateRequestText, type AttributeUsage } from '../../src/core/request';
import { contributedSchemas, REQUEST_SCHEMA_URI } from '../../src/core/json';
import { createJsonEngine } from '../../src/core/json/engine';
import { median, type Figure } from './support';


function fixtureTexts(): string[] {
  const root = join(process.cwd(), 'test/fixtures/requests');
  return ['valid', 'invalid'].flatMap((d) => readdirSync(join(root, d)).map((f) => readFileSync(join(root, d, f), 'utf8')));
}

export function bench(): Promise<Figure[]> {
  // Everything measured is synchronous; the runner expects a promise.
  return Promise.resolve(measure());
}

function measure(): Figure[] {
  const texts = fixtureTexts();
  const typical = readFileSync(join(process.cwd(), 'test/fixtures/requests/valid/basic.chatreq.json'), 'utf8');
  const env = { ...process.env };
  const big = JSON.stringify(
    { ParticipantDetails: { DisplayName: 'A' }, Attributes: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`key_${i}`, 'v'.repeat(100)])) },
    null,
    2,
  );
  // 1,000 files: the fixtures (valid and invalid) repeated, each made unique so nothing is cached.
  const corpus = Array.from({ length: 1000 }, (_, i) => texts[i % texts.length].replace(/^\{/, `{"ClientToken": "t-${i}",`));

  // A fresh JSON engine (VS Code's JSON language service): created, then its first check, which
  // resolves the request schema; later checks reuse it.
  const c0 = process.hrtime.bigint();
  const fresh = createJsonEngine(contributedSchemas());
  fresh.check(typical, REQUEST_SCHEMA_URI);
  const cold = Number(process.hrtime.bigint() - c0) / 1e6;
  const perFile = median(500, () => validateRequestText(typical, { env }));
  const perBig = median(100, () => validateRequestText(big, { env }));
  const t0 = process.hrtime.bigint();
  let diagnostics = 0;
  for (const t of corpus) diagnostics += validateRequestText(t, { env }).length;
  const thousand = Number(process.hrtime.bigint() - t0) / 1e6;
  if (diagnostics === 0) throw new Error('the corpus produced no diagnostics: the bench is not exercising the rules');

  const flow = JSON.stringify({
    Version: '2019-10-30',
    Actions: Array.from({ length: 200 }, (_, i) => ({
      Identifier: `a${i}`,
      Type: 'Compare',
      Parameters: { ComparisonValue: `$.Attributes.key_${i % 40}` },
      Transitions: { Conditions: [{ Condition: { Operator: 'Equals', Operands: [`v${i}`] } }] },
    })),
  });
  const usage: AttributeUsage = extractAttributeUsage(flow);
  const extract = median(100, () => extractAttributeUsage(flow));
  const keyText = '{\n  "ParticipantDetails": {"DisplayName": "A"},\n  "Attributes": {\n    \n  }\n}';
  const keyOffset = keyText.indexOf('    \n') + 4;
  const valueText = '{"Attributes": {"key_1": ""}}';
  const completeKey = median(500, () => completionsAt(keyText, keyOffset, { attributeUsage: usage }));
  const completeValue = median(500, () => completionsAt(valueText, valueText.indexOf('""') + 1, { attributeUsage: usage }));
  const hover = median(500, () => hoverAt(typical, typical.indexOf('ResponseMode') + 2));

  return [
    { name: 'validate: a fresh JSON engine, created and first check', value: round(cold), unit: 'ms' },
    { name: 'validate: typical request file (median)', value: round(perFile), unit: 'ms' },
    { name: 'validate: 300-attribute request (median)', value: round(perBig), unit: 'ms' },
    { name: `validate: 1,000 files (${diagnostics} diagnostics)`, value: round(thousand), unit: 'ms' },
    { name: 'validate: 1,000 files, per file', value: round(thousand / 1000), unit: 'ms' },
    { name: 'completion: attribute keys from a 200-action flow (median)', value: round(completeKey), unit: 'ms' },
    { name: 'completion: attribute values (median)', value: round(completeValue), unit: 'ms' },
    { name: 'hover (median)', value: round(hover), unit: 'ms' },
    { name: 'extractAttributeUsage: 200-action flow (median)', value: round(extract), unit: 'ms' },
  ];
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
