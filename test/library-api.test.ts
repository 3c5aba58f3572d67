// The library API (src/index.ts) is usable from a consumer's code: every type that an exported function or class
// takes or returns, and every type those types are made of, can be named by importing it from the package.
// test/library-consumer.ts calls each export and is compiled with the rest of the tests, so a signature change that
// breaks consumers breaks the build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import ts from 'typescript';
import { ROOT } from './rules-support.js';

const INDEX = join(ROOT, 'src', 'index.ts');

test('every type reachable from an exported signature is exported from the package', () => {
  const program = ts.createProgram([INDEX], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const index = program.getSourceFile(INDEX);
  assert.ok(index, 'src/index.ts is part of the program');
  const moduleSymbol = checker.getSymbolAtLocation(index);
  assert.ok(moduleSymbol, 'src/index.ts is a module');

  const resolve = (symbol: ts.Symbol): ts.Symbol =>
    symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const exported = new Set(checker.getExportsOfModule(moduleSymbol).map(resolve));
  const ours = (declaration: ts.Declaration): boolean =>
    declaration.getSourceFile().fileName.startsWith(join(ROOT, 'src'));

  const missing = new Set<string>();
  const visited = new Set<ts.Symbol>();
  const isPrivate = (node: ts.Node): boolean =>
    (ts.canHaveModifiers(node) &&
      (ts.getModifiers(node) ?? []).some(
        (m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword,
      )) ||
    ((ts.isPropertyDeclaration(node) || ts.isMethodDeclaration(node)) && ts.isPrivateIdentifier(node.name));
  const visitTypeNode = (node: ts.Node, from: string): void => {
    // A class's private members and a function's body are not part of what a consumer writes.
    if (isPrivate(node) || ts.isBlock(node)) return;
    if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node)) {
      const name = ts.isTypeReferenceNode(node) ? node.typeName : node.expression;
      const found = checker.getSymbolAtLocation(name);
      if (found) visitSymbol(resolve(found), from);
    }
    ts.forEachChild(node, (child) => visitTypeNode(child, from));
  };
  const visitSymbol = (symbol: ts.Symbol, from: string): void => {
    if (visited.has(symbol)) return;
    visited.add(symbol);
    const declarations = (symbol.getDeclarations() ?? []).filter(ours);
    if (declarations.length === 0 || symbol.flags & ts.SymbolFlags.TypeParameter) return;
    if (!exported.has(symbol)) missing.add(`${symbol.getName()} (used by ${from})`);
    // The parts of a type a consumer has to write: members' types, parameters, results.
    for (const declaration of declarations) visitTypeNode(declaration, symbol.getName());
  };
  for (const symbol of exported) {
    for (const declaration of (symbol.getDeclarations() ?? []).filter(ours)) {
      const isCallable = ts.isFunctionDeclaration(declaration) || ts.isClassDeclaration(declaration);
      if (isCallable) visitTypeNode(declaration, symbol.getName());
    }
  }
  assert.deepEqual([...missing].sort(), []);
});
