// Lock facts shared by the lock rules: every Lock/Unlock/RLock/RUnlock call as an AST node, the identity of
// the lock it works on by (owner type, field path) so that `s.mu` in one method and `r.store.mu` in another
// are the same field of the same type, per-function summaries of the locks a call can take (following
// calls within the package), and the locks a goroutine already holds when it makes a call that takes them again.
import type { Node } from '../load/tree-sitter-go.js';
import {
  FUNCTION_TYPES,
  enclosingFunction,
  callArguments,
  dominates,
  methodCall,
  rootIdentifier,
  statementOf,
  statementsOf,
  unparen,
  walk,
} from '../load/syntax.js';
import type { FileFacts, PackageFacts } from './package-facts.js';
import { packageModel } from '../model/package-model.js';
import type { FunctionInfo, PackageModel } from '../model/package-model.js';
import { callGraph } from '../model/call-graph.js';

export type LockMethod = 'Lock' | 'Unlock' | 'RLock' | 'RUnlock';

export interface LockSite {
  call: Node;
  file: FileFacts;
  /** The function (declaration, method or literal) the call is written in. */
  fn: Node;
  /** The statement the call is (an expression or defer statement). */
  statement: Node;
  receiver: Node;
  /** The lock expression as written: `mu`, `s.mu`, `s` (embedded). */
  mutex: string;
  method: LockMethod;
  deferred: boolean;
  /** `T.mu` (field mu of local type T), `T.Mutex` (embedded), `var.mu` (package variable), or null when unknown. */
  identity: string | null;
  /** The value whose field the lock is (`s` of `s.mu`, `y.r` of `y.r.mu`). */
  owner: Node | null;
}

const METHODS = new Set(['Lock', 'Unlock', 'RLock', 'RUnlock']);

export interface LockFacts {
  model: PackageModel;
  /** Lock calls per function node id. */
  sitesByFunction: Map<number, LockSite[]>;
  /** Locks `fn` can take, directly or through calls in the package (one goroutine, not deferred). */
  acquires(fn: FunctionInfo): Acquisition[];
  /** The locks `callee` can take when `call` runs it: branches its constant boolean arguments rule out are skipped. */
  acquiresFrom(call: Node, callee: FunctionInfo): Acquisition[];
  /** Locks held (taken earlier in the same function and not released) when `node` runs. */
  heldAt(node: Node, fn: Node): LockSite[];
}

export interface Acquisition {
  site: LockSite;
  /** The calls from the summarised function down to the lock, outermost first. */
  path: FunctionInfo[];
  /** Every call on the way hands down the caller's receiver or a parameter: the lock can be the caller's own. */
  flows: boolean;
  /** Boolean parameters of the summarised function the path needs (`create` must be true to get here). */
  guards: Guard[];
}

export interface Guard {
  /** Parameter index. */
  index: number;
  value: boolean;
}

/** `p`, `!p` for a parameter `p`: the parameter index and the value that makes the condition true. */
function guardTerm(condition: Node, params: Map<string, number>): Guard | null {
  const c = unparen(condition);
  if (c.type === 'identifier') {
    const index = params.get(c.text);
    return index === undefined ? null : { index, value: true };
  }
  if (c.type === 'unary_expression' && c.text.startsWith('!')) {
    const inner = c.childForFieldName('operand');
    const term = inner === null ? null : guardTerm(inner, params);
    return term === null ? null : { index: term.index, value: !term.value };
  }
  return null;
}

function parameterIndexes(fn: Node): Map<string, number> {
  const out = new Map<string, number>();
  let index = 0;
  for (const decl of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (decl?.type !== 'parameter_declaration' && decl?.type !== 'variadic_parameter_declaration') continue;
    const names = decl.childrenForFieldName('name');
    if (names.length === 0) index++;
    for (const name of names) if (name !== null) out.set(name.text, index++);
  }
  return out;
}

const endsInReturn = (block: Node | null): boolean => {
  const last = block === null ? undefined : statementsOf(block).at(-1);
  return last?.type === 'return_statement';
};

// By function node: the callers pass the nodes kept in the package model and lock sites.
const definitions = new WeakMap<Node, Map<string, Node | null>>();

/** Locals of `fn` defined once by `v := expr` and never assigned again: name -> expr (null when not so). */
function singleDefinitions(fn: Node): Map<string, Node | null> {
  const known = definitions.get(fn);
  if (known !== undefined) return known;
  const out = new Map<string, Node | null>();
  const body = fn.childForFieldName('body');
  if (body !== null)
    walk(body, (node) => {
      if (FUNCTION_TYPES.has(node.type)) return false;
      if (node.type === 'short_var_declaration') {
        const left = node.childForFieldName('left')?.namedChildren ?? [];
        const right = node.childForFieldName('right')?.namedChildren ?? [];
        left.forEach((name, i) => {
          if (name === null) return;
          const value = left.length === right.length ? right[i] : null;
          out.set(name.text, out.has(name.text) ? null : (value ?? null));
        });
      } else if (node.type === 'assignment_statement' || node.type === 'inc_statement' || node.type === 'dec_statement')
        for (const target of node.childForFieldName('left')?.namedChildren ?? [node.namedChild(0)])
          if (target !== null && target !== undefined && unparen(target).type === 'identifier')
            out.set(unparen(target).text, null);
      return undefined;
    });
  definitions.set(fn, out);
  return out;
}

/**
 * The values of boolean parameters that make `condition` come out `value`: `p`, `!p`, `a && p` (true), `a || p`
 * (false), and a local defined once from such an expression (`inPlace := x && p; if inPlace {...}`).
 */
function conditionGuards(condition: Node, value: boolean, params: Map<string, number>, fn: Node, depth = 0): Guard[] {
  const c = unparen(condition);
  if (c.type === 'identifier') {
    const index = params.get(c.text);
    if (index !== undefined) return [{ index, value }];
    const defined = depth < 3 ? singleDefinitions(fn).get(c.text) : undefined;
    return defined === undefined || defined === null ? [] : conditionGuards(defined, value, params, fn, depth + 1);
  }
  if (c.type === 'unary_expression' && c.childForFieldName('operator')?.text === '!') {
    const inner = c.childForFieldName('operand');
    return inner === null ? [] : conditionGuards(inner, !value, params, fn, depth);
  }
  if (c.type === 'binary_expression') {
    const operator = c.childForFieldName('operator')?.text;
    // Both sides have `value` only when `a && b` is true or `a || b` is false.
    if ((operator === '&&' && value) || (operator === '||' && !value)) {
      const left = c.childForFieldName('left');
      const right = c.childForFieldName('right');
      return [
        ...(left === null ? [] : conditionGuards(left, value, params, fn, depth)),
        ...(right === null ? [] : conditionGuards(right, value, params, fn, depth)),
      ];
    }
  }
  return [];
}

/**
 * The values of boolean parameters that `node` in `fn` needs: it sits in `if p { ... }` (or its else), or after
 * `if !p || ... { return }`. A caller passing a constant for `p` never reaches it with the other value.
 */
export function guardsOf(node: Node, fn: Node): Guard[] {
  const params = parameterIndexes(fn);
  if (params.size === 0) return [];
  const out: Guard[] = [];
  for (
    let child: Node = node, parent = node.parent;
    parent !== null && child.id !== fn.id;
    child = parent, parent = parent.parent
  ) {
    if (FUNCTION_TYPES.has(parent.type)) break;
    if (parent.type === 'if_statement') {
      const condition = parent.childForFieldName('condition');
      if (condition !== null && parent.childForFieldName('consequence')?.id === child.id)
        out.push(...conditionGuards(condition, true, params, fn));
      if (condition !== null && parent.childForFieldName('alternative')?.id === child.id)
        out.push(...conditionGuards(condition, false, params, fn));
    }
    if (parent.type === 'block' || parent.type === 'statement_list')
      for (const earlier of parent.namedChildren) {
        if (earlier === null || earlier.startIndex >= child.startIndex) break;
        if (earlier.type !== 'if_statement' || earlier.childForFieldName('alternative') !== null) continue;
        if (!endsInReturn(earlier.childForFieldName('consequence'))) continue;
        // `if a || b { return }`: past it, the condition is false.
        const condition = earlier.childForFieldName('condition');
        if (condition !== null) out.push(...conditionGuards(condition, false, params, fn));
      }
  }
  return out;
}

/**
 * The guards of a path below `call` that `fn` passes its own parameters to (`commit(stop)` in
 * `unsafeCommit(stop bool)`), plus those on `call` itself: the caller's caller can then settle them.
 */
export function callGuards(inner: Guard[], call: Node, fn: Node): Guard[] {
  const out = guardsOf(call, fn);
  if (inner.length === 0) return out;
  const params = parameterIndexes(fn);
  const args = callArguments(call);
  for (const g of inner) {
    const arg = args[g.index];
    const term = arg === undefined ? null : guardTerm(arg, params);
    if (term !== null) out.push({ index: term.index, value: term.value === g.value });
  }
  return out;
}

/** Whether a call's constant arguments allow the guards (`f(false)` never reaches what needs `p == true`). */
export function guardsAllow(guards: Guard[], call: Node): boolean {
  if (guards.length === 0) return true;
  const args = callArguments(call);
  return guards.every((g) => {
    const arg = args[g.index];
    const text = arg === undefined ? '' : unparen(arg).text;
    return text === 'true' ? g.value : text === 'false' ? !g.value : true;
  });
}

const facts = new WeakMap<PackageFacts, LockFacts>();

/** Identity of a lock expression by its owner's local type and the field path from there. */
function lockIdentity(receiver: Node, file: FileFacts, model: PackageModel): { identity: string; owner: Node } | null {
  const path: string[] = [];
  let current = unparen(receiver);
  while (current.type === 'selector_expression') {
    const field = current.childForFieldName('field')?.text;
    const operand = current.childForFieldName('operand');
    if (field === undefined || operand === null) return null;
    path.unshift(field);
    const owner = model.typeOf(operand, file);
    if (owner !== null) return { identity: `${owner}.${path.join('.')}`, owner: operand };
    current = unparen(operand);
  }
  if (current.type !== 'identifier') return null;
  const own = model.typeOf(current, file);
  if (own !== null && path.length === 0) {
    // A struct that embeds the mutex: `s.Lock()`.
    const info = model.pkg.structs.get(own);
    const embedded = info?.fields.find((f) => f.embedded && !f.pointer && (f.name === 'Mutex' || f.name === 'RWMutex'));
    return embedded === undefined ? null : { identity: `${own}.${embedded.name}`, owner: current };
  }
  // A package-level lock variable (and fields of a package-level struct variable without a local type).
  if (packageVarNames(model.pkg).has(current.text))
    return { identity: ['var', current.text, ...path].join('.'), owner: current };
  return null;
}

const varNames = new WeakMap<PackageFacts, Set<string>>();

/** Names of the package-level variables, collected once per package (a node's parent is costly to reach). */
function packageVarNames(pkg: PackageFacts): Set<string> {
  let names = varNames.get(pkg);
  if (names !== undefined) return names;
  names = new Set();
  for (const pkgFile of pkg.files)
    for (const spec of pkgFile.nodes('var_spec'))
      if (enclosingFunction(spec) === null)
        for (const n of spec.childrenForFieldName('name')) if (n !== null) names.add(n.text);
  varNames.set(pkg, names);
  return names;
}

interface CondLock {
  identity: string;
  /** Made from `mu.RLocker()`: `c.L.Lock()` is `mu.RLock()`. */
  read: boolean;
}

/**
 * The lock behind each `sync.Cond` field made in the package by `x.c = sync.NewCond(&x.mu)` or
 * `sync.NewCond(x.mu.RLocker())`: `x.c.L.Lock()` takes that lock (a read lock for RLocker).
 */
function condLocks(model: PackageModel): Map<string, CondLock> {
  const out = new Map<string, CondLock>();
  for (const file of model.pkg.files)
    for (const assignment of file.nodes('assignment_statement')) {
      const left = assignment.childForFieldName('left')?.namedChildren ?? [];
      const right = assignment.childForFieldName('right')?.namedChildren ?? [];
      if (left.length !== 1 || right.length !== 1) continue;
      const target = left[0];
      const value = right[0];
      if (target?.type !== 'selector_expression' || value?.type !== 'call_expression') continue;
      const fn = value.childForFieldName('function');
      const pkgName = fn?.childForFieldName('operand')?.text;
      if (fn?.type !== 'selector_expression' || fn.childForFieldName('field')?.text !== 'NewCond') continue;
      if (pkgName === undefined || file.imports.get(pkgName) !== 'sync') continue;
      let arg = callArguments(value)[0];
      if (arg === undefined) continue;
      arg = unparen(arg);
      let read = false;
      const method = arg.type === 'call_expression' ? methodCall(arg) : null;
      if (method !== null && method.method === 'RLocker') {
        arg = method.receiver;
        read = true;
      } else if (arg.type === 'unary_expression' && arg.text.startsWith('&'))
        arg = arg.childForFieldName('operand') ?? arg;
      const cond = lockIdentity(target, file, model);
      const lock = lockIdentity(arg, file, model);
      if (cond !== null && lock !== null) out.set(`${cond.identity}.L`, { identity: lock.identity, read });
    }
  return out;
}

function collectSites(
  file: FileFacts,
  model: PackageModel,
  into: Map<number, LockSite[]>,
  conds: Map<string, CondLock>,
): void {
  for (const call of file.nodes('call_expression')) {
    const method = methodCall(call);
    if (method === null || !METHODS.has(method.method)) continue;
    if ((call.childForFieldName('arguments')?.namedChildCount ?? 0) !== 0) continue;
    const parent = call.parent;
    if (parent === null) continue;
    let statement: Node = parent;
    let deferred = parent.type === 'defer_statement';
    if (parent.type !== 'expression_statement' && !deferred) continue;
    let fn: Node | null = parent.parent;
    while (fn !== null && !FUNCTION_TYPES.has(fn.type)) fn = fn.parent;
    if (fn === null) continue;
    // `defer func() { mu.Unlock() }()`: the literal's unlock runs at the outer function's return.
    if (
      fn.type === 'func_literal' &&
      fn.parent?.type === 'call_expression' &&
      fn.parent.parent?.type === 'defer_statement'
    ) {
      statement = fn.parent.parent;
      deferred = true;
      let outer: Node | null = statement.parent;
      while (outer !== null && !FUNCTION_TYPES.has(outer.type)) outer = outer.parent;
      if (outer === null) continue;
      fn = outer;
    }
    const identity = lockIdentity(method.receiver, file, model);
    const cond = identity === null ? undefined : conds.get(identity.identity);
    if (identity !== null && cond !== undefined) {
      identity.identity = cond.identity;
      if (cond.read)
        method.method = method.method === 'Lock' ? 'RLock' : method.method === 'Unlock' ? 'RUnlock' : method.method;
    }
    const site: LockSite = {
      call,
      file,
      fn,
      statement,
      receiver: method.receiver,
      mutex: method.receiver.text,
      method: method.method as LockMethod,
      deferred,
      identity: identity?.identity ?? null,
      owner: identity?.owner ?? null,
    };
    const list = into.get(fn.id) ?? [];
    list.push(site);
    into.set(fn.id, list);
  }
}

/** Calls in `fn` made by the goroutine running it: not in function literals, go or defer statements. */
export function directCalls(fn: Node): Node[] {
  const body = fn.childForFieldName('body');
  const out: Node[] = [];
  if (body === null) return out;
  walk(body, (node) => {
    if (node.type === 'go_statement' || node.type === 'defer_statement') return false;
    if (node.type === 'call_expression') out.push(node);
    return undefined;
  });
  return out;
}

const PRINTERS = /^(Print|Printf|Println|Sprint|Sprintf|Sprintln|Fprint|Fprintf|Fprintln|Errorf)$/;

export interface CallEdge {
  callee: FunctionInfo;
  /** Reached through an interface method or a function value, not a static call. */
  dynamic: boolean;
  /** The value the method runs on (`x` in `x.m()`, the printed operand for fmt), or null for functions. */
  receiver: Node | null;
}

/**
 * Functions a call runs in this goroutine: the callee (also through interfaces and function values, see
 * call-graph.ts), and String/Error methods fmt calls on its operands.
 */
export function calledFunctions(call: Node, file: FileFacts, model: PackageModel): CallEdge[] {
  const targets = callGraph(model.pkg).targets(call, file);
  if (targets.length > 0) {
    const receiver = call.childForFieldName('function')?.childForFieldName('operand') ?? null;
    const dynamic = model.callee(call, file) === null;
    return targets.map((callee) => ({ callee, receiver, dynamic }));
  }
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'selector_expression') return [];
  const pkg = fn.childForFieldName('operand');
  const name = fn.childForFieldName('field')?.text ?? '';
  if (pkg?.type !== 'identifier' || file.imports.get(pkg.text) !== 'fmt' || !PRINTERS.test(name)) return [];
  const out: CallEdge[] = [];
  for (const arg of callArguments(call)) {
    const type = model.typeOf(arg, file);
    const method =
      type === null ? undefined : (model.methods.get(`${type}.String`) ?? model.methods.get(`${type}.Error`));
    if (method !== undefined) out.push({ callee: method, receiver: arg, dynamic: false });
  }
  return out;
}

/**
 * A method called on another value of the caller's own receiver type (a child node, a peer): its locks are
 * other instances of the same field, as in hand-over-hand locking.
 */
export function otherInstance(caller: FunctionInfo, callee: FunctionInfo, receiver: Node | null): boolean {
  return (
    caller.receiverType !== undefined &&
    callee.receiverType === caller.receiverType &&
    receiver !== null &&
    unparen(receiver).text !== caller.receiverName
  );
}

/** A method locking the same field of another value of its own type (`y.r.mu` in a method of y's type). */
function othersLock(fn: FunctionInfo, site: LockSite): boolean {
  const ownerType = site.identity?.split('.')[0];
  return (
    fn.receiverType !== undefined &&
    ownerType === fn.receiverType &&
    site.owner !== null &&
    unparen(site.owner).text !== fn.receiverName
  );
}

/**
 * The names whose values a function's caller hands it: receiver and parameters, the variables a function
 * literal captures (its body refers to them without declaring them), and locals built by a call given one of
 * those (`api := newAPI(c)` wraps `c`).
 */
function ownNames(fn: Node): { names: Set<string>; self: Set<string> } {
  const names = new Set<string>();
  // The receiver, captured variables and what wraps them: the value itself, never merely another argument.
  const self = new Set<string>();
  for (const field of ['receiver', 'parameters']) {
    const list = fn.childForFieldName(field);
    for (const decl of list?.namedChildren ?? [])
      for (const name of decl?.childrenForFieldName('name') ?? [])
        if (name !== null) {
          names.add(name.text);
          if (field === 'receiver') self.add(name.text);
        }
  }
  const body = fn.childForFieldName('body');
  if (body === null) return { names, self };
  const locals = new Set<string>();
  walk(body, (node) => {
    if (node.type === 'short_var_declaration' || node.type === 'range_clause') {
      const left = node.childForFieldName('left')?.namedChildren ?? [];
      const right = node.childForFieldName('right')?.namedChildren ?? [];
      const only = right.length === 1 ? right[0] : undefined;
      const wraps =
        node.type === 'short_var_declaration' &&
        only?.type === 'call_expression' &&
        callArguments(only).some((arg) => names.has(unparen(arg).text));
      for (const name of left)
        if (name !== null) {
          (wraps ? names : locals).add(name.text);
          if (wraps) self.add(name.text);
        }
    } else if (node.type === 'var_spec' || node.type === 'parameter_declaration') {
      for (const name of node.childrenForFieldName('name')) if (name !== null) locals.add(name.text);
    } else if (
      fn.type === 'func_literal' &&
      node.type === 'identifier' &&
      !locals.has(node.text) &&
      !names.has(node.text)
    ) {
      names.add(node.text);
      self.add(node.text);
    }
    return undefined;
  });
  return { names, self };
}

/** Whether a call runs on, or is given, a value rooted at one of `names` (`s.f.m()`, `g(s)`, `fmt.Print(s)`). */
function passes(call: Node, receiver: Node | null, names: Set<string>): boolean {
  const rooted = (node: Node | null): boolean => {
    const root = node === null ? null : rootIdentifier(node);
    return root !== null && names.has(root);
  };
  return rooted(receiver) || callArguments(call).some(rooted);
}

/** The value of a boolean condition under `bindings` (`!stop`, `a && b`), or undefined when it depends on more. */
function evaluate(condition: Node, bindings: ReadonlyMap<string, boolean>): boolean | undefined {
  const c = unparen(condition);
  if (c.type === 'true') return true;
  if (c.type === 'false') return false;
  if (c.type === 'identifier') return bindings.get(c.text);
  if (c.type === 'unary_expression' && c.childForFieldName('operator')?.text === '!') {
    const operand = c.childForFieldName('operand');
    const value = operand === null ? undefined : evaluate(operand, bindings);
    return value === undefined ? undefined : !value;
  }
  if (c.type === 'binary_expression') {
    const operator = c.childForFieldName('operator')?.text;
    const left = c.childForFieldName('left');
    const right = c.childForFieldName('right');
    const l = left === null ? undefined : evaluate(left, bindings);
    const r = right === null ? undefined : evaluate(right, bindings);
    if (operator === '&&') return l === false || r === false ? false : l === true && r === true ? true : undefined;
    if (operator === '||') return l === true || r === true ? true : l === false && r === false ? false : undefined;
  }
  return undefined;
}

/** An `if` whose consequence ends in a return, taken under `bindings` (`if !create { return }` for create=false). */
function returnsEarly(statement: Node, bindings: ReadonlyMap<string, boolean>): boolean {
  if (statement.type !== 'if_statement' || statement.childForFieldName('initializer') !== null) return false;
  const condition = statement.childForFieldName('condition');
  if (condition === null || evaluate(condition, bindings) !== true) return false;
  const body = statement.childForFieldName('consequence');
  const last = body?.namedChildren.filter((c) => c !== null && c.type !== 'comment').pop();
  const statements = last?.type === 'statement_list' ? last.namedChildren : [last];
  return (
    statements.filter((c) => c !== null && c !== undefined && c.type !== 'comment').pop()?.type === 'return_statement'
  );
}

/**
 * Whether `node` in `fn` cannot run under the bound parameters: it sits in an `if` branch they rule out, or after
 * an `if` they make return.
 */
function ruledOut(node: Node, fn: Node, bindings: ReadonlyMap<string, boolean>): boolean {
  let child = node;
  for (let current = node.parent; current !== null && current.id !== fn.id; current = current.parent) {
    if (FUNCTION_TYPES.has(current.type)) return false;
    if (current.type === 'if_statement') {
      const condition = current.childForFieldName('condition');
      const value = condition === null ? undefined : evaluate(condition, bindings);
      if (value === false && current.childForFieldName('consequence')?.id === child.id) return true;
      if (value === true && current.childForFieldName('alternative')?.id === child.id) return true;
    }
    if (current.type === 'block' || current.type === 'statement_list')
      for (let before = child.previousNamedSibling; before !== null; before = before.previousNamedSibling)
        if (returnsEarly(before, bindings)) return true;
    child = current;
  }
  return false;
}

/** The callee's parameters that `call` passes a constant boolean (a literal, or a parameter bound to one). */
function constantArguments(
  call: Node,
  callee: FunctionInfo,
  bindings: ReadonlyMap<string, boolean>,
): Map<string, boolean> {
  const out = new Map<string, boolean>();
  const args = callArguments(call);
  if (args.length === 0) return out;
  const names: string[] = [];
  for (const decl of callee.node.childForFieldName('parameters')?.namedChildren ?? []) {
    if (decl === null || decl.type !== 'parameter_declaration') return out; // variadic: positions unclear
    const declared = decl.childrenForFieldName('name');
    if (declared.length === 0) names.push('_');
    for (const name of declared) names.push(name?.text ?? '_');
  }
  args.forEach((arg, index) => {
    const name = names[index];
    const value = evaluate(arg, bindings);
    if (name !== undefined && name !== '_' && value !== undefined) out.set(name, value);
  });
  return out;
}

export function lockFacts(pkg: PackageFacts): LockFacts {
  const cached = facts.get(pkg);
  if (cached !== undefined) return cached;
  const model = packageModel(pkg);
  const sitesByFunction = new Map<number, LockSite[]>();
  const conds = condLocks(model);
  for (const file of pkg.files) collectSites(file, model, sitesByFunction, conds);

  const memo = new Map<number, Acquisition[]>();
  /**
   * `bindings` are parameters the caller passes as constant booleans (`commit(true)`, or a parameter bound so
   * further up): calls in branches those values rule out (`if !stop { begin() }`) are not followed. Summaries
   * under bindings are not memoised.
   */
  const acquires = (
    fn: FunctionInfo,
    depth = 0,
    visiting = new Set<number>(),
    bindings: ReadonlyMap<string, boolean> = new Map(),
  ): Acquisition[] => {
    const known = bindings.size === 0 ? memo.get(fn.node.id) : undefined;
    if (known !== undefined) return known;
    if (depth > 8 || visiting.has(fn.node.id)) return [];
    visiting.add(fn.node.id);
    const out: Acquisition[] = [];
    const sites = sitesByFunction.get(fn.node.id) ?? [];
    // A lock the function first releases (`mu.Unlock(); ...; mu.Lock()`) is one its caller holds: not a new one.
    const releasedFirst = (identity: string, before: number): boolean =>
      sites.some(
        (s) =>
          s.identity === identity && (s.method === 'Unlock' || s.method === 'RUnlock') && s.call.startIndex < before,
      );
    for (const site of sites)
      if (
        !site.deferred &&
        (site.method === 'Lock' || site.method === 'RLock') &&
        site.identity !== null &&
        (bindings.size === 0 || !ruledOut(site.call, fn.node, bindings))
      )
        if (!releasedFirst(site.identity, site.call.startIndex) && !othersLock(fn, site))
          out.push({ site, path: [fn], flows: true, guards: guardsOf(site.call, fn.node) });
    const own = ownNames(fn.node);
    for (const call of directCalls(fn.node)) {
      if (bindings.size > 0 && ruledOut(call, fn.node, bindings)) continue;
      for (const { callee, receiver, dynamic } of calledFunctions(call, fn.file, model)) {
        if (callee.node.id === fn.node.id || otherInstance(fn, callee, receiver)) continue;
        // A dynamic call reaches the caller's own lock only on the caller's own value: `other.Values()` on a
        // parameter of interface type is usually another instance.
        const handsDown = dynamic
          ? receiver !== null && own.self.has(rootIdentifier(receiver) ?? '')
          : passes(call, receiver, own.names);
        for (const inner of acquires(callee, depth + 1, visiting, constantArguments(call, callee, bindings))) {
          if (releasedFirst(inner.site.identity ?? '', call.startIndex) || !guardsAllow(inner.guards, call)) continue;
          const guards = callGuards(inner.guards, call, fn.node);
          out.push({ site: inner.site, path: [fn, ...inner.path], flows: inner.flows && handsDown, guards });
        }
      }
    }
    visiting.delete(fn.node.id);
    // Memoised even inside a cycle: a summary cut short at a recursive call only misses locks behind it.
    // One entry per lock site (the first path that flows, else the first): the number of paths grows with
    // every level of calls, the number of sites does not.
    const bySite = new Map<number, Acquisition>();
    for (const a of out) {
      const known = bySite.get(a.site.call.id);
      if (known === undefined || (!known.flows && a.flows)) bySite.set(a.site.call.id, a);
    }
    const unique = out.length === bySite.size ? out : [...bySite.values()];
    if (bindings.size === 0) memo.set(fn.node.id, unique);
    return unique;
  };

  const handoffMemo = new Map<number, { start: Node; mutexes: Set<string> }[]>();
  /** `go func() { ...; mu.Unlock() }()` in `fn`: the goroutine it starts releases `mu`, which `fn` locked. */
  const handoffs = (fn: Node): { start: Node; mutexes: Set<string> }[] => {
    const known = handoffMemo.get(fn.id);
    if (known !== undefined) return known;
    const out: { start: Node; mutexes: Set<string> }[] = [];
    const body = fn.childForFieldName('body');
    if (body !== null)
      walk(body, (inner) => {
        if (inner.type === 'func_literal') return false;
        if (inner.type !== 'go_statement') return undefined;
        const literal = inner.namedChild(0)?.childForFieldName('function');
        const unlocks = (literal?.type === 'func_literal' ? sitesByFunction.get(literal.id) : undefined) ?? [];
        const mutexes = new Set(
          unlocks.filter((s) => s.method === 'Unlock' || s.method === 'RUnlock').map((s) => s.mutex),
        );
        if (mutexes.size > 0) out.push({ start: inner, mutexes });
        return false;
      });
    handoffMemo.set(fn.id, out);
    return out;
  };

  const heldAt = (node: Node, fn: Node): LockSite[] => {
    const sites = sitesByFunction.get(fn.id) ?? [];
    const statement = statementOf(node) ?? node;
    const held: LockSite[] = [];
    for (const lock of sites) {
      if (lock.deferred || (lock.method !== 'Lock' && lock.method !== 'RLock')) continue;
      if (lock.statement.id === statement.id || !dominates(lock.statement, statement)) continue;
      const released = sites.some(
        (other) =>
          other.mutex === lock.mutex &&
          !other.deferred &&
          (other.method === 'Unlock' || other.method === 'RUnlock') &&
          other.call.startIndex > lock.call.startIndex &&
          other.call.startIndex < node.startIndex &&
          !leavesBefore(other.statement, node),
      );
      // Handed to a goroutine started since, which unlocks it: this goroutine no longer holds it.
      const handedOff =
        !released &&
        handoffs(fn).some(
          (h) =>
            h.mutexes.has(lock.mutex) && h.start.startIndex > lock.call.startIndex && dominates(h.start, statement),
        );
      if (!released && !handedOff) held.push(lock);
    }
    return held;
  };

  const result: LockFacts = {
    model,
    sitesByFunction,
    acquires: (fn) => acquires(fn),
    acquiresFrom: (call, callee) => acquires(callee, 0, new Set(), constantArguments(call, callee, new Map())),
    heldAt,
  };
  facts.set(pkg, result);
  return result;
}

export interface NestedLock {
  /** The call that, directly or further down, takes the lock again. */
  call: Node;
  file: FileFacts;
  held: LockSite;
  again: Acquisition;
}

const nested = new WeakMap<PackageFacts, NestedLock[]>();

/** Calls made while a lock is held that take the same lock (by identity) again in the same goroutine. */
export function nestedLocks(pkg: PackageFacts): NestedLock[] {
  const known = nested.get(pkg);
  if (known !== undefined) return known;
  const lf = lockFacts(pkg);
  const out: NestedLock[] = [];
  nested.set(pkg, out);
  for (const [fnId, sites] of lf.sitesByFunction) {
    const first = sites[0];
    if (first === undefined) continue;
    const fn = first.fn;
    if (fn.id !== fnId || !sites.some((s) => !s.deferred && (s.method === 'Lock' || s.method === 'RLock'))) continue;
    const info = lf.model.infoOf(fn);
    for (const call of directCalls(fn)) {
      const held = lf.heldAt(call, fn).filter((h) => h.identity !== null);
      if (held.length === 0) continue;
      for (const { callee, receiver, dynamic } of calledFunctions(call, first.file, lf.model)) {
        if (info !== undefined && (callee.node.id === info.node.id || otherInstance(info, callee, receiver))) continue;
        const acquired = lf.acquiresFrom(call, callee);
        for (const h of held) {
          // The lock reached must be this one, not the same field of another value: the call hands down the
          // value that owns the held lock, and every call below hands it on (package variables are one value).
          const root = rootIdentifier(h.receiver);
          const global = h.identity?.startsWith('var.') === true;
          if (!global && (root === null || !passes(call, receiver, new Set([root])))) continue;
          // An interface call runs on its receiver: `w.WriteHeader(tw.code)` reaches w's lock, not tw's.
          if (!global && dynamic && (receiver === null || rootIdentifier(receiver) !== root)) continue;
          const again = acquired.find(
            (a) =>
              a.site.identity === h.identity &&
              a.site.call.id !== h.call.id &&
              (global || a.flows) &&
              guardsAllow(a.guards, call),
          );
          if (again !== undefined && !out.some((o) => o.call.id === call.id && o.held.identity === h.identity))
            out.push({ call, file: first.file, held: h, again });
        }
      }
    }
  }
  return out;
}

const everyCaller = new WeakMap<PackageFacts, Map<number, string[]>>();
const callIndex = new WeakMap<PackageFacts, Map<number, { call: Node; file: FileFacts }[]>>();

/** The package's calls by the function they reach, built once (callers are asked for per function). */
function callsTo(pkg: PackageFacts, model: PackageModel): Map<number, { call: Node; file: FileFacts }[]> {
  let index = callIndex.get(pkg);
  if (index !== undefined) return index;
  index = new Map();
  for (const file of pkg.files)
    for (const call of file.nodes('call_expression')) {
      const target = model.callee(call, file);
      if (target === null) continue;
      const list = index.get(target.node.id) ?? [];
      list.push({ call, file });
      index.set(target.node.id, list);
    }
  callIndex.set(pkg, index);
  return index;
}

/**
 * Field paths of its receiver that every caller of method `fn` in the package holds locked at the call (`mu` when
 * each caller does `b.mu.Lock(); b.fn()`): the method runs under that lock although it never takes it. Empty when
 * there is no caller, a caller is another goroutine's start, or the callers disagree.
 */
export function lockedByEveryCaller(pkg: PackageFacts, fn: Node): string[] {
  let memo = everyCaller.get(pkg);
  if (memo === undefined) {
    memo = new Map();
    everyCaller.set(pkg, memo);
  }
  const known = memo.get(fn.id);
  if (known !== undefined) return known;
  const lf = lockFacts(pkg);
  let common: string[] | null = null;
  for (const { call } of callsTo(pkg, lf.model).get(fn.id) ?? []) {
    {
      let caller: Node | null = call.parent;
      let spawned = false;
      while (caller !== null && !FUNCTION_TYPES.has(caller.type)) {
        if (caller.type === 'go_statement' || caller.type === 'defer_statement') spawned = true;
        caller = caller.parent;
      }
      const operand = call.childForFieldName('function')?.childForFieldName('operand');
      if (caller === null || spawned || operand === null || operand === undefined) {
        common = [];
        continue;
      }
      const prefix = `${unparen(operand).text}.`;
      const held = lf
        .heldAt(call, caller)
        .filter((h) => h.mutex.startsWith(prefix))
        .map((h) => h.mutex.slice(prefix.length));
      common = common === null ? held : common.filter((p) => held.includes(p));
    }
  }
  const out = common ?? [];
  memo.set(fn.id, out);
  return out;
}

// Not `break`: in a switch or select case it only leaves the case, and the code after it runs next.
const LEAVING = new Set(['return_statement', 'continue_statement', 'goto_statement']);

/**
 * `if done { mu.Unlock(); return }` before `node`: the Unlock sits in a block that ends by leaving, so the path
 * that reaches `node` never ran it, and the lock is still held there.
 */
function leavesBefore(unlock: Node, node: Node): boolean {
  for (let n: Node | null = unlock.parent; n !== null; n = n.parent) {
    if (n.startIndex <= node.startIndex && node.endIndex <= n.endIndex) return false;
    if (n.type === 'statement_list' || n.type === 'block') {
      const last = n.namedChildren.at(-1);
      if (last !== undefined && last !== null && LEAVING.has(last.type)) return true;
    }
  }
  return false;
}
