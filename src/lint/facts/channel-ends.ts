// Channel and WaitGroup ends per package: every send, receive, range and close on a channel, and every Wait and
// Done on a WaitGroup, keyed by the identity of the value they work on: a struct field by (owner type, field), a
// package variable by name, a local by its declaration. A local copied from a field (`c := s.ch`), a getter
// (`func (s *S) C() chan T { return s.ch }`) and a parameter every caller in the package fills from the same
// value resolve to that value. Also what a channel is made with (its capacity) and whether it leaves the code
// we can see (exported, stored elsewhere, handed to another package), in which case other ends may exist.
import type { Node } from '../load/tree-sitter-go.js';
import {
  FUNCTION_TYPES,
  callArguments,
  calleeName,
  enclosingFunction,
  methodCall,
  unparen,
  walk,
} from '../load/syntax.js';
import type { FileFacts, PackageFacts } from './package-facts.js';
import { qualifiedType } from './package-facts.js';
import { packageModel } from '../model/package-model.js';
import type { FunctionInfo, PackageModel } from '../model/package-model.js';

export type EndKind = 'send' | 'receive' | 'close' | 'wait' | 'done' | 'cond-wait' | 'signal';

export interface ChannelEnd {
  kind: EndKind;
  /** The send statement, the `<-x` expression, the range clause, or the close/Wait/Done call. */
  node: Node;
  /** The channel or WaitGroup expression. */
  value: Node;
  file: FileFacts;
  /** The function (declaration, method or literal) the operation is written in. */
  fn: Node;
  /** The select statement when the operation is one of its cases. */
  select: Node | null;
  /** Written in a defer statement: it runs when `fn` returns. */
  deferred: boolean;
}

/** Who else may use a value beyond the ends listed: `receive` (may receive), `send` (may send or close). */
export interface Escape {
  receive: boolean;
  send: boolean;
}

export interface ChannelFacts {
  model: PackageModel;
  /** Identities of the value an expression denotes; null when the declarations do not say. */
  identities(expr: Node, file: FileFacts): string[] | null;
  ends(identity: string): ChannelEnd[];
  /** The end written at `node` (a send statement, `<-x`, range clause, close/Wait/Done call), if it is one. */
  endAt(node: Node): ChannelEnd | undefined;
  /** The calls in the package that reach function `fn` (resolved by the package model). */
  callersOf(fn: Node): { call: Node; file: FileFacts }[];
  /** For a sync.Cond: the identities of the locks it is made with (its L); null for one we cannot name. */
  condLockers(identity: string): (string | null)[];
  /** Capacities the value is made with (0 unbuffered, null for a capacity that is not a constant); empty: none seen. */
  capacities(identity: string): (number | null)[];
  escape(identity: string): Escape;
}

const facts = new WeakMap<PackageFacts, ChannelFacts>();

/** The names a declaring node introduces (parameters, var specs, `:=`, range and receive clauses). */
function declaredNames(node: Node): Node[] {
  switch (node.type) {
    case 'parameter_declaration':
    case 'variadic_parameter_declaration':
    case 'var_spec':
      return node.childrenForFieldName('name').filter((n): n is Node => n !== null);
    case 'receive_statement':
      if (node.text.indexOf(':=') < 0) return [];
      return (node.childForFieldName('left')?.namedChildren ?? []).filter((n): n is Node => n !== null);
    case 'short_var_declaration':
    case 'range_clause':
      return (node.childForFieldName('left')?.namedChildren ?? []).filter((n): n is Node => n !== null);
    default:
      return [];
  }
}

const declsByPackage = new WeakMap<PackageFacts, Map<number, Map<string, Node[]>>>();

/** Per function, once: each name's declaring nodes in source order (not those inside nested literals). */
function declarationsIn(fn: Node, pkg: PackageFacts): Map<string, Node[]> {
  let byFunction = declsByPackage.get(pkg);
  if (byFunction === undefined) declsByPackage.set(pkg, (byFunction = new Map<number, Map<string, Node[]>>()));
  const known = byFunction.get(fn.id);
  if (known !== undefined) return known;
  const out = new Map<string, Node[]>();
  const visit = (node: Node): boolean | void => {
    for (const name of declaredNames(node)) {
      const list = out.get(name.text) ?? [];
      list.push(node);
      out.set(name.text, list);
    }
    return undefined;
  };
  for (const field of ['receiver', 'parameters', 'body']) {
    const part = fn.childForFieldName(field);
    if (part !== null) {
      visit(part);
      walk(part, visit);
    }
  }
  byFunction.set(fn.id, out);
  return out;
}

/** The declaration of identifier `id`: the nearest enclosing function's first declaration before it, or a
 * package-level var spec; null when it is neither (a package name, a constant, a type). */
export function declarationOf(id: Node, file: FileFacts, pkg: PackageFacts): { decl: Node; fn: Node | null } | null {
  for (let fn = enclosingFunction(id); fn !== null; fn = enclosingFunction(fn)) {
    const found = declarationsIn(fn, pkg)
      .get(id.text)
      ?.find((decl) => decl.startIndex <= id.startIndex);
    if (found !== undefined) return { decl: found, fn };
  }
  const spec = packageVars(pkg).get(id.text);
  void file;
  return spec === undefined ? null : { decl: spec, fn: null };
}

const varsByPackage = new WeakMap<PackageFacts, Map<string, Node>>();

/** Package-level var specs by name, built once per package. */
function packageVars(pkg: PackageFacts): Map<string, Node> {
  let vars = varsByPackage.get(pkg);
  if (vars !== undefined) return vars;
  vars = new Map();
  for (const f of pkg.files)
    for (const spec of f.nodes('var_spec'))
      if (enclosingFunction(spec) === null)
        for (const n of spec.childrenForFieldName('name')) if (n !== null && !vars.has(n.text)) vars.set(n.text, spec);
  varsByPackage.set(pkg, vars);
  return vars;
}

/** `make(chan T)` / `make(chan T, n)`: the capacity (0, a constant, or null); undefined when not a channel make. */
export function makeCapacity(value: Node): number | null | undefined {
  const v = unparen(value);
  if (v.type !== 'call_expression' || calleeName(v) !== 'make') return undefined;
  const args = callArguments(v);
  if (args[0]?.type !== 'channel_type') return undefined;
  if (args.length === 1) return 0;
  const cap = args[1];
  return cap !== undefined && cap.type === 'int_literal' ? Number(cap.text.replace(/_/g, '')) : null;
}

function isNil(node: Node): boolean {
  return unparen(node).type === 'nil';
}

/** The value assigned to the name at `index` of a declaration or assignment, when the sides line up. */
function valueAt(decl: Node, name: string): Node | null {
  if (decl.type === 'var_spec') {
    const names = decl.childrenForFieldName('name');
    const values = decl.childForFieldName('value')?.namedChildren ?? [];
    const index = names.findIndex((n) => n?.text === name);
    return names.length === values.length ? (values[index] ?? null) : null;
  }
  if (decl.type === 'short_var_declaration') {
    const left = decl.childForFieldName('left')?.namedChildren ?? [];
    const right = decl.childForFieldName('right')?.namedChildren ?? [];
    const index = left.findIndex((n) => n?.text === name);
    return left.length === right.length ? (right[index] ?? null) : null;
  }
  return null;
}

/** The element type of a map, slice, array or channel type node (through a named type of the package). */
function elementType(type: Node | null, pkg: PackageFacts, depth = 0): Node | null {
  if (type === null || depth > 3) return null;
  if (type.type === 'map_type') return type.childForFieldName('value');
  if (type.type === 'slice_type' || type.type === 'array_type') return type.childForFieldName('element');
  if (type.type === 'type_identifier') return elementType(pkg.namedTypes.get(type.text) ?? null, pkg, depth + 1);
  return null;
}

function localName(type: Node | null): string | null {
  if (type === null) return null;
  if (type.type === 'pointer_type' || type.type === 'parenthesized_type') return localName(type.namedChild(0));
  if (type.type === 'type_identifier') return type.text;
  if (type.type === 'generic_type') return localName(type.childForFieldName('type'));
  return null;
}

export function channelFacts(pkg: PackageFacts): ChannelFacts {
  const cached = facts.get(pkg);
  if (cached !== undefined) return cached;
  const model = packageModel(pkg);

  /** Calls in the package that reach each function (resolved by the model), built once. */
  let callersIndex: Map<number, { call: Node; file: FileFacts }[]> | null = null;
  const callersOf = (fn: Node): { call: Node; file: FileFacts }[] => {
    if (callersIndex === null) {
      callersIndex = new Map();
      for (const file of pkg.files)
        for (const call of file.nodes('call_expression')) {
          const target = model.callee(call, file);
          if (target === null) continue;
          const list = callersIndex.get(target.node.id) ?? [];
          list.push({ call, file });
          callersIndex.set(target.node.id, list);
        }
    }
    return callersIndex.get(fn.id) ?? [];
  };

  /** The declared type node of a container expression (`s.items`, a typed local or parameter). */
  const declaredType = (expr: Node, file: FileFacts, depth = 0): Node | null => {
    if (depth > 8) return null;
    const e = unparen(expr);
    if (e.type === 'selector_expression') {
      const operand = e.childForFieldName('operand');
      const field = e.childForFieldName('field')?.text;
      const owner = operand === null ? null : ownerType(operand, file, depth + 1);
      return owner === null || field === undefined ? null : (model.fieldType(owner, field)?.type ?? null);
    }
    if (e.type === 'identifier') {
      const d = declarationOf(e, file, pkg);
      if (d === null) return null;
      if (d.decl.type === 'parameter_declaration' || d.decl.type === 'var_spec')
        return d.decl.childForFieldName('type');
    }
    return null;
  };

  /** The local type of an expression: the model's answer, or the element of the map or slice it was taken from. */
  const ownerType = (expr: Node, file: FileFacts, depth = 0): string | null => {
    if (depth > 8) return null;
    const known = model.typeOf(expr, file);
    if (known !== null) return known;
    const e = unparen(expr);
    if (e.type === 'index_expression') {
      const operand = e.childForFieldName('operand');
      return operand === null ? null : localName(elementType(declaredType(operand, file, depth + 1), pkg));
    }
    if (e.type !== 'identifier') return null;
    const d = declarationOf(e, file, pkg);
    if (d === null) return null;
    if (d.decl.type === 'range_clause') {
      const left = d.decl.childForFieldName('left')?.namedChildren ?? [];
      const right = d.decl.childForFieldName('right');
      if (left.length !== 2 || left[1]?.text !== e.text || right === null) return null;
      return localName(elementType(declaredType(right, file, depth + 1), pkg));
    }
    if (d.decl.type === 'short_var_declaration') {
      const left = d.decl.childForFieldName('left')?.namedChildren ?? [];
      const right = d.decl.childForFieldName('right')?.namedChildren ?? [];
      // `w, ok := m.byID[id]`
      if (left.length === 2 && right.length === 1 && left[0]?.text === e.text && right[0]?.type === 'index_expression')
        return ownerType(right[0], file, depth + 1);
    }
    return null;
  };

  /** Functions an unresolved method call may reach: the package's methods of that name (interface calls). */
  const byName = (call: Node): FunctionInfo[] => {
    const m = methodCall(call);
    if (m === null) return [];
    const owner = model.typeOf(m.receiver, file0(call));
    if (owner !== null && pkg.structs.has(owner)) return [];
    const out: FunctionInfo[] = [];
    for (const [key, info] of model.methods) if (key.endsWith(`.${m.method}`)) out.push(info);
    return out;
  };
  const fileOfNode = new Map<number, FileFacts>();
  for (const file of pkg.files) fileOfNode.set(file.root.id, file);
  const file0 = (node: Node): FileFacts => {
    let root: Node = node;
    while (root.parent !== null) root = root.parent;
    return fileOfNode.get(root.id) ?? (pkg.files[0] as FileFacts);
  };

  /** The function that declares each local identity, to find its uses. */
  const localScopes = new Map<string, { fn: Node; file: FileFacts }>();
  const resolving = new Set<number>();
  const memo = new Map<number, string[] | null>();
  const identities = (expr: Node, file: FileFacts, depth = 0): string[] | null => {
    const e = unparen(expr);
    const known = memo.get(e.id);
    if (known !== undefined) return known;
    if (depth > 5 || resolving.has(e.id)) return null;
    resolving.add(e.id);
    const out = resolve(e, file, depth);
    resolving.delete(e.id);
    memo.set(e.id, out);
    return out;
  };

  const resolve = (e: Node, file: FileFacts, depth: number): string[] | null => {
    if (e.type === 'selector_expression') {
      const operand = e.childForFieldName('operand');
      const field = e.childForFieldName('field')?.text;
      if (operand === null || field === undefined) return null;
      const owner = ownerType(operand, file);
      if (owner === null || model.fieldType(owner, field) === null) return null;
      return [`${owner}.${field}`];
    }
    if (e.type === 'identifier') {
      const d = declarationOf(e, file, pkg);
      if (d === null) return null;
      if (d.fn === null) return [`var.${e.text}`];
      const key = `local.${file.path}:${d.decl.startIndex}.${e.text}`;
      if (!localScopes.has(key)) localScopes.set(key, { fn: d.fn, file });
      if (d.decl.type === 'parameter_declaration' || d.decl.type === 'variadic_parameter_declaration') {
        // A parameter: the values every caller in the package passes (none: the parameter itself).
        const info = model.infoOf(d.fn);
        if (info === undefined || d.decl.parent?.id !== d.fn.childForFieldName('parameters')?.id) return [key];
        let index = 0;
        let at = -1;
        for (const p of d.fn.childForFieldName('parameters')?.namedChildren ?? []) {
          if (p === null || (p.type !== 'parameter_declaration' && p.type !== 'variadic_parameter_declaration'))
            continue;
          for (const n of p.childrenForFieldName('name')) {
            if (n?.text === e.text) at = index;
            index++;
          }
        }
        const callers = callersOf(d.fn);
        if (at < 0 || callers.length === 0) return [key];
        const out = new Set<string>();
        for (const { call, file: callFile } of callers) {
          const arg = callArguments(call)[at];
          const ids = arg === undefined ? null : identities(arg, callFile, depth + 1);
          if (ids === null) return null;
          for (const id of ids) out.add(id);
        }
        return [...out];
      }
      const value = valueAt(d.decl, e.text);
      if (value !== null && makeCapacity(value) === undefined && !isNil(value)) {
        const aliased = identities(value, file, depth + 1);
        return aliased;
      }
      if (d.decl.type === 'range_clause' || d.decl.type === 'receive_statement') return null;
      return [key];
    }
    if (e.type === 'call_expression') {
      const target = model.callee(e, file);
      const getters = target !== null ? [target] : byName(e);
      if (getters.length === 0) return null;
      const out = new Set<string>();
      for (const getter of getters) {
        const returned = returnedValues(getter.node);
        if (returned === null) {
          if (target !== null) return null;
          continue;
        }
        for (const value of returned) {
          const ids = identities(value, getter.file, depth + 1);
          if (ids === null) return null;
          for (const id of ids) out.add(id);
        }
      }
      return out.size === 0 ? null : [...out];
    }
    return null;
  };

  /** What a one-result function returns (every return statement's single value); null for other shapes. */
  const returnedValues = (fn: Node): Node[] | null => {
    const body = fn.childForFieldName('body');
    if (body === null) return null;
    const out: Node[] = [];
    let ok = true;
    const visit = (node: Node): void => {
      for (const child of node.namedChildren) {
        if (child === null || child.type === 'func_literal') continue;
        if (child.type === 'return_statement') {
          const values = child.namedChildren.filter((c) => c !== null);
          const list = values[0]?.type === 'expression_list' ? values[0].namedChildren : values;
          if (list.length !== 1 || list[0] === null || list[0] === undefined) ok = false;
          else if (!isNil(list[0])) out.push(list[0]);
        } else visit(child);
      }
    };
    visit(body);
    return ok && out.length > 0 ? out : null;
  };

  // Every end in the package, by identity.
  const endsBy = new Map<string, ChannelEnd[]>();
  const capacityBy = new Map<string, (number | null)[]>();
  const escapeBy = new Map<string, Escape>();
  const endByNode = new Map<number, ChannelEnd>();
  const addEnd = (end: ChannelEnd): void => {
    endByNode.set(end.node.id, end);
    for (const id of identities(end.value, end.file) ?? []) {
      const list = endsBy.get(id) ?? [];
      list.push(end);
      endsBy.set(id, list);
    }
  };
  const fnOf = (node: Node): Node | null => enclosingFunction(node);
  const deferredIn = (node: Node, fn: Node): boolean => {
    for (let n = node.parent; n !== null && n.id !== fn.id; n = n.parent) {
      if (n.type === 'defer_statement') return true;
      if (FUNCTION_TYPES.has(n.type)) return false;
    }
    return false;
  };
  const selectOf = (node: Node): Node | null => {
    let n = node.parent;
    if (n?.type === 'receive_statement') n = n.parent;
    return n?.type === 'communication_case' ? (n.parent?.type === 'select_statement' ? n.parent : null) : null;
  };

  for (const file of pkg.files) {
    for (const send of file.nodes('send_statement')) {
      const channel = send.childForFieldName('channel');
      const fn = fnOf(send);
      if (channel === null || fn === null) continue;
      addEnd({ kind: 'send', node: send, value: channel, file, fn, select: selectOf(send), deferred: false });
    }
    for (const unary of file.nodes('unary_expression')) {
      if (unary.child(0)?.type !== '<-') continue;
      const operand = unary.childForFieldName('operand');
      const fn = fnOf(unary);
      if (operand === null || fn === null) continue;
      addEnd({
        kind: 'receive',
        node: unary,
        value: operand,
        file,
        fn,
        select: selectOf(unary),
        deferred: deferredIn(unary, fn),
      });
    }
    for (const clause of file.nodes('range_clause')) {
      const right = clause.childForFieldName('right');
      const fn = fnOf(clause);
      if (right === null || fn === null || !isChannel(right, file)) continue;
      addEnd({ kind: 'receive', node: clause, value: right, file, fn, select: null, deferred: false });
    }
    for (const call of file.nodes('call_expression')) {
      const fn = fnOf(call);
      if (fn === null) continue;
      const args = callArguments(call);
      if (calleeName(call) === 'close' && args.length === 1 && args[0] !== undefined) {
        addEnd({ kind: 'close', node: call, value: args[0], file, fn, select: null, deferred: deferredIn(call, fn) });
        continue;
      }
      const m = methodCall(call);
      if (m === null || args.length !== 0) continue;
      let kind: EndKind | null = null;
      if (m.method === 'Wait' || m.method === 'Done')
        kind = isWaitGroup(m.receiver, file) ? (m.method === 'Wait' ? 'wait' : 'done') : null;
      if (m.method === 'Wait' || m.method === 'Signal' || m.method === 'Broadcast')
        kind ??= isCond(m.receiver, file) ? (m.method === 'Wait' ? 'cond-wait' : 'signal') : null;
      if (kind === null) continue;
      addEnd({
        kind,
        node: call,
        value: m.receiver,
        file,
        fn,
        select: null,
        deferred: deferredIn(call, fn),
      });
    }
  }

  /** Whether the declarations say `expr` is a channel (a field, local or parameter of channel type, or a make). */
  function isChannel(expr: Node, file: FileFacts): boolean {
    const type = declaredType(expr, file);
    if (type !== null) return type.type === 'channel_type';
    const e = unparen(expr);
    if (e.type === 'call_expression') {
      // A getter: the function the call reaches (or, for an interface call, every method of that name) returns one.
      const target = model.callee(e, file);
      const getters = target !== null ? [target] : byName(e);
      return getters.length > 0 && getters.every((g) => g.node.childForFieldName('result')?.type === 'channel_type');
    }
    if (e.type === 'identifier') {
      const d = declarationOf(e, file, pkg);
      const value = d === null ? null : valueAt(d.decl, e.text);
      return value !== null && makeCapacity(value) !== undefined;
    }
    return false;
  }

  function isNewCond(value: Node | null | undefined, file: FileFacts): value is Node {
    const m = value === null || value === undefined ? null : methodCall(unparen(value));
    return m !== null && m.method === 'NewCond' && file.imports.get(m.receiver.text) === 'sync';
  }

  function isCond(expr: Node, file: FileFacts): boolean {
    const type = declaredType(expr, file);
    const base = type?.type === 'pointer_type' ? type.namedChild(0) : type;
    const q = base === null || base === undefined ? null : qualifiedType(base, file);
    if (q !== null) return q[0] === 'sync' && q[1] === 'Cond';
    const e = unparen(expr);
    if (e.type !== 'identifier') return false;
    const d = declarationOf(e, file, pkg);
    return d !== null && isNewCond(valueAt(d.decl, e.text), file);
  }

  function isWaitGroup(expr: Node, file: FileFacts): boolean {
    const type = declaredType(expr, file);
    const base = type?.type === 'pointer_type' ? type.namedChild(0) : type;
    const q = base === null || base === undefined ? null : qualifiedType(base, file);
    return q !== null && q[0] === 'sync' && q[1] === 'WaitGroup';
  }

  // The lock each Cond is made with: `sync.NewCond(&s.mu)` assigned to it, or `c.L = &s.mu`.
  const lockersBy = new Map<string, (string | null)[]>();
  const lockerOf = (arg: Node | undefined, file: FileFacts): string | null => {
    const a = arg === undefined ? null : unparen(arg);
    if (a === null || a.type !== 'unary_expression' || a.child(0)?.type !== '&') return null;
    const operand = a.childForFieldName('operand');
    const ids = operand === null ? null : identities(operand, file);
    return ids !== null && ids.length === 1 ? (ids[0] ?? null) : null;
  };
  const addLocker = (conds: string[] | null, locker: string | null): void => {
    for (const id of conds ?? []) lockersBy.set(id, [...(lockersBy.get(id) ?? []), locker]);
  };
  for (const file of pkg.files) {
    for (const call of file.nodes('call_expression')) {
      if (!isNewCond(call, file)) continue;
      const locker = lockerOf(callArguments(call)[0], file);
      const list = call.parent;
      const holder = list?.parent;
      if (list?.type === 'literal_element' && holder?.type === 'keyed_element') {
        const literal = holder.parent?.parent;
        const typeName = literal?.type === 'composite_literal' ? localName(literal.childForFieldName('type')) : null;
        const key = holder.namedChild(0)?.text;
        if (typeName !== null && key !== undefined) addLocker([`${typeName}.${key}`], locker);
        continue;
      }
      if (list?.type !== 'expression_list' || holder === null || holder === undefined) continue;
      const index = list.namedChildren.findIndex((c) => c?.id === call.id);
      if (holder.type === 'var_spec') {
        const name = holder.childrenForFieldName('name')[index];
        if (name !== null && name !== undefined) addLocker(identities(name, file), locker);
      } else if (holder.type === 'assignment_statement' || holder.type === 'short_var_declaration') {
        const target = holder.childForFieldName('left')?.namedChildren[index];
        if (target !== null && target !== undefined) addLocker(identities(target, file), locker);
      }
    }
    for (const assign of file.nodes('assignment_statement')) {
      const left = assign.childForFieldName('left')?.namedChildren ?? [];
      const right = assign.childForFieldName('right')?.namedChildren ?? [];
      left.forEach((target, i) => {
        const t = target === null ? null : unparen(target);
        if (t?.type !== 'selector_expression' || t.childForFieldName('field')?.text !== 'L') return;
        const cond = t.childForFieldName('operand');
        if (cond !== null) addLocker(identities(cond, file), lockerOf(right[i] ?? undefined, file));
      });
    }
  }

  // Makes and escapes: every place a tracked value is written or used other than by an end.
  const tracked = (node: Node, file: FileFacts): string[] => {
    const ids = identities(node, file);
    return ids === null ? [] : ids.filter((id) => endsBy.has(id));
  };
  const markEscape = (ids: string[], receive: boolean, send: boolean): void => {
    for (const id of ids) {
      const e = escapeBy.get(id) ?? { receive: false, send: false };
      e.receive ||= receive;
      e.send ||= send;
      escapeBy.set(id, e);
    }
  };
  const addCapacity = (ids: string[], value: Node): boolean => {
    const cap = makeCapacity(value);
    if (cap === undefined) return false;
    for (const id of ids) capacityBy.set(id, [...(capacityBy.get(id) ?? []), cap]);
    return true;
  };
  const exported = (name: string): boolean => /^[A-Z]/.test(name);
  // Whether other packages can import this one (a main package or one made only of test files cannot).
  const importable = pkg.files.some((f) => f.packageName !== 'main' && !f.path.endsWith('_test.go'));

  const aliases: { scope: Node; name: string; file: FileFacts }[] = [];
  const judged = new Set<number>();

  /** How a use of a tracked value that is not an end is judged: harmless, or who else may now reach it. */
  const judgeUse = (use: Node, ids: string[], file: FileFacts): void => {
    let node = use;
    while (node.parent?.type === 'parenthesized_expression') node = node.parent;
    const parent = node.parent;
    if (parent === null) return;
    switch (parent.type) {
      case 'send_statement':
        if (parent.childForFieldName('channel')?.id === node.id) return;
        markEscape(ids, true, true); // the channel itself is sent somewhere
        return;
      case 'unary_expression':
        if (parent.child(0)?.type === '<-') return;
        markEscape(ids, true, true); // &x.ch
        return;
      case 'range_clause':
      case 'parameter_declaration':
      case 'variadic_parameter_declaration':
      case 'var_spec':
        return;
      case 'binary_expression':
        return; // compared (with nil)
      case 'expression_list':
      case 'argument_list':
      case 'literal_element':
        break;
      case 'selector_expression':
        return; // a field of it (`x.wg.Add`), not the value itself
      case 'expression_statement':
      case 'if_statement':
      case 'expression_switch_statement':
        return;
      default:
        markEscape(ids, true, true);
        return;
    }
    if (parent.type === 'argument_list') {
      const call = parent.parent;
      if (call === null) return;
      const name = calleeName(call);
      if (name === 'close' || name === 'len' || name === 'cap') return;
      const target = model.callee(call, file);
      if (target === null) markEscape(ids, true, true);
      // A package function's parameter resolves to the caller's value: its ends are already listed.
      return;
    }
    if (parent.type === 'literal_element') {
      const keyed = parent.parent;
      if (keyed?.type === 'keyed_element' && keyed.namedChild(0)?.id === parent.id) return; // a key
      markEscape(ids, true, true); // stored into another struct
      return;
    }
    // expression_list: the left or right of an assignment, a declaration, a return.
    const holder = parent.parent;
    if (holder === null) return;
    if (holder.type === 'return_statement') {
      const fn = enclosingFunction(holder);
      const info = fn === null ? undefined : model.infoOf(fn);
      if (fn === null || info === undefined) {
        markEscape(ids, true, true);
        return;
      }
      const result = fn.childForFieldName('result');
      const direction = result?.type === 'channel_type' ? result.text : 'chan';
      const outside =
        importable && exported(info.name) && (info.receiverType === undefined || exported(info.receiverType));
      if (outside) markEscape(ids, !direction.startsWith('chan<-'), !direction.startsWith('<-'));
      // Inside the package the getter's callers are resolved like the value itself.
      return;
    }
    if (holder.type === 'assignment_statement' || holder.type === 'short_var_declaration') {
      const left = holder.childForFieldName('left');
      if (left?.id === parent.id) return; // written: makes are counted below
      // Copied into a local (resolved to the same value, its uses judged too) or into something else.
      const targets = left?.namedChildren ?? [];
      if (targets.every((t) => t !== null && unparen(t).type === 'identifier')) {
        const scope = enclosingFunction(holder);
        if (scope !== null) for (const t of targets) if (t !== null) aliases.push({ scope, name: t.text, file });
        return;
      }
      markEscape(ids, true, true);
      return;
    }
    if (holder.type === 'var_spec') {
      const scope = enclosingFunction(holder);
      if (scope !== null)
        for (const n of holder.childrenForFieldName('name'))
          if (n !== null) aliases.push({ scope, name: n.text, file });
      return;
    }
    if (holder.type === 'range_clause' || holder.type === 'receive_statement') return;
    markEscape(ids, true, true);
  };

  // The last name of each identity: uses are looked for only among nodes with one of these names.
  const trackedFields = new Set<string>();
  const trackedVars = new Set<string>();
  const trackedLocals = new Set<string>();
  for (const id of endsBy.keys()) {
    const last = id.slice(id.lastIndexOf('.') + 1);
    if (id.startsWith('var.')) trackedVars.add(last);
    else if (id.startsWith('local.')) trackedLocals.add(last);
    else trackedFields.add(last);
  }
  /** Whether an assignment target may be a tracked value, by its name (cheap filter before resolving it). */
  const mayBeTracked = (target: Node): boolean => {
    const t = unparen(target);
    if (t.type === 'selector_expression') return trackedFields.has(t.childForFieldName('field')?.text ?? '');
    return t.type === 'identifier' && (trackedVars.has(t.text) || trackedLocals.has(t.text));
  };

  for (const file of pkg.files) {
    // Makes and other writes of field and variable values.
    for (const assign of [...file.nodes('assignment_statement'), ...file.nodes('short_var_declaration')]) {
      const left = assign.childForFieldName('left')?.namedChildren ?? [];
      const right = assign.childForFieldName('right')?.namedChildren ?? [];
      if (left.length !== right.length) continue;
      left.forEach((target, i) => {
        const value = right[i];
        if (target === null || value === null || value === undefined) return;
        if (assign.type === 'short_var_declaration' ? makeCapacity(value) === undefined : !mayBeTracked(target)) return;
        const ids = assign.type === 'short_var_declaration' ? identities(target, file) : tracked(target, file);
        if (ids === null || ids.length === 0) return;
        if (addCapacity(ids, value) || isNil(value) || isNewCond(value, file)) return;
        if (assign.type === 'assignment_statement' && unparen(target).type !== 'identifier')
          markEscape(ids, true, true); // a field set from another value: other code holds that value
      });
    }
    for (const spec of file.nodes('var_spec')) {
      const names = spec.childrenForFieldName('name');
      const values = spec.childForFieldName('value')?.namedChildren ?? [];
      names.forEach((name, i) => {
        const value = values[i];
        if (name === null || value === null || value === undefined || makeCapacity(value) === undefined) return;
        const d = declarationOf(name, file, pkg);
        if (d === null) return;
        const key = d.fn === null ? `var.${name.text}` : `local.${file.path}:${d.decl.startIndex}.${name.text}`;
        addCapacity([key], value);
      });
    }
    for (const literal of file.nodes('composite_literal')) {
      const typeName = localName(literal.childForFieldName('type'));
      const info = typeName === null ? undefined : pkg.structs.get(typeName);
      const body = literal.childForFieldName('body');
      if (info === undefined || typeName === null || body === null) continue;
      let position = 0;
      for (const element of body.namedChildren) {
        if (element === null) continue;
        if (element.type === 'keyed_element') {
          const key = element.namedChild(0)?.text;
          const value = element.namedChild(1)?.namedChild(0) ?? null;
          if (key !== undefined && value !== null) addCapacity([`${typeName}.${key}`], value);
          if (key !== undefined && value !== null && makeCapacity(value) === undefined && !isNil(value))
            markEscape([`${typeName}.${key}`], true, true);
        } else if (element.type === 'literal_element') {
          const field = info.fields[position];
          const value = element.namedChild(0);
          if (field !== undefined && value !== null) {
            addCapacity([`${typeName}.${field.name}`], value);
            if (makeCapacity(value) === undefined && !isNil(value))
              markEscape([`${typeName}.${field.name}`], true, true);
          }
        }
        position++;
      }
    }
    // Uses other than ends: selectors of tracked fields, identifiers of tracked package variables.
    for (const node of file.nodes('selector_expression')) {
      if (!trackedFields.has(node.childForFieldName('field')?.text ?? '')) continue;
      const ids = tracked(node, file);
      if (ids.length > 0) judgeUse(node, ids, file);
    }
    if (trackedVars.size > 0)
      for (const node of file.nodes('identifier')) {
        if (!trackedVars.has(node.text)) continue;
        const ids = tracked(node, file);
        if (ids.length > 0) judgeUse(node, ids, file);
      }
  }
  // Identifiers of tracked locals and of the locals they are copied into, within the declaring function.
  for (const [id, scope] of localScopes)
    if (endsBy.has(id)) aliases.push({ scope: scope.fn, name: id.slice(id.lastIndexOf('.') + 1), file: scope.file });
  for (let i = 0; i < aliases.length && i < 10_000; i++) {
    const alias = aliases[i];
    if (alias === undefined) continue;
    walk(
      alias.scope,
      (node) => {
        if (node.type !== 'identifier' || node.text !== alias.name || judged.has(node.id)) return undefined;
        judged.add(node.id);
        const ids = tracked(node, alias.file);
        if (ids.length > 0) judgeUse(node, ids, alias.file);
        return undefined;
      },
      false,
    );
  }
  // Exported fields of exported types and exported package variables: other packages may use them.
  for (const id of importable ? endsBy.keys() : []) {
    const parts = id.split('.');
    if (parts[0] === 'local') continue;
    const [owner, field] = parts[0] === 'var' ? ['', parts[1] ?? ''] : [parts[0] ?? '', parts[1] ?? ''];
    if (exported(field) && (owner === '' || exported(owner))) markEscape([id], true, true);
  }

  const result: ChannelFacts = {
    model,
    identities: (expr, file) => identities(expr, file),
    ends: (id) => endsBy.get(id) ?? [],
    endAt: (node) => endByNode.get(node.id),
    capacities: (id) => capacityBy.get(id) ?? [],
    condLockers: (id) => lockersBy.get(id) ?? [],
    callersOf,
    escape: (id) => escapeBy.get(id) ?? { receive: false, send: false },
  };
  facts.set(pkg, result);
  return result;
}
