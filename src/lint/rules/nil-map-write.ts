// A write to a map that is certainly nil: declared with `var m map[K]V` (local or package-level) or an
// unexported struct field that nothing in the package ever assigns, then written with m[k] = v.
import type { Node } from '../load/tree-sitter-go.js';
import { assignedTargets, enclosingFunction, unparen } from '../load/syntax.js';
import type { FileFacts, PackageFacts } from '../facts/package-facts.js';
import type { Rule, RuleContext } from '../framework/rule.js';
import { identifierEscapes } from '../facts/escapes.js';

/**
 * Index writes `x[k] = v`, `x[k] += v`, `x[k]++` within [scope.start, scope.end) whose map operand satisfies `matches`.
 */
function indexWrites(file: FileFacts, scope: Node, matches: (operand: Node) => boolean, out: Node[]): void {
  for (const type of ['assignment_statement', 'inc_statement', 'dec_statement']) {
    for (const node of file.nodes(type)) {
      if (node.startIndex < scope.startIndex || node.endIndex > scope.endIndex) continue;
      for (const target of assignedTargets(node)) {
        const inner = unparen(target);
        if (inner.type !== 'index_expression') continue;
        const operand = inner.childForFieldName('operand');
        if (operand !== null && matches(unparen(operand))) out.push(inner);
      }
    }
  }
  out.sort((a, b) => a.startIndex - b.startIndex);
}

function mapTypeText(spec: Node): string | null {
  const type = spec.childForFieldName('type');
  if (type === null || type.type !== 'map_type' || spec.childForFieldName('value') !== null) return null;
  return type.text;
}

function checkVariables(context: RuleContext, pkg: PackageFacts, file: FileFacts): void {
  for (const spec of file.nodes('var_spec')) {
    const typeText = mapTypeText(spec);
    if (typeText === null) continue;
    const names = spec.childrenForFieldName('name').filter((n): n is Node => n !== null);
    const declaration = spec.parent;
    // The mechanical fix rewrites the whole declaration, so only a lone `var m map[K]V`.
    const fixable =
      declaration !== null &&
      declaration.type === 'var_declaration' &&
      declaration.namedChildren.length === 1 &&
      names.length === 1
        ? declaration
        : null;
    const fn = enclosingFunction(spec);
    for (const nameNode of names) {
      const name = nameNode.text;
      if (name === '_') continue;
      const writes: Node[] = [];
      if (fn !== null) {
        if (identifierEscapes(file, fn, name, spec)) continue;
        indexWrites(file, fn, (operand) => operand.type === 'identifier' && operand.text === name, writes);
      } else {
        // Package level: any assignment anywhere in the package could initialise it.
        if (pkg.files.some((other) => identifierEscapes(other, other.root, name, spec))) continue;
        for (const other of pkg.files) {
          const found: Node[] = [];
          indexWrites(other, other.root, (operand) => operand.type === 'identifier' && operand.text === name, found);
          for (const write of found)
            reportWrite(
              context,
              other,
              write,
              `package-level map ${name}`,
              nameNode,
              file,
              fixable === null ? undefined : { declaration: fixable, name, typeText, packageLevel: true },
            );
        }
        continue;
      }
      for (const write of writes) {
        if (write.startIndex < spec.endIndex) continue;
        reportWrite(
          context,
          file,
          write,
          `map ${name}`,
          nameNode,
          file,
          fixable === null ? undefined : { declaration: fixable, name, typeText, packageLevel: false },
        );
      }
    }
  }
}

interface VarFix {
  declaration: Node;
  name: string;
  typeText: string;
  packageLevel: boolean;
}

function reportWrite(
  context: RuleContext,
  file: FileFacts,
  write: Node,
  what: string,
  declaredAt: Node,
  declFile: FileFacts,
  varFix: VarFix | undefined,
): void {
  const line = declaredAt.startPosition.row + 1;
  const newText =
    varFix === undefined
      ? ''
      : varFix.packageLevel
        ? `var ${varFix.name} = make(${varFix.typeText})`
        : `${varFix.name} := make(${varFix.typeText})`;
  context.report(file, {
    node: write,
    message:
      `assignment to entry in nil map: ${what} is declared at line ${line} without make and never assigned, ` +
      `so this write panics`,
    related: [{ node: declaredAt, message: `${what} declared here (nil)`, file: declFile }],
    fix:
      varFix !== undefined && declFile === file
        ? { description: `initialise it: ${newText}`, edits: [{ node: varFix.declaration, newText }] }
        : {
            description:
              'initialise the map with make (or a map literal) before writing to it, e.g. in the constructor',
          },
  });
}

function checkFields(context: RuleContext, pkg: PackageFacts): void {
  // Fields declared anywhere (package types, local types, anonymous structs), by name.
  const declaredCount = new Map<string, number>();
  for (const file of pkg.files) {
    for (const decl of file.nodes('field_declaration')) {
      for (const name of decl.childrenForFieldName('name'))
        if (name !== null) declaredCount.set(name.text, (declaredCount.get(name.text) ?? 0) + 1);
    }
  }
  const candidates = new Map<string, { struct: string; node: Node; file: FileFacts }>();
  for (const info of pkg.structs.values()) {
    for (const field of info.fields) {
      if (field.embedded || field.tag !== undefined || field.type.type !== 'map_type') continue;
      if (!/^[a-z_]/.test(field.name) || declaredCount.get(field.name) !== 1) continue;
      candidates.set(field.name, { struct: info.name, node: field.node, file: info.file });
    }
  }
  if (candidates.size === 0) return;
  // Anything that could give the field a value: assignment to x.f, a keyed literal f: v, &x.f, or an
  // unkeyed literal of the struct.
  for (const file of pkg.files) {
    for (const type of ['assignment_statement', 'short_var_declaration']) {
      for (const statement of file.nodes(type)) {
        for (const target of assignedTargets(statement)) {
          const inner = unparen(target);
          if (inner.type === 'selector_expression') candidates.delete(inner.childForFieldName('field')?.text ?? '');
        }
      }
    }
    for (const keyed of file.nodes('keyed_element')) {
      const key = keyed.namedChild(0);
      if (key !== null) candidates.delete(key.text);
    }
    for (const unary of file.nodes('unary_expression')) {
      if (!unary.text.startsWith('&')) continue;
      const operand = unary.childForFieldName('operand');
      if (operand !== null && unparen(operand).type === 'selector_expression')
        candidates.delete(unparen(operand).childForFieldName('field')?.text ?? '');
    }
    for (const literal of file.nodes('composite_literal')) {
      const type = literal.childForFieldName('type')?.text;
      const body = literal.childForFieldName('body');
      if (type === undefined || body === null) continue;
      const unkeyed = body.namedChildren.some(
        (child) => child !== null && child.type !== 'keyed_element' && child.type !== 'comment',
      );
      if (!unkeyed) continue;
      for (const [name, candidate] of candidates) if (candidate.struct === type) candidates.delete(name);
    }
  }
  for (const file of pkg.files) {
    const writes: Node[] = [];
    indexWrites(
      file,
      file.root,
      (operand) =>
        operand.type === 'selector_expression' && candidates.has(operand.childForFieldName('field')?.text ?? ''),
      writes,
    );
    for (const write of writes) {
      const operand = write.childForFieldName('operand');
      const name = operand === null ? '' : (unparen(operand).childForFieldName('field')?.text ?? '');
      const candidate = candidates.get(name);
      if (candidate === undefined) continue;
      reportWrite(context, file, write, `field ${candidate.struct}.${name}`, candidate.node, candidate.file, undefined);
    }
  }
}

export const nilMapWrite: Rule = {
  meta: {
    name: 'nil-map-write',
    title: 'Write to a nil map',
    severity: 'error',
    summary: 'A map that is never initialised with make is written to; the write panics.',
    explanation:
      'The zero value of a map type is `nil`. Reading a nil map returns zero values, but writing to it panics with ' +
      '`panic: assignment to entry in nil map`. goroscope reports writes to maps declared with `var m map[K]V` that ' +
      'nothing ' +
      'assigns, and to unexported struct fields of map type that no composite literal, assignment or constructor in ' +
      'the ' +
      'package ever sets (this includes writes inside deferred functions).',
    fix:
      'Initialise the map before the first write:\n\n```go\nm := make(map[string]int)\nm["a"] = 1\n```\n\nFor a ' +
      'struct field, set it in the constructor:\n\n```go\nfunc NewCache() *Cache { return &Cache{entries: ' +
      'make(map[string]int)} }\n```',
    runtimeEffect: 'crash',
  },
  check(context: RuleContext): void {
    for (const file of context.pkg.files) checkVariables(context, context.pkg, file);
    checkFields(context, context.pkg);
  },
};
