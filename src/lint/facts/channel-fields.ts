// Channels held in struct fields, identified by the struct that declares the field and the field's name (so
// `s.out` in one method and `w.out` in another are the same channel field when s and w have that type): where
// each is closed and sent on, and which fields any code of the package ever stores a value into.
import type { Node } from '../load/tree-sitter-go.js';
import { callArguments, calleeName, enclosingFunction, methodCall, unparen, walk } from '../load/syntax.js';
import type { FileFacts, PackageFacts } from './package-facts.js';
import { localTypeName, packageModel, type PackageModel } from '../model/package-model.js';

export interface ChannelFieldOp {
  file: FileFacts;
  /** The `close(...)` call or the send statement. */
  node: Node;
  /** The `x.f` expression. */
  channel: Node;
  kind: 'close' | 'send';
  /** The function or method declaration the operation is written in (through function literals). */
  declaration: Node;
  deferred: boolean;
}

export interface ChannelFieldFacts {
  /** `T.f` (T declares chan field f) -> its closes and sends. */
  ops: Map<string, ChannelFieldOp[]>;
  /** Field names that some code stores into: `x.f = ...`, `T{f: ...}`, `&x.f`, or a positional literal of T. */
  storedFields: Set<string>;
  /** Types built with a positional composite literal (`T{a, b}`): every field of theirs counts as stored. */
  positionalTypes: Set<string>;
  model: PackageModel;
}

const cache = new WeakMap<PackageFacts, ChannelFieldFacts>();

/** The outermost function or method declaration around a node (through function literals). */
export function declarationOf(node: Node): Node | null {
  let current = enclosingFunction(node);
  while (current !== null && current.type === 'func_literal') current = enclosingFunction(current);
  return current;
}

/** Whether a type node is a channel type, directly or through a local named type. */
function isChanType(type: Node, pkg: PackageFacts, depth = 0): boolean {
  if (type.type === 'channel_type') return true;
  const name = localTypeName(type);
  const named = name === null ? undefined : pkg.namedTypes.get(name);
  return named !== undefined && depth < 3 && isChanType(named, pkg, depth + 1);
}

/** The struct that declares field `field` of type `owner` (itself, or a type it embeds), when it is a channel. */
function channelFieldOwner(owner: string, field: string, pkg: PackageFacts, depth = 0): string | null {
  const info = pkg.structs.get(owner);
  if (info === undefined || depth > 3) return null;
  for (const f of info.fields) if (f.name === field && !f.embedded) return isChanType(f.type, pkg) ? owner : null;
  for (const f of info.fields) {
    if (!f.embedded) continue;
    const inner = localTypeName(f.type);
    const found = inner === null ? null : channelFieldOwner(inner, field, pkg, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/** `T.f` for a channel field expression `x.f` whose operand's type the declarations tell. */
export function channelFieldKey(expr: Node, file: FileFacts, model: PackageModel): string | null {
  const e = unparen(expr);
  if (e.type !== 'selector_expression') return null;
  const operand = e.childForFieldName('operand');
  const field = e.childForFieldName('field')?.text;
  if (operand === null || field === undefined) return null;
  const owner = model.typeOf(operand, file);
  if (owner === null) return null;
  const declaring = channelFieldOwner(owner, field, model.pkg);
  return declaring === null ? null : `${declaring}.${field}`;
}

export function channelFieldFacts(pkg: PackageFacts): ChannelFieldFacts {
  const known = cache.get(pkg);
  if (known !== undefined) return known;
  const model = packageModel(pkg);
  const ops = new Map<string, ChannelFieldOp[]>();
  const storedFields = new Set<string>();
  const positionalTypes = new Set<string>();
  const add = (op: ChannelFieldOp, key: string): void => {
    const list = ops.get(key) ?? [];
    list.push(op);
    ops.set(key, list);
  };
  for (const file of pkg.files) {
    for (const call of file.nodes('call_expression')) {
      if (calleeName(call) !== 'close') continue;
      const args = callArguments(call);
      const channel = args[0];
      const parent = call.parent;
      if (args.length !== 1 || channel === undefined || parent === null) continue;
      if (parent.type !== 'expression_statement' && parent.type !== 'defer_statement') continue;
      const key = channelFieldKey(channel, file, model);
      const declaration = declarationOf(call);
      if (key === null || declaration === null) continue;
      add({ file, node: call, channel, kind: 'close', declaration, deferred: parent.type === 'defer_statement' }, key);
    }
    for (const send of file.nodes('send_statement')) {
      const channel = send.childForFieldName('channel');
      const declaration = declarationOf(send);
      if (channel === null || declaration === null) continue;
      const key = channelFieldKey(channel, file, model);
      if (key !== null) add({ file, node: send, channel, kind: 'send', declaration, deferred: false }, key);
    }
    // Stores, by field name alone (an unresolved operand must not make a field look never made).
    const storeTarget = (target: Node): void => {
      const t = unparen(target);
      if (t.type === 'selector_expression') {
        const field = t.childForFieldName('field')?.text;
        if (field !== undefined) storedFields.add(field);
      }
    };
    for (const statement of [...file.nodes('assignment_statement'), ...file.nodes('short_var_declaration')])
      for (const target of statement.childForFieldName('left')?.namedChildren ?? [])
        if (target !== null) storeTarget(target);
    for (const unary of file.nodes('unary_expression')) {
      const operand = unary.childForFieldName('operand');
      if (unary.text.startsWith('&') && operand !== null) storeTarget(operand);
    }
    for (const element of file.nodes('keyed_element')) {
      const key = element.namedChild(0);
      if (key !== null) storedFields.add(unparen(key).text);
    }
    for (const literal of file.nodes('composite_literal')) {
      const type = localTypeName(literal.childForFieldName('type'));
      const body = literal.childForFieldName('body');
      if (type === null || body === null) continue;
      if (body.namedChildren.some((child) => child !== null && child.type === 'literal_element'))
        positionalTypes.add(type);
    }
  }
  const facts: ChannelFieldFacts = {
    ops,
    storedFields,
    positionalTypes,
    model,
  };
  cache.set(pkg, facts);
  return facts;
}

/** Something in `declaration` before `offset` that orders what follows after other goroutines' work: a Wait (also
 * `SignalAndWait` and other methods named `...Wait`), a Lock, a channel receive or select (outside nested
 * goroutines). */
export function ordersBefore(declaration: Node, offset: number): Node | null {
  let found: Node | null = null;
  walk(
    declaration,
    (node) => {
      if (found !== null || node.startIndex >= offset) return false;
      if (node.type === 'go_statement') return false;
      if (node.type === 'call_expression') {
        const m = methodCall(node);
        if (m !== null && (m.method.endsWith('Wait') || m.method === 'Lock' || m.method === 'RLock')) found = node;
      }
      if (
        (node.type === 'unary_expression' && node.text.startsWith('<-')) ||
        node.type === 'select_statement' ||
        node.type === 'receive_statement'
      )
        found = node;
      return undefined;
    },
    false,
  );
  return found;
}

/** A Lock or RLock call in `declaration` before `offset` (through literals): the operation may be guarded. */
export function lockedBefore(declaration: Node, offset: number): boolean {
  let found = false;
  walk(
    declaration,
    (node) => {
      if (found || node.startIndex >= offset) return false;
      if (node.type === 'call_expression') {
        const m = methodCall(node);
        if (m !== null && (m.method === 'Lock' || m.method === 'RLock')) found = true;
      }
      return undefined;
    },
    false,
  );
  return found;
}
