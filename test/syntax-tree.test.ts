// The flat SyntaxTree must answer every question the lint layers ask exactly as web-tree-sitter's own nodes do:
// compared node by node on every Go file of testdata/ and on texts with syntax errors, non-ASCII text and CRLF.
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Parser } from 'web-tree-sitter';
import type { Node as WasmNode } from 'web-tree-sitter';
import { createGoParser, loadGoLanguage } from '../src/lint/load/tree-sitter-go.js';
import type { Node } from '../src/lint/load/tree-sitter-go.js';
import { walk } from '../src/lint/load/syntax.js';

function goFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) goFiles(path, out);
    else if (name.endsWith('.go')) out.push(path);
  }
  return out;
}

const ODD_TEXTS: Record<string, string> = {
  'syntax errors': 'package p\n\nfunc f( {\n\tx := \n\tgo func() { ch <- }(\n}\n\nfunc g() { if { } }\n',
  'missing tokens': 'package p\nfunc f() { a := []int{1, 2\n}\n',
  'non-ASCII': 'package p\n\n// héllo 世界 🎉\nvar größe = "日本語 🎉 text"\n\nfunc f() { größe = "ü" + größe }\n',
  CRLF: 'package p\r\n\r\nimport "sync"\r\n\r\nvar mu sync.Mutex\r\n\r\nfunc f() {\r\n\tmu.Lock()\r\n\tmu.Unlock()\r\n}\r\n',
  empty: '',
  'only a comment': '// nothing\n',
};

const FIELDS = ['name', 'type', 'body', 'left', 'right', 'operand', 'field', 'function', 'arguments', 'value'];
FIELDS.push('parameters', 'result', 'receiver', 'condition', 'consequence', 'alternative', 'tag', 'path', 'channel');

function compare(ours: Node, theirs: WasmNode, where: string, siblings: boolean): void {
  const at = `${where}:${theirs.startIndex}-${theirs.endIndex} ${theirs.type}`;
  assert.equal(ours.type, theirs.type, at);
  assert.equal(ours.isNamed, theirs.isNamed, at);
  assert.equal(ours.startIndex, theirs.startIndex, at);
  assert.equal(ours.endIndex, theirs.endIndex, at);
  assert.deepEqual(ours.startPosition, theirs.startPosition, at);
  assert.deepEqual(ours.endPosition, theirs.endPosition, at);
  assert.equal(ours.text, theirs.text, at);
  assert.equal(ours.childCount, theirs.childCount, at);
  assert.equal(ours.namedChildCount, theirs.namedChildCount, at);
  const span = (node: { startIndex: number; endIndex: number; type: string } | null): string =>
    node === null ? 'null' : `${node.type}@${node.startIndex}-${node.endIndex}`;
  assert.equal(span(ours.parent), span(theirs.parent), `${at} parent`);
  // tree-sitter finds siblings by position, which skips zero-width MISSING tokens of a broken parse; ours are the
  // neighbours in the parent's child list. The two agree wherever the parse has no error.
  if (siblings) {
    assert.equal(span(ours.nextSibling), span(theirs.nextSibling), `${at} nextSibling`);
    assert.equal(span(ours.previousSibling), span(theirs.previousSibling), `${at} previousSibling`);
    assert.equal(span(ours.nextNamedSibling), span(theirs.nextNamedSibling), `${at} nextNamedSibling`);
    assert.equal(span(ours.previousNamedSibling), span(theirs.previousNamedSibling), `${at} previousNamedSibling`);
  }
  assert.equal(span(ours.child(0)), span(theirs.child(0)), `${at} child(0)`);
  assert.equal(span(ours.namedChild(1)), span(theirs.namedChild(1)), `${at} namedChild(1)`);
  for (const field of FIELDS) {
    assert.equal(span(ours.childForFieldName(field)), span(theirs.childForFieldName(field)), `${at} .${field}`);
    assert.deepEqual(
      ours.childrenForFieldName(field).map(span),
      theirs.childrenForFieldName(field).map(span),
      `${at} ${field}[]`,
    );
  }
  assert.deepEqual(ours.namedChildren.map(span), theirs.namedChildren.map(span), `${at} namedChildren`);
  const oursChildren = ours.children;
  const theirsChildren = theirs.children;
  assert.equal(oursChildren.length, theirsChildren.length, `${at} children`);
  theirsChildren.forEach((child, i) => {
    const mine = oursChildren[i];
    assert.ok(child !== null && mine !== null && mine !== undefined, at);
    compare(mine, child, where, siblings);
  });
}

/** The named descendants web-tree-sitter's nodes give, in the order syntax.walk promises. */
function namedWalk(node: WasmNode, skipFuncLits: boolean, out: string[]): void {
  for (const child of node.namedChildren) {
    if (child === null || (skipFuncLits && child.type === 'func_literal')) continue;
    out.push(`${child.type}@${child.startIndex}`);
    namedWalk(child, skipFuncLits, out);
  }
}

describe('SyntaxTree answers as web-tree-sitter does', async () => {
  const ours = await createGoParser();
  const wasm = new Parser();
  wasm.setLanguage(await loadGoLanguage());
  const texts: [string, string][] = Object.entries(ODD_TEXTS);
  for (const path of goFiles('testdata')) texts.push([path, readFileSync(path, 'utf8')]);

  it(`node by node on ${texts.length} texts (every Go file of testdata/ and odd texts)`, () => {
    for (const [where, source] of texts) {
      const theirs = wasm.parse(source);
      assert.ok(theirs !== null);
      const tree = ours.parse(source);
      try {
        assert.equal(tree.hasError, theirs.rootNode.hasError, where);
        compare(tree.rootNode, theirs.rootNode, where, !tree.hasError);
        for (const skip of [true, false]) {
          const expected: string[] = [];
          namedWalk(theirs.rootNode, skip, expected);
          const got: string[] = [];
          walk(tree.rootNode, (node) => void got.push(`${node.type}@${node.startIndex}`), skip);
          assert.deepEqual(got, expected, `${where} walk(skipFuncLits=${skip})`);
        }
      } finally {
        theirs.delete();
      }
    }
  });

  it('finds the identifier at a range as descendantForIndex does, and keeps node ids unique across trees', () => {
    const seen = new Set<number>();
    for (const [where, source] of texts.slice(0, 40)) {
      const theirs = wasm.parse(source);
      assert.ok(theirs !== null);
      const tree = ours.parse(source);
      try {
        for (const match of source.matchAll(/\b[A-Za-z_]\w*\b/g)) {
          const end = match.index + match[0].length;
          const a = tree.rootNode.descendantForIndex(match.index, end);
          const b = theirs.rootNode.descendantForIndex(match.index, end);
          assert.ok(b !== null, where);
          assert.equal(`${a.type}@${a.startIndex}-${a.endIndex}`, `${b.type}@${b.startIndex}-${b.endIndex}`, where);
        }
        const ids = new Set<number>();
        walk(tree.rootNode, (node) => void ids.add(node.id), false);
        for (const id of ids) assert.ok(!seen.has(id), `${where}: id ${id} reused`);
        for (const id of ids) seen.add(id);
      } finally {
        theirs.delete();
      }
    }
  });
});
