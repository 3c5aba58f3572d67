// Every read and write of a field of the package's struct types (by owner type and field: `T.f`, whatever the
// expression that reaches it) and of a package variable (`var.v`), with the locks held there by identity
// (lock-summary's `T.mu`, `var.mu`), whether only for reading, and what orders it: made on a value this function
// built and has not yet handed to a goroutine (a constructor), in init(), or after a Wait, a receive or a select.
// The race rules infer from these which lock guards a field and which accesses can overlap.
import type { Node } from '../load/tree-sitter-go.js';
import {
  FUNCTION_TYPES,
  assignedTargets,
  enclosingFunction,
  methodCall,
  rootIdentifier,
  unparen,
  walk,
} from '../load/syntax.js';
import type { FileFacts, PackageFacts } from './package-facts.js';
import { qualifiedType } from './package-facts.js';
import { lockFacts, lockedByEveryCaller } from './lock-summary.js';
import { localTypeName } from '../model/package-model.js';

export interface HeldLock {
  /** Lock identity (`T.mu`, `var.mu`); "*" for a lock we cannot name (a caller's, by convention). */
  identity: string;
  /** Held with RLock only. */
  read: boolean;
}

export type FieldAccessKind = 'write' | 'read';

export interface FieldAccess {
  /** `T.f` for field f declared in struct T, `var.v` for package variable v. */
  key: string;
  node: Node;
  file: FileFacts;
  /** The function (declaration, method or literal) the access is written in. */
  fn: Node;
  kind: FieldAccessKind;
  locks: HeldLock[];
  /** On a value the function made itself before starting any goroutine, or in init(): not yet shared. */
  unpublished: boolean;
  /** A Wait, channel receive or select runs earlier in the function (it may wait for the other side). */
  ordered: boolean;
  /** Earlier in the function than a goroutine start (the goroutine starts after it). */
  beforeStart: boolean;
}

export interface AccessFacts {
  accesses: FieldAccess[];
  byKey: Map<string, FieldAccess[]>;
}

const cache = new WeakMap<PackageFacts, AccessFacts>();

/** Types whose values synchronise themselves or are only ever used through methods. */
function selfSynchronised(type: Node, file: FileFacts): boolean {
  const inner = type.type === 'pointer_type' ? type.namedChild(0) : type;
  const qualified = inner === null ? null : qualifiedType(inner, file);
  return qualified !== null && (qualified[0] === 'sync' || qualified[0] === 'sync/atomic');
}

/** A comment right above a function saying its caller holds the lock ("must be called with mu held"). */
const CALLER_LOCKS =
  /\b(must|should|only) (be )?(called |invoked |run )?(with|while|holding|under)\b|\b(lock|mu|mutex)\w* (is |must be |should be )?(held|locked|acquired)\b|\bcaller(s)? (must )?(hold|holds|has|have|acquire)|\bassumes?\b.*\block|\block(ed)? by (the )?caller|\bwith .{0,40}\b(held|locked)\b|\bunder (the )?(lock|mutex|mu\b)|\b(already )?(have|has|having) (already )?(acquired|taken|locked|held)\b|\brequires? (holding )?(a |the )?(lock|mutex)\b/i;

function callerLocks(fn: Node): boolean {
  const name = fn.childForFieldName('name')?.text ?? '';
  if (/Locked$|locked$|NoLock$|Unlocked$|WithLock$|_locked$/.test(name)) return true;
  // A parameter whose type says the caller holds the lock (`_ levelHandlerRLocked`).
  if (/Locked\b/.test(fn.childForFieldName('parameters')?.text ?? '')) return true;
  let previous = fn.previousSibling;
  const lines: string[] = [];
  while (previous !== null && previous.type === 'comment') {
    lines.push(previous.text);
    previous = previous.previousSibling;
  }
  return lines.length > 0 && CALLER_LOCKS.test(lines.join(' '));
}

function isSyncPoint(node: Node): boolean {
  if (node.type === 'select_statement') return true;
  if (node.type === 'unary_expression' && node.text.startsWith('<-')) return true;
  if (node.type === 'call_expression') {
    const m = methodCall(node);
    if (m !== null && (m.method === 'Wait' || m.method === 'Do')) return true;
  }
  return false;
}

function isGoroutineStart(node: Node): boolean {
  if (node.type === 'go_statement') return true;
  const m = node.type === 'call_expression' ? methodCall(node) : null;
  return m !== null && (m.method === 'Go' || m.method === 'AfterFunc');
}

/** Offsets in `fn` (outside nested literals) of the first sync point and of the last goroutine start. */
function landmarks(fn: Node): { firstSync: number; lastStart: number; firstStart: number } {
  let firstSync = Infinity;
  let lastStart = -1;
  let firstStart = Infinity;
  const body = fn.childForFieldName('body');
  if (body !== null)
    walk(body, (node) => {
      if (isSyncPoint(node)) firstSync = Math.min(firstSync, node.startIndex);
      if (isGoroutineStart(node)) {
        lastStart = Math.max(lastStart, node.startIndex);
        firstStart = Math.min(firstStart, node.startIndex);
      }
      return undefined;
    });
  return { firstSync, lastStart, firstStart };
}

/** Names a function declares itself (receiver, parameters, named results, :=, var, range), literals inside included. */
function declaredIn(fn: Node): Map<string, Node> {
  const names = new Map<string, Node>();
  const add = (name: Node | null | undefined, decl: Node): void => {
    if (name !== null && name !== undefined && name.type === 'identifier' && !names.has(name.text))
      names.set(name.text, decl);
  };
  const visit = (inner: Node): boolean | void => {
    if (
      inner.type === 'parameter_declaration' ||
      inner.type === 'variadic_parameter_declaration' ||
      inner.type === 'var_spec' ||
      inner.type === 'const_spec'
    )
      for (const name of inner.childrenForFieldName('name')) add(name, inner);
    else if (inner.type === 'short_var_declaration' || inner.type === 'range_clause')
      for (const name of inner.childForFieldName('left')?.namedChildren ?? []) add(name, inner);
    return undefined;
  };
  for (const field of ['receiver', 'parameters', 'result', 'body']) {
    const part = fn.childForFieldName(field);
    if (part !== null) walk(part, visit, false);
  }
  return names;
}

/** Whether a declaration makes a fresh value: `x := &T{}`, `var x T`, `x := new(T)`, `x := newT()`. */
function makesFreshValue(decl: Node, name: string): boolean {
  if (decl.type === 'var_spec')
    return decl.childForFieldName('value') === null || /^[&]?\w*\{|^new\(/.test(valueOf(decl, name));
  if (decl.type !== 'short_var_declaration') return false;
  return /^(&?[\w.]*\{|new\(|[Nn]ew\w*\()/.test(valueOf(decl, name));
}

function valueOf(decl: Node, name: string): string {
  const left =
    decl.type === 'var_spec'
      ? decl.childrenForFieldName('name')
      : (decl.childForFieldName('left')?.namedChildren ?? []);
  const right = decl.childForFieldName(decl.type === 'var_spec' ? 'value' : 'right')?.namedChildren ?? [];
  const index = left.findIndex((n) => n?.text === name);
  return left.length === right.length ? (right[index]?.text ?? '') : '';
}

export function accessFacts(pkg: PackageFacts): AccessFacts {
  const known = cache.get(pkg);
  if (known !== undefined) return known;
  const lf = lockFacts(pkg);
  const model = lf.model;
  // Field name -> declaring struct, for the cheap filter before asking for a type.
  const fieldNames = new Set<string>();
  const skippedFields = new Set<string>();
  for (const [typeName, info] of pkg.structs)
    for (const field of info.fields) {
      if (field.embedded) continue;
      if (selfSynchronised(field.type, info.file) || pkg.lockTypes.has(localTypeName(field.type) ?? ''))
        skippedFields.add(`${typeName}.${field.name}`);
      fieldNames.add(field.name);
    }
  const packageVars = new Map<string, FileFacts>();
  for (const file of pkg.files)
    for (const spec of file.nodes('var_spec')) {
      if (enclosingFunction(spec) !== null) continue;
      const type = spec.childForFieldName('type');
      if (type !== null && selfSynchronised(type, file)) continue;
      if (type !== null && pkg.lockTypes.has(localTypeName(type) ?? '')) continue;
      if (spec.childForFieldName('value')?.text.startsWith('sync.') === true) continue;
      for (const name of spec.childrenForFieldName('name'))
        if (name !== null && name.text !== '_') packageVars.set(name.text, file);
    }

  /** The struct that declares field `field` of `typeName` (itself or one it embeds). */
  const declaringStruct = (typeName: string, field: string, depth = 0): string | null => {
    const info = pkg.structs.get(typeName);
    if (info === undefined || depth > 3) return null;
    if (info.fields.some((f) => !f.embedded && f.name === field)) return typeName;
    for (const f of info.fields) {
      if (!f.embedded || f.pointer) continue; // through an embedded pointer the field lives in another object
      const inner = localTypeName(f.type);
      const found = inner === null ? null : declaringStruct(inner, field, depth + 1);
      if (found !== null) return found;
    }
    return null;
  };

  /** The declared type node of an expression: a package variable, a field, or a composite literal's type. */
  const declaredType = (expr: Node, file: FileFacts): Node | null => {
    const e = unparen(expr);
    if (e.type === 'selector_expression') {
      const operand = e.childForFieldName('operand');
      const owner = operand === null ? null : model.typeOf(operand, file);
      const field = e.childForFieldName('field')?.text;
      return owner === null || field === undefined ? null : (model.fieldType(owner, field)?.type ?? null);
    }
    if (e.type !== 'identifier' || enclosingFunction(e) === null) return null;
    for (let fn = enclosingFunction(e); fn !== null; fn = enclosingFunction(fn))
      if (declaredOf(fn).has(e.text)) return null;
    for (const f of pkg.files)
      for (const spec of f.nodes('var_spec')) {
        if (enclosingFunction(spec) !== null || !spec.childrenForFieldName('name').some((n) => n?.text === e.text))
          continue;
        const type = spec.childForFieldName('type');
        if (type !== null) return type;
        const value = spec.childForFieldName('value')?.namedChild(0);
        return value?.type === 'composite_literal' ? value.childForFieldName('type') : null;
      }
    return null;
  };
  /** `c` of `for _, c := range clients` typed by the element type of what it ranges over. */
  const rangeElementType = (operand: Node, file: FileFacts): string | null => {
    const o = unparen(operand);
    if (o.type !== 'identifier') return null;
    const fn = enclosingFunction(o);
    const decl = fn === null ? undefined : declaredOf(fn).get(o.text);
    if (decl === undefined || decl.type !== 'range_clause') return null;
    const left = decl.childForFieldName('left')?.namedChildren ?? [];
    const right = decl.childForFieldName('right');
    if (right === null || left[left.length - 1]?.text !== o.text || left.length !== 2) return null;
    const container = declaredType(right, file);
    if (container === null) return null;
    const element =
      container.type === 'map_type'
        ? container.childForFieldName('value')
        : container.type === 'slice_type' || container.type === 'array_type'
          ? container.childForFieldName('element')
          : null;
    return localTypeName(element);
  };

  const declared = new Map<number, Map<string, Node>>();
  const declaredOf = (fn: Node): Map<string, Node> => {
    let names = declared.get(fn.id);
    if (names === undefined) declared.set(fn.id, (names = declaredIn(fn)));
    return names;
  };
  const marks = new Map<number, ReturnType<typeof landmarks>>();
  const marksOf = (fn: Node): ReturnType<typeof landmarks> => {
    let m = marks.get(fn.id);
    if (m === undefined) marks.set(fn.id, (m = landmarks(fn)));
    return m;
  };
  const callerHeld = new Map<number, HeldLock[]>();
  const callerLocksOf = (fn: Node): HeldLock[] => {
    let held = callerHeld.get(fn.id);
    if (held !== undefined) return held;
    held = [];
    if (callerLocks(fn)) held.push({ identity: '*', read: false });
    const receiverType = model.infoOf(fn)?.receiverType;
    if (receiverType !== undefined)
      for (const path of lockedByEveryCaller(pkg, fn))
        held.push({ identity: path.includes('.') ? '*' : `${receiverType}.${path}`, read: false });
    callerHeld.set(fn.id, held);
    return held;
  };
  const locksAt = (node: Node, fn: Node): HeldLock[] => {
    const out: HeldLock[] = [];
    for (const site of lf.heldAt(node, fn))
      out.push({ identity: site.identity ?? `?${site.mutex}`, read: site.method === 'RLock' });
    // A literal runs with the locks of the function it is written in only when called in place; a deferred or
    // callback literal may not: its own locks only, and the enclosing declaration's caller conventions.
    out.push(...callerLocksOf(fn));
    return out;
  };

  const accesses: FieldAccess[] = [];
  const record = (key: string, node: Node, file: FileFacts, kind: FieldAccessKind, root: string | null): void => {
    const fn = enclosingFunction(node);
    if (fn === null) return;
    const m = marksOf(fn);
    let unpublished = fn.type === 'function_declaration' && fn.childForFieldName('name')?.text === 'init';
    if (!unpublished && root !== null && node.startIndex < m.firstStart) {
      const decl = declaredOf(fn).get(root);
      if (decl !== undefined && makesFreshValue(decl, root)) unpublished = true;
    }
    accesses.push({
      key,
      node,
      file,
      fn,
      kind,
      locks: locksAt(node, fn),
      unpublished,
      ordered: node.startIndex > m.firstSync,
      beforeStart: node.startIndex < m.lastStart,
    });
  };
  const kindOf = (node: Node): FieldAccessKind => {
    const parent = node.parent;
    if (parent === null) return 'read';
    if (parent.type === 'inc_statement' || parent.type === 'dec_statement') return 'write';
    if (parent.type === 'expression_list' && parent.parent?.type === 'assignment_statement') {
      const statement = parent.parent;
      return statement.childForFieldName('left')?.id === parent.id ? 'write' : 'read';
    }
    if (parent.type === 'assignment_statement')
      return assignedTargets(parent).some((t) => t.id === node.id) ? 'write' : 'read';
    return 'read';
  };

  for (const file of pkg.files) {
    for (const selector of file.nodes('selector_expression')) {
      const field = selector.childForFieldName('field');
      const operand = selector.childForFieldName('operand');
      if (field === null || operand === null || !fieldNames.has(field.text)) continue;
      // `x.m()` calls a method; the callee of a call is never a field read we care about.
      const parent = selector.parent;
      if (parent?.type === 'call_expression' && parent.childForFieldName('function')?.id === selector.id) continue;
      const owner = model.typeOf(operand, file) ?? rangeElementType(operand, file);
      if (owner === null) continue;
      const declaring = declaringStruct(owner, field.text);
      if (declaring === null) continue;
      const key = `${declaring}.${field.text}`;
      if (skippedFields.has(key)) continue;
      record(key, selector, file, kindOf(selector), rootIdentifier(operand));
    }
    if (packageVars.size === 0) continue;
    for (const identifier of file.nodes('identifier')) {
      const name = identifier.text;
      if (!packageVars.has(name)) continue;
      const parent = identifier.parent;
      if (parent === null) continue;
      // Declarations and package qualifiers are not uses.
      if (parent.type === 'var_spec' || parent.type === 'const_spec' || parent.type === 'parameter_declaration')
        continue;
      if (parent.type === 'selector_expression' && parent.childForFieldName('field')?.id === identifier.id) continue;
      if (parent.type === 'call_expression' && parent.childForFieldName('function')?.id === identifier.id) continue;
      let shadowed = false;
      for (let fn = enclosingFunction(identifier); fn !== null && !shadowed; fn = enclosingFunction(fn))
        if (declaredOf(fn).has(name)) shadowed = true;
      if (shadowed || enclosingFunction(identifier) === null) continue;
      if (FUNCTION_TYPES.has(parent.type)) continue;
      record(`var.${name}`, identifier, file, kindOf(unparenParent(identifier)), null);
    }
  }
  const byKey = new Map<string, FieldAccess[]>();
  for (const access of accesses) {
    const list = byKey.get(access.key) ?? [];
    list.push(access);
    byKey.set(access.key, list);
  }
  const facts: AccessFacts = { accesses, byKey };
  cache.set(pkg, facts);
  return facts;
}

/** `(v)` as an assignment target is `v`. */
function unparenParent(node: Node): Node {
  let current = node;
  while (current.parent?.type === 'parenthesized_expression') current = current.parent;
  return unparen(current) === node ? current : node;
}
