/** A strict XML reader for the JUnit tests: sax (in node_modules, through @vscode/vsce) in strict mode. */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

interface SaxParser {
  onopentag: (t: { name: string; attributes: Record<string, string> }) => void;
  ontext: (t: string) => void;
  onclosetag: (name: string) => void;
  onerror: (e: Error) => void;
  write(s: string): SaxParser;
  close(): void;
}
const sax = createRequire(__filename)('sax') as { parser(strict: boolean): SaxParser };

export interface XmlNode {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
  text: string;
}

/** Parses strictly (sax in strict mode throws on anything malformed) into a small tree. */
export function parseXml(xml: string): XmlNode {
  const p = sax.parser(true);
  const root: XmlNode = { name: '#root', attributes: {}, children: [], text: '' };
  const stack = [root];
  p.onopentag = (t) => {
    const node: XmlNode = { name: t.name, attributes: t.attributes, children: [], text: '' };
    stack.at(-1)!.children.push(node);
    stack.push(node);
  };
  p.ontext = (t) => {
    stack.at(-1)!.text += t;
  };
  p.onclosetag = () => void stack.pop();
  p.onerror = (e) => {
    throw e;
  };
  p.write(xml).close();
  assert.equal(root.children.length, 1, 'one root element');
  return root.children[0];
}

export function all(n: XmlNode, name: string): XmlNode[] {
  return [...(n.name === name ? [n] : []), ...n.children.flatMap((c) => all(c, name))];
}

