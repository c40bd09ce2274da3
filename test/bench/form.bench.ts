import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formChangeEdits, formStateOf } from '../../src/core/request/form';

type Figure = { name: string; value: number; unit: string };

/** Median of `runs` timings of `f`, in milliseconds (after a short warm-up). */
function median(runs: number, f: () => void): number {
  for (let i = 0; i < Math.min(20, runs); i++) f();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    f();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

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
