import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formChangeEdits, formStateOf } from '../../src/core/request/form';
import { median, type Figure } from './support';


/** What one keystroke in the form costs the host: the edit, then the state for the new text. */
export function bench(): Promise<Figure[]> {
  const typical = readFileSync(join(process.cwd(), 'test/fixtures/requests/valid/basic.chatreq.json'), 'utf8');
  const big = JSON.stringify(
    { ParticipantDetails: { DisplayName: 'A' }, Attributes: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`key_${i}`, 'v'.repeat(100)])) },
    null,
    2,
  );
  const keystroke = (text: string) => () => {
    const r = formChangeEdits(text, { kind: 'setField', field: 'ParticipantDetails.DisplayName', value: 'Typed name' });
    if (!('edits' in r)) throw new Error(r.error);
    formStateOf(text, { version: 1, trusted: true, validate: { env: {} } });
  };
  return Promise.resolve([
    { name: 'form keystroke, typical request (edit + state)', value: median(500, keystroke(typical)), unit: 'ms' },
    { name: 'form keystroke, 300 attributes (edit + state)', value: median(100, keystroke(big)), unit: 'ms' },
  ]);
}
