/**
 * Request files as bytes: the byte order mark, the encoding check and the size cap. Runs in Node
 * and in a browser (no Buffer), like the rest of the request core.
 */

/** Request files larger than this are refused unread: a StartChatContact request is a few KB. */
export const MAX_REQUEST_FILE_BYTES = 1024 * 1024;

/**
 * The text with a leading byte order mark (U+FEFF) turned into a space. A BOM is not JSON, but
 * editors and the AWS CLI ignore it; a space keeps every offset where it was. The one place the
 * BOM is handled (request files, flow files, the form).
 */
export function maskByteOrderMark(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
}

export type DecodedRequest =
  | { text: string }
  | {
      /** Why the bytes are not a UTF-8 text file, in words for the user (no bytes quoted raw). */
      problem: string;
      /** The bytes decoded leniently, for positioning the problem (U+FFFD for bad bytes). */
      lenient: string;
      /** Where the problem is in `lenient` (UTF-16 code units), 0 for a whole-file problem. */
      offset: number;
    };

const hex = (b: number): string => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;
const SAVE_AS_UTF8 = 'Connect and Chatreq read request files as UTF-8: save it as UTF-8 (in VS Code: the encoding in the status bar, then "Save with Encoding").';

/**
 * Decodes a request file's bytes as UTF-8 (a UTF-8 BOM stays in the text, see
 * {@link maskByteOrderMark}), or says why they are not UTF-8 text: UTF-16 or UTF-32 (with or
 * without a byte order mark), a binary file, or an invalid UTF-8 byte (with its offset).
 */
export function decodeRequestBytes(bytes: Uint8Array): DecodedRequest {
  const lenient = (): string => new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  const whole = (problem: string): DecodedRequest => ({ problem, lenient: '', offset: 0 });
  const b = (i: number): number | undefined => bytes[i];
  if (b(0) === 0xff && b(1) === 0xfe && b(2) === 0 && b(3) === 0) return whole(`The file is encoded as UTF-32LE (it starts with a byte order mark). ${SAVE_AS_UTF8}`);
  if (b(0) === 0 && b(1) === 0 && b(2) === 0xfe && b(3) === 0xff) return whole(`The file is encoded as UTF-32BE (it starts with a byte order mark). ${SAVE_AS_UTF8}`);
  if (b(0) === 0xff && b(1) === 0xfe) return whole(`The file is encoded as UTF-16LE (it starts with a byte order mark). ${SAVE_AS_UTF8}`);
  if (b(0) === 0xfe && b(1) === 0xff) return whole(`The file is encoded as UTF-16BE (it starts with a byte order mark). ${SAVE_AS_UTF8}`);
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const utf16 = guessUtf16(bytes);
    if (utf16) return whole(`The file is encoded as ${utf16} (without a byte order mark: every other byte is 0). ${SAVE_AS_UTF8}`);
    return whole(`The file is not a text file (byte ${nul} is ${hex(0)}). A request file is JSON text in UTF-8.`);
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad < 0) return { text: lenient() };
  if (hasControlBytes(bytes)) return whole(`The file is not a text file (byte ${bad} is ${hex(bytes[bad])}, and it holds control bytes). A request file is JSON text in UTF-8.`);
  const text = lenient();
  const offset = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(0, bad)).length;
  const latin1 = bytes[bad] >= 0xa0 || (bytes[bad] >= 0x80 && (bytes[bad + 1] ?? 0) < 0x80);
  return {
    problem:
      `The file is not valid UTF-8: byte ${bad} (${hex(bytes[bad])}) ${latin1 ? 'looks like a Latin-1 (ISO-8859-1) or Windows-1252 character' : 'does not start or continue a UTF-8 character'}. ` +
      SAVE_AS_UTF8,
    lenient: text,
    offset,
  };
}

/** UTF-16LE or BE when zero bytes fill one half of the (mostly ASCII) text and not the other. */
function guessUtf16(bytes: Uint8Array): 'UTF-16LE' | 'UTF-16BE' | undefined {
  const n = Math.min(bytes.length, 1024) & ~1;
  if (n < 2) return undefined;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const half = n / 2;
  if (oddZero >= half * 0.7 && evenZero <= half * 0.05) return 'UTF-16LE';
  if (evenZero >= half * 0.7 && oddZero <= half * 0.05) return 'UTF-16BE';
  return undefined;
}

/** Control bytes other than tab, line feed, form feed and carriage return. */
function hasControlBytes(bytes: Uint8Array): boolean {
  for (const c of bytes) if ((c < 0x20 && c !== 9 && c !== 10 && c !== 12 && c !== 13) || c === 0x7f) return true;
  return false;
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const c = bytes[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f; // no UTF-16 surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f; // nothing above U+10FFFF
    } else return i;
    for (let k = 1; k <= need; k++) {
      const d = bytes[i + k];
      const [min, max] = k === 1 ? [lo, hi] : [0x80, 0xbf];
      if (d === undefined || d < min || d > max) return i;
    }
    i += need + 1;
  }
  return -1;
}
