// Values a function makes itself and has not yet handed to anything: `c := &client{...}` and its uses up to a
// point that only read or set its fields or call its methods that do the same. No other goroutine can reach such a
// value yet, so nobody else can hold or wait for its lock: locking it cannot block, whatever else is held.
import type { Node } from '../load/tree-sitter-go.js';
import { FUNCTION_TYPES, unparen, walk } from '../load/syntax.js';
import type { FileFacts } from './package-facts.js';
import type { FunctionInfo, PackageModel } from '../model/package-model.js';

const MAX_METHOD_DEPTH = 3;

/** Whether a `var` spec or a range clause declares or assigns `name`. */
function declares(node: Node, name: string): boolean {
  const names =
    node.type === 'var_spec'
      ? node.childrenForFieldName('name')
      : (node.childForFieldName('left')?.namedChildren ?? []);
  return names.some((n) => n !== null && unparen(n).text === name);
}

/** `&T{...}`, `T{...}` or `new(T)`: a value nothing else refers to yet. */
function isAllocation(value: Node): boolean {
  const v = unparen(value);
  if (v.type === 'composite_literal') return true;
  if (v.type === 'unary_expression' && v.childForFieldName('operator')?.text === '&') {
    const operand = v.childForFieldName('operand');
    return operand !== null && unparen(operand).type === 'composite_literal';
  }
  return v.type === 'call_expression' && v.childForFieldName('function')?.text === 'new';
}

/**
 * The `x := <value>` that defines `name` in `fn`, when it is the only definition, nothing assigns `name` and the
 * value passes `accept` (by default: an allocation).
 */
function allocationOf(fn: Node, name: string, accept: (value: Node) => boolean = isAllocation): Node | null {
  const body = fn.childForFieldName('body');
  if (body === null) return null;
  let found: Node | null = null;
  let single = true;
  walk(body, (node) => {
    if (!single) return false;
    if (node.type === 'short_var_declaration' || node.type === 'assignment_statement') {
      const left = node.childForFieldName('left')?.namedChildren ?? [];
      const right = node.childForFieldName('right')?.namedChildren ?? [];
      left.forEach((target, i) => {
        if (target === null || unparen(target).text !== name) return;
        const value = left.length === right.length ? right[i] : undefined;
        if (found !== null || node.type !== 'short_var_declaration' || value === undefined || value === null)
          single = false;
        else if (accept(value)) found = node;
        else single = false;
      });
    } else if ((node.type === 'var_spec' || node.type === 'range_clause') && declares(node, name)) single = false;
    return undefined;
  });
  return single ? found : null;
}

/**
 * Whether `node` sits in a block that ends in a return (`if err != nil { o.stop(); return }`) and not around `at`:
 * the path through it never gets to `at`. (`continue` and `goto` can come back to it.)
 */
function returnsBefore(node: Node, at: Node, scope: Node): boolean {
  for (let n: Node | null = node.parent; n !== null && n.id !== scope.id; n = n.parent) {
    if (n.startIndex <= at.startIndex && at.endIndex <= n.endIndex) return false;
    if (n.type === 'block' || n.type === 'statement_list') {
      const last = n.namedChildren.filter((c) => c !== null && c.type !== 'comment').at(-1);
      if (last?.type === 'return_statement') return true;
    }
  }
  return false;
}

interface Context {
  model: PackageModel;
  file: FileFacts;
  type: string;
  memo: Map<number, boolean>;
  /** Set when an answer below was cut short at the depth limit: such an answer is not memoised. */
  depthCut: { hit: boolean };
}

/**
 * Whether one use of the value (identifier `use`) can hand it to something another goroutine may reach: passed,
 * stored, returned, captured by a function literal or a go statement, its field's address given to a function of
 * the package, or a method called that does one of these with its receiver.
 */
function publishes(use: Node, scope: Node, ctx: Context, depth: number): boolean {
  for (let n: Node | null = use.parent; n !== null && n.id !== scope.id; n = n.parent)
    if (FUNCTION_TYPES.has(n.type) || n.type === 'go_statement') return true;
  const parent = use.parent;
  if (parent === null) return true;
  if (parent.type === 'binary_expression') {
    const operator = parent.childForFieldName('operator')?.text;
    return operator !== '==' && operator !== '!=';
  }
  if (parent.type !== 'selector_expression' || parent.childForFieldName('operand')?.id !== use.id) return true;
  const outer = parent.parent;
  const method = ctx.model.methods.get(`${ctx.type}.${parent.childForFieldName('field')?.text ?? ''}`);
  if (outer?.type === 'call_expression' && outer.childForFieldName('function')?.id === parent.id) {
    if (method !== undefined) return methodPublishes(method, ctx, depth + 1);
    // A call of a func-typed field runs a function value, not a method on the receiver; a method promoted from an
    // embedded field runs on part of the value, which it may keep.
    return ctx.model.pkg.structs.get(ctx.type)?.fields.some((f) => f.embedded) !== false;
  }
  // A method value (`time.AfterFunc(d, x.expire)`) carries the value with it.
  if (method !== undefined) return true;
  // `&x.f` given to a function of the package may be kept there; to another package (sync, atomic) it is used.
  let addressed: Node = parent;
  while (addressed.parent?.type === 'selector_expression' || addressed.parent?.type === 'parenthesized_expression')
    addressed = addressed.parent;
  const unary = addressed.parent;
  if (unary?.type === 'unary_expression' && unary.childForFieldName('operator')?.text === '&') {
    const call = unary.parent?.type === 'argument_list' ? unary.parent.parent : null;
    return call === null || call === undefined || ctx.model.callee(call, ctx.file) !== null;
  }
  return false;
}

/** Whether method `fn` hands its receiver on (see `publishes`), memoised per method. */
function methodPublishes(fn: FunctionInfo, ctx: Context, depth: number): boolean {
  const known = ctx.memo.get(fn.node.id);
  if (known !== undefined) return known;
  const receiver = fn.receiverName;
  const body = fn.node.childForFieldName('body');
  if (receiver === undefined || receiver === '_' || body === null) return false;
  if (depth > MAX_METHOD_DEPTH) {
    ctx.depthCut.hit = true;
    return true;
  }
  const outer = ctx.depthCut.hit;
  ctx.depthCut.hit = false;
  ctx.memo.set(fn.node.id, false); // a recursive call adds nothing new
  const inner: Context = { ...ctx, file: fn.file };
  let out = false;
  walk(body, (node) => {
    if (out) return false;
    if (node.type === 'identifier' && node.text === receiver && publishes(node, fn.node, inner, depth)) out = true;
    return undefined;
  });
  // An answer cut short at the depth limit holds for this query only: a shallower one may see further.
  if (ctx.depthCut.hit) ctx.memo.delete(fn.node.id);
  else ctx.memo.set(fn.node.id, out);
  ctx.depthCut.hit ||= outer;
  return out;
}

function isParameter(fn: Node, name: string): boolean {
  return (fn.childForFieldName('parameters')?.namedChildren ?? []).some((decl) =>
    (decl?.childrenForFieldName('name') ?? []).some((n) => n?.text === name),
  );
}

/** Whether `name` is assigned or declared again anywhere in `fn`. */
function assigned(fn: Node, name: string): boolean {
  const body = fn.childForFieldName('body');
  let found = false;
  if (body !== null)
    walk(body, (node) => {
      if (found) return false;
      if (node.type === 'short_var_declaration' || node.type === 'assignment_statement')
        found = (node.childForFieldName('left')?.namedChildren ?? []).some(
          (t) => t !== null && unparen(t).text === name,
        );
      else if (node.type === 'inc_statement' || node.type === 'dec_statement')
        found = unparen(node.namedChild(0) ?? node).text === name;
      else if (node.type === 'var_spec' || node.type === 'range_clause') found = declares(node, name);
      return undefined;
    });
  return found;
}

/** `v` or `!v` for an identifier `v`: its name and the value that makes the condition true. */
function flag(condition: Node | null): { name: string; value: boolean } | null {
  if (condition === null) return null;
  const c = unparen(condition);
  if (c.type === 'identifier') return { name: c.text, value: true };
  const operand = c.type === 'unary_expression' ? c.childForFieldName('operand') : null;
  if (c.childForFieldName('operator')?.text !== '!' || operand === null) return null;
  const inner = flag(operand);
  return inner === null ? null : { name: inner.name, value: !inner.value };
}

/** The `if v` / `if !v` branches around `node` inside `fn`: flag name -> the value it has there. */
function flagBranches(node: Node, fn: Node): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (let child = node, n = node.parent; n !== null && n.id !== fn.id; child = n, n = n.parent) {
    if (n.type !== 'if_statement') continue;
    const f = flag(n.childForFieldName('condition'));
    if (f === null || out.has(f.name)) continue;
    if (n.childForFieldName('consequence')?.id === child.id) out.set(f.name, f.value);
    else if (n.childForFieldName('alternative')?.id === child.id) out.set(f.name, !f.value);
  }
  return out;
}

export type Freshness = (owner: Node, type: string, at: Node, fn: Node, file: FileFacts) => boolean;

/**
 * Whether the value whose lock `owner.mu` is (`owner` an identifier of local type `type`) was made in `fn` by
 * `owner := &T{...}` and has not been handed to anything on the way to `at`: then no other goroutine can hold or
 * wait for that lock. Answers are memoised for the package model.
 */
export function freshValues(model: PackageModel): Freshness {
  const allocations = new Map<string, Node | null>();
  const answers = new Map<string, boolean>();
  const methodMemo = new Map<number, boolean>();
  return (owner, type, at, fn, file) => {
    const o = unparen(owner);
    if (o.type !== 'identifier') return false;
    const key = `${o.id}:${at.id}`;
    const known = answers.get(key);
    if (known !== undefined) return known;
    const allocationKey = `${fn.id}:${o.text}`;
    let allocation = allocations.get(allocationKey);
    if (allocation === undefined) allocations.set(allocationKey, (allocation = allocationOf(fn, o.text)));
    const body = fn.childForFieldName('body');
    let fresh = allocation !== null && body !== null && allocation.endIndex <= at.startIndex;
    if (fresh && allocation !== null && body !== null) {
      const ctx: Context = { model, file, type, memo: methodMemo, depthCut: { hit: false } };
      const after = allocation.endIndex;
      // `if solicit { ... }` around `at`: a use under `if !solicit` (or its else) is on another path, when the flag
      // is defined once (or a parameter) and never changed: both branches read the same value.
      const atFlags = [...flagBranches(at, fn)].filter(
        ([name]) => allocationOf(fn, name, () => true) !== null || (isParameter(fn, name) && !assigned(fn, name)),
      );
      const otherPath = (use: Node): boolean => {
        const flags = flagBranches(use, fn);
        return atFlags.some(([name, value]) => flags.get(name) === !value);
      };
      walk(body, (node) => {
        if (!fresh || node.startIndex >= at.startIndex || node.endIndex <= after) return false;
        if (
          node.type === 'identifier' &&
          node.text === o.text &&
          !returnsBefore(node, at, fn) &&
          !otherPath(node) &&
          publishes(node, fn, ctx, 0)
        )
          fresh = false;
        return undefined;
      });
    }
    answers.set(key, fresh);
    return fresh;
  };
}
