// Lock and Unlock calls as the rules see them: each call with its mutex expression, statement and whether it is
// deferred, per function; and which kind of mutex (Mutex or RWMutex) a receiver expression names.
import { enclosingFunction, methodCall, walk } from '../load/syntax.js';
import type { Node } from '../load/tree-sitter-go.js';
import { qualifiedType } from './package-facts.js';
import type { FileFacts, PackageFacts } from './package-facts.js';
import { packageModel } from '../model/package-model.js';

export interface LockCall {
  call: Node;
  /** The mutex expression text: `mu`, `s.mu`, `s` (embedded). */
  mutex: string;
  receiver: Node;
  method: 'Lock' | 'Unlock' | 'RLock' | 'RUnlock';
  statement: Node;
  deferred: boolean;
}

const METHODS = new Set(['Lock', 'Unlock', 'RLock', 'RUnlock']);

export function lockCalls(file: FileFacts): Map<number, { fn: Node; calls: LockCall[] }> {
  const byFunction = new Map<number, { fn: Node; calls: LockCall[] }>();
  for (const call of file.nodes('call_expression')) {
    const method = methodCall(call);
    if (
      method === null ||
      !METHODS.has(method.method) ||
      (call.childForFieldName('arguments')?.namedChildCount ?? 0) !== 0
    )
      continue;
    const parent = call.parent;
    if (parent === null || (parent.type !== 'expression_statement' && parent.type !== 'defer_statement')) continue;
    const fn = enclosingFunction(call);
    if (fn === null) continue;
    const entry = byFunction.get(fn.id) ?? { fn, calls: [] };
    const name =
      method.method === 'Lock' || method.method === 'Unlock' || method.method === 'RLock' ? method.method : 'RUnlock';
    entry.calls.push({
      call,
      mutex: method.receiver.text,
      receiver: method.receiver,
      method: name,
      statement: parent,
      deferred: parent.type === 'defer_statement',
    });
    byFunction.set(fn.id, entry);
  }
  return byFunction;
}

/** Calls between two offsets that could lock or unlock `mutex` behind our back (anything mentioning its root). */
export function touchedBetween(fn: Node, mutex: string, from: number, to: number): boolean {
  const root = mutex.split('.')[0] ?? mutex;
  let touched = false;
  walk(
    fn,
    (node) => {
      if (touched || node.endIndex <= from || node.startIndex >= to) return false;
      if (node.type === 'call_expression' && new RegExp(`\\b${root}\\b`).test(node.text)) touched = true;
      if (node.type === 'goto_statement') touched = true;
      return undefined;
    },
    false,
  );
  return touched;
}

export type MutexKind = 'Mutex' | 'RWMutex';

/** sync.Mutex / sync.RWMutex for a type node (through one pointer), a struct embedding one, or null. */
function kindOfType(type: Node | null, file: FileFacts, pkg: PackageFacts, embedded: boolean): MutexKind | null {
  if (type === null) return null;
  const base = type.type === 'pointer_type' ? type.namedChild(0) : type;
  if (base === null) return null;
  const qualified = qualifiedType(base, file);
  if (qualified !== null)
    return qualified[0] === 'sync' && (qualified[1] === 'Mutex' || qualified[1] === 'RWMutex') ? qualified[1] : null;
  if (!embedded || base.type !== 'type_identifier') return null;
  const info = pkg.structs.get(base.text);
  if (info === undefined) return null;
  const kinds = info.fields
    .filter((field) => field.embedded && !field.pointer)
    .map((field) => kindOfType(field.type, info.file, pkg, false))
    .filter((kind) => kind !== null);
  return kinds.length === 1 ? (kinds[0] ?? null) : null;
}

/**
 * The declared type of identifier `name` seen from `node`: parameters and var specs of enclosing functions, then
 * package level.
 */
function declaredType(name: string, node: Node, file: FileFacts): Node | null | undefined {
  for (let fn = enclosingFunction(node); fn !== null; fn = enclosingFunction(fn)) {
    let found: Node | null | undefined;
    const visit = (inner: Node): boolean | void => {
      if (inner.type === 'func_literal') return false;
      if (inner.type === 'parameter_declaration' || inner.type === 'var_spec') {
        if (inner.childrenForFieldName('name').some((n) => n !== null && n.text === name))
          found = found === undefined ? inner.childForFieldName('type') : null;
      } else if (inner.type === 'short_var_declaration' || inner.type === 'range_clause') {
        const left = inner.childForFieldName('left');
        if (left !== null && left.namedChildren.some((n) => n !== null && n.text === name)) found = null;
      }
      return undefined;
    };
    for (const field of ['receiver', 'parameters', 'body']) {
      const part = fn.childForFieldName(field);
      if (part !== null) walk(part, visit);
    }
    if (found !== undefined) return found;
  }
  return packageVarTypes(file).get(name);
}

const varTypesByFile = new WeakMap<FileFacts, Map<string, Node | null>>();

/** Package-level `var` names of a file -> declared type (first declaration wins); built once per file. */
function packageVarTypes(file: FileFacts): Map<string, Node | null> {
  let types = varTypesByFile.get(file);
  if (types !== undefined) return types;
  types = new Map();
  for (const spec of file.nodes('var_spec')) {
    if (enclosingFunction(spec) !== null) continue;
    for (const n of spec.childrenForFieldName('name'))
      if (n !== null && !types.has(n.text)) types.set(n.text, spec.childForFieldName('type'));
  }
  varTypesByFile.set(file, types);
  return types;
}

const fieldKindsByPackage = new WeakMap<PackageFacts, Map<string, Set<MutexKind | null>>>();

/**
 * Field name -> the kinds of mutex a non-pointer field of that name has across the package's structs; built
 * once per package, so looking up a receiver costs the same however many structs a (generated) package has.
 */
function fieldKinds(pkg: PackageFacts): Map<string, Set<MutexKind | null>> {
  let kinds = fieldKindsByPackage.get(pkg);
  if (kinds !== undefined) return kinds;
  kinds = new Map();
  for (const info of pkg.structs.values()) {
    for (const f of info.fields) {
      if (f.pointer) continue;
      let set = kinds.get(f.name);
      if (set === undefined) kinds.set(f.name, (set = new Set()));
      set.add(kindOfType(f.type, info.file, pkg, f.embedded));
    }
  }
  fieldKindsByPackage.set(pkg, kinds);
  return kinds;
}

/** Which kind of mutex a receiver expression is, when the package says so unambiguously. */
export function mutexKind(receiver: Node, file: FileFacts, pkg: PackageFacts): MutexKind | null {
  if (receiver.type === 'identifier')
    return kindOfType(declaredType(receiver.text, receiver, file) ?? null, file, pkg, true);
  if (receiver.type === 'selector_expression') {
    const field = receiver.childForFieldName('field')?.text;
    if (field === undefined) return null;
    // The owner's type when declarations say it; otherwise every struct with a field of that name must agree.
    const operand = receiver.childForFieldName('operand');
    const model = packageModel(pkg);
    const owner = operand === null ? null : model.typeOf(operand, file);
    const declared = owner === null ? null : model.fieldType(owner, field);
    if (declared !== null) {
      const info = pkg.structs.get(owner ?? '');
      const f = info?.fields.find((x) => x.name === field);
      return kindOfType(declared.type, declared.file, pkg, f?.embedded ?? false);
    }
    const kinds = fieldKinds(pkg).get(field);
    return kinds !== undefined && kinds.size === 1 ? ([...kinds][0] ?? null) : null;
  }
  return null;
}
