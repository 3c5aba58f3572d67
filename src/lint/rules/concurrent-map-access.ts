// A map written in one goroutine and read, written or ranged in another with no common lock and no
// synchronisation between them. Goroutines are `go` statements (literals, functions and methods), literals
// passed to `X.Go(...)` (errgroup.Group, sync.WaitGroup) or time.AfterFunc, and HTTP handlers. Maps are local
// and package variables, map parameters and map fields of the package's struct types; calls to the
// package's functions and methods are followed two levels down, carrying the locks held at each call.
// Two accesses are protected only when both hold the same mutex (same variable, or the same field path of
// the same shared object); a lock we cannot name counts as protecting. Precision first: an access after a
// Wait, a channel receive or a select, or after a channel send (a semaphore) is not reported.
import type { Node } from '../load/tree-sitter-go.js';
import {
  FUNCTION_TYPES,
  assignedTargets,
  callArguments,
  calleeName,
  dominates,
  enclosingFunction,
  insideLoop,
  isSimpleRef,
  methodCall,
  rootIdentifier,
  statementOf,
  unparen,
  walk,
} from '../load/syntax.js';
import type { FileFacts, PackageFacts } from '../facts/package-facts.js';
import { lockedByEveryCaller } from '../facts/lock-summary.js';
import {
  goroutineLiteral,
  handlersServed,
  isHandler,
  sequentialTestServer,
  setUpBySequentialTestServers,
} from '../facts/goroutine-starts.js';
import { packageModel } from '../model/package-model.js';
import type { Rule, RuleContext } from '../framework/rule.js';

type AccessKind = 'write' | 'read' | 'range';

interface Access {
  name: string;
  kind: AccessKind;
  node: Node;
  /** Locks held at the access (see locksHeld); filled in by the caller that knows the scope. */
  locks?: Set<string>;
}

function isMapValue(value: Node | null | undefined): boolean {
  if (value === null || value === undefined) return false;
  const inner = unparen(value);
  if (inner.type === 'composite_literal') return inner.childForFieldName('type')?.type === 'map_type';
  if (inner.type === 'call_expression' && calleeName(inner) === 'make')
    return callArguments(inner)[0]?.type === 'map_type';
  return false;
}

/** Names declared as maps by a var spec, short declaration or parameter directly under `scope`. */
function declaredMaps(scope: Node, out: Set<string>, others: Set<string>): void {
  const declare = (name: string, isMap: boolean): void => {
    if (isMap && !others.has(name)) out.add(name);
    else {
      out.delete(name);
      others.add(name);
    }
  };
  const visit = (node: Node): boolean | void => {
    if (node.type === 'var_spec') {
      const type = node.childForFieldName('type');
      const values = node.childForFieldName('value')?.namedChildren ?? [];
      node.childrenForFieldName('name').forEach((name, index) => {
        if (name !== null) declare(name.text, type !== null ? type.type === 'map_type' : isMapValue(values[index]));
      });
    } else if (node.type === 'short_var_declaration') {
      const names = node.childForFieldName('left')?.namedChildren ?? [];
      const values = node.childForFieldName('right')?.namedChildren ?? [];
      names.forEach((name, index) => {
        if (name !== null) declare(name.text, names.length === values.length && isMapValue(values[index]));
      });
    } else if (node.type === 'parameter_declaration') {
      const type = node.childForFieldName('type');
      for (const name of node.childrenForFieldName('name'))
        if (name !== null) declare(name.text, type?.type === 'map_type');
    } else if (node.type === 'range_clause') {
      for (const name of node.childForFieldName('left')?.namedChildren ?? [])
        if (name !== null) declare(name.text, false);
    }
    return undefined;
  };
  for (const field of ['receiver', 'parameters']) {
    const list = scope.childForFieldName(field);
    if (list !== null) walk(list, visit);
  }
  const body = scope.type === 'source_file' ? scope : scope.childForFieldName('body');
  if (body !== null) walk(body, visit, true);
}

function accessesIn(scope: Node, names: Set<string>, skip: (literal: Node) => boolean): Access[] {
  const out: Access[] = [];
  const writeTargets = new Set<number>();
  const visit = (node: Node): boolean | void => {
    if (node.type === 'func_literal' && skip(node)) return false;
    if (node.type === 'assignment_statement' || node.type === 'inc_statement' || node.type === 'dec_statement') {
      for (const target of assignedTargets(node)) {
        const inner = unparen(target);
        const operand = inner.type === 'index_expression' ? inner.childForFieldName('operand') : null;
        if (operand !== null && names.has(unparen(operand).text) && unparen(operand).type === 'identifier') {
          out.push({ name: unparen(operand).text, kind: 'write', node: inner });
          writeTargets.add(inner.id);
        }
      }
    } else if (node.type === 'call_expression') {
      const callee = calleeName(node);
      const first = callArguments(node)[0];
      if (
        (callee === 'delete' || callee === 'clear') &&
        first !== undefined &&
        unparen(first).type === 'identifier' &&
        names.has(unparen(first).text)
      ) {
        out.push({ name: unparen(first).text, kind: 'write', node });
      }
    } else if (node.type === 'index_expression' && !writeTargets.has(node.id)) {
      const operand = node.childForFieldName('operand');
      if (operand !== null && unparen(operand).type === 'identifier' && names.has(unparen(operand).text))
        out.push({ name: unparen(operand).text, kind: 'read', node });
    } else if (node.type === 'range_clause') {
      const right = node.childForFieldName('right');
      if (right !== null && unparen(right).type === 'identifier' && names.has(unparen(right).text))
        out.push({ name: unparen(right).text, kind: 'range', node: right });
    }
    return undefined;
  };
  const body = scope.childForFieldName('body');
  if (body !== null) walk(body, visit, false);
  return out;
}

/**
 * The locks held at `node` in its function, by the text of the locked expression (`mu`, `s.mu`, `s` for an
 * embedded mutex): a Lock/RLock call earlier in the function, unless an Unlock of the same expression that
 * surely runs first (not deferred, in a statement list around `node`) releases it. A Lock anywhere earlier
 * counts, so a lock taken on one branch protects (precision first); only an Unlock on every path releases.
 * `*Locked` functions say by convention that their caller holds the lock: "*" (matches any lock).
 */
function locksHeld(node: Node, root: Node): Map<string, Node> {
  const fn = enclosingFunction(node) ?? root;
  const held = new Map<string, Node>();
  if (/Locked$/.test(fn.childForFieldName('name')?.text ?? '')) held.set('*', fn);
  walk(
    fn,
    (inner) => {
      if (inner.startIndex >= node.startIndex) return false;
      const m = inner.type === 'call_expression' ? methodCall(inner) : null;
      if (m === null) return undefined;
      if (m.method === 'Lock' || m.method === 'RLock' || m.method === 'TryLock' || m.method === 'TryRLock')
        held.set(m.receiver.text, m.receiver);
      else if ((m.method === 'Unlock' || m.method === 'RUnlock') && inner.parent?.type !== 'defer_statement') {
        const statement = statementOf(inner);
        if (statement !== null && statement.type === 'expression_statement' && dominates(statement, node))
          held.delete(m.receiver.text);
      }
      return undefined;
    },
    true, // a lock taken inside a nested function literal (another goroutine, a callback) is not held here
  );
  return held;
}

/** Whether a channel send runs earlier in the function around `node`: a buffered channel used as a mutex. */
function sendBefore(node: Node): boolean {
  const fn = enclosingFunction(node);
  if (fn === null) return false;
  let found = false;
  walk(fn, (inner) => {
    if (found || inner.startIndex >= node.startIndex) return false;
    if (inner.type === 'send_statement') found = true;
    return undefined;
  });
  return found;
}

/** Whether the function around `node` holds some lock at `node`. */
function guarded(node: Node, root: Node): boolean {
  return locksHeld(node, root).size > 0;
}

/**
 * Whether two sets of held locks share one mutex, so the two accesses exclude each other. Keys are the
 * locked expressions; "*" is a lock we cannot name (it may be the same one).
 */
function commonLock(a: Set<string>, b: Set<string>): boolean {
  if (a.has('*') || b.has('*')) return a.size > 0 && b.size > 0;
  for (const key of a) if (b.has(key)) return true;
  return false;
}

/** A synchronising operation: Wait(), Do(), a channel receive, a select, or a range over a non-map. Locks are
 * not: two sides are protected only when they hold the same mutex (commonLock). */
function isSyncPoint(node: Node, maps: Set<string>): boolean {
  if (node.type === 'select_statement') return true;
  if (node.type === 'unary_expression' && node.text.startsWith('<-')) return true;
  if (node.type === 'call_expression') {
    const m = methodCall(node);
    if (m !== null && (m.method === 'Wait' || m.method === 'Do')) return true;
  }
  if (node.type === 'range_clause') {
    const right = node.childForFieldName('right');
    if (right !== null && !maps.has(unparen(right).text)) return true;
  }
  return false;
}

/** Offset of the first sync point after `from` in `fn` (outside function literals), or the function's end. */
function firstSyncAfter(fn: Node, from: number, maps: Set<string>): number {
  let found = fn.endIndex;
  walk(fn, (node) => {
    if (node.endIndex <= from || node.startIndex >= found) return false;
    if (node.startIndex >= from && isSyncPoint(node, maps)) {
      found = node.startIndex;
      return false;
    }
    return undefined;
  });
  return found;
}

/**
 * Whether the goroutine started at `start` is started again by a loop while earlier ones may still run: inside
 * a loop, and the loop body does not wait (Wait, receive, select) after starting it.
 */
function startedRepeatedly(start: Node, fn: Node, maps: Set<string> = new Set()): boolean {
  if (!insideLoop(start, fn)) return false;
  let loop = start.parent;
  while (loop !== null && loop.type !== 'for_statement') loop = loop.parent;
  const body = loop?.childForFieldName('body');
  return body === null || body === undefined || firstSyncAfter(fn, start.endIndex, maps) >= body.endIndex;
}

const VARIANT: Record<string, string> = {
  'write/write': 'fatal error: concurrent map writes',
  'write/read': 'fatal error: concurrent map read and map write',
  'write/range': 'fatal error: concurrent map iteration and map write',
};

/**
 * net/http serves each request in its own goroutine, so a handler that writes a package-level map without a
 * lock races with itself as soon as two requests overlap.
 */
/** Package-level variables that are maps; a name also declared as a non-map (other build files) is left out. */
function packageLevelMaps(pkg: RuleContext['pkg']): Set<string> {
  const maps = new Set<string>();
  const others = new Set<string>();
  for (const file of pkg.files) {
    for (const spec of file.nodes('var_spec')) {
      if (enclosingFunction(spec) !== null) continue; // package level only (also inside var ( ... ) groups)
      const type = spec.childForFieldName('type');
      const values = spec.childForFieldName('value')?.namedChildren ?? [];
      spec.childrenForFieldName('name').forEach((name, index) => {
        if (name === null) return;
        if (type !== null ? type.type === 'map_type' : isMapValue(values[index])) maps.add(name.text);
        else others.add(name.text);
      });
    }
  }
  for (const other of others) maps.delete(other);
  return maps;
}

function checkHandlers(context: RuleContext, reported: Set<number>): void {
  const pkg = context.pkg;
  const maps = packageLevelMaps(pkg);
  if (maps.size === 0) return;
  for (const file of pkg.files) {
    if (![...file.imports.values()].includes('net/http') || !handlersServed(file, pkg)) continue;
    for (const fn of file.functions()) {
      if (!isHandler(fn, file)) continue;
      const shadowed = new Set<string>();
      const local = new Set<string>();
      declaredMaps(fn, local, shadowed);
      // A handler literal also sees its enclosing functions' locals, which shadow package-level maps.
      for (let outer = enclosingFunction(fn); outer !== null; outer = enclosingFunction(outer))
        declaredMaps(outer, local, shadowed);
      const visible = new Set([...maps].filter((name) => !shadowed.has(name) && !local.has(name)));
      const write = accessesIn(fn, visible, () => false).find((a) => a.kind === 'write' && !guarded(a.node, fn));
      if (write === undefined || reported.has(write.node.id)) continue;
      reported.add(write.node.id);
      context.report(file, {
        node: write.node,
        message:
          `package-level map ${write.name} is written in an HTTP handler with no lock; net/http runs every ` +
          `request in its own goroutine, so two overlapping requests write it at once: the runtime reports "fatal ` +
          `error: concurrent map writes"`,
        fix: { description: `guard ${write.name} with a sync.Mutex held around every access (or use sync.Map)` },
      });
    }
  }
}

/** Calls are followed this many levels below the function a goroutine starts in (`go worker(s)` -> s.Add -> put). */
const CALL_DEPTH = 2;

/** Where a goroutine starts and what it runs. */
interface GoroutineRoot {
  /** The `go` statement, the `X.Go(...)` call, or the handler function. */
  start: Node;
  file: FileFacts;
  /** The function holding the `go` statement; null for HTTP handlers. */
  spawner: Node | null;
  /** Runs concurrently with itself: started in a loop, or an HTTP handler. */
  selfConcurrent: boolean;
  label: string;
  /** The code the goroutine runs; for `go f(x)` the go statement itself, whose call is followed. */
  body: Node;
  /** `go f(x)`: the arguments are evaluated by the spawner, and the spawner's locks are not held by f. */
  callOnly: boolean;
  /** The spawning function itself, whose accesses between a `go` and its next synchronisation race with it. */
  continuation?: boolean;
  /** For the spawning function: the stretches [go statement end, next synchronisation) worth walking. */
  windows?: [number, number][];
  scope: Scope;
}

/**
 * How names in a function map to shared objects: a key naming the variable of the spawning function, the
 * package variable or the handler's receiver type. Null for a name that is local to this call (a fresh object
 * each time, so two goroutines never share it).
 */
type Scope = (name: string) => string | null;

interface SharedAccess {
  /** The map, as a key comparable across functions: `<spawner>:s.items`, `pkg:cache`. */
  object: string;
  text: string;
  kind: AccessKind;
  node: Node;
  file: FileFacts;
  locks: Set<string>;
  /** A channel operation, select or Wait runs before it on the way from the goroutine's start. */
  ordered: boolean;
  via: string[];
  /** Offset of the statement in the goroutine's own body that leads to the access (itself or a call). */
  site: number;
}

interface PackageIndex {
  pkg: PackageFacts;
  functions: Map<string, { node: Node; file: FileFacts }>;
  methods: Map<string, { node: Node; file: FileFacts; type: string }[]>;
  packageVars: Set<string>;
  packageMaps: Set<string>;
  /** Field name -> struct types where it is a map, and names that are some struct's non-map field. */
  mapFields: Map<string, Set<string>>;
  otherFields: Set<string>;
  /** Memos by node id (per package): declared names, helpers that leave a lock held, bodies that may touch a map. */
  declared: Map<number, Set<string>>;
  locking: Map<number, boolean>;
  touching: Map<string, boolean>;
}

function baseTypeName(typeNode: Node | null): string | null {
  if (typeNode === null) return null;
  let inner: Node | null = typeNode;
  if (inner.type === 'pointer_type') inner = inner.namedChild(0);
  if (inner !== null && inner.type === 'generic_type') inner = inner.childForFieldName('type');
  return inner !== null && inner.type === 'type_identifier' ? inner.text : null;
}

function receiverOf(method: Node): { name: string | null; type: string | null } {
  const decl =
    method
      .childForFieldName('receiver')
      ?.namedChildren.find((child) => child !== null && child.type === 'parameter_declaration') ?? null;
  if (decl === null || decl === undefined) return { name: null, type: null };
  return { name: decl.childForFieldName('name')?.text ?? null, type: baseTypeName(decl.childForFieldName('type')) };
}

/** The parameters in order (one entry per name); a variadic parameter ends the list. */
function parametersOf(fn: Node): { name: string; type: Node | null }[] {
  const out: { name: string; type: Node | null }[] = [];
  for (const decl of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (decl === null || decl.type !== 'parameter_declaration') break;
    const names = decl.childrenForFieldName('name');
    if (names.length === 0) out.push({ name: '_', type: decl.childForFieldName('type') });
    for (const name of names) if (name !== null) out.push({ name: name.text, type: decl.childForFieldName('type') });
  }
  return out;
}

const DECLARATION_TYPES = [
  'short_var_declaration',
  'range_clause',
  'var_spec',
  'const_spec',
  'parameter_declaration',
  'variadic_parameter_declaration',
];

/** The nodes of a source-ordered list that lie inside `outer`. */
function nodesWithin(list: Node[], outer: Node): Node[] {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid]?.startIndex ?? 0) < outer.startIndex) lo = mid + 1;
    else hi = mid;
  }
  const out: Node[] = [];
  for (let i = lo; i < list.length; i++) {
    const node = list[i];
    if (node === undefined || node.startIndex >= outer.endIndex) break;
    out.push(node);
  }
  return out;
}

/**
 * Names declared anywhere inside `node` (receiver, parameters, :=, var, const, range): local to each run of it.
 * Read from the file's node index rather than by walking the function.
 */
function declaredNames(node: Node, file: FileFacts, index: PackageIndex): Set<string> {
  const known = index.declared.get(node.id);
  if (known !== undefined) return known;
  const out = new Set<string>();
  index.declared.set(node.id, out);
  for (const type of DECLARATION_TYPES) {
    for (const decl of nodesWithin(file.nodes(type), node)) {
      if (decl.type === 'short_var_declaration' || decl.type === 'range_clause') {
        for (const name of decl.childForFieldName('left')?.namedChildren ?? [])
          if (name !== null && name.type === 'identifier') out.add(name.text);
      } else {
        for (const name of decl.childrenForFieldName('name')) if (name !== null) out.add(name.text);
      }
    }
  }
  return out;
}

function indexPackage(context: RuleContext, packageMaps: Set<string>): PackageIndex {
  const pkg = context.pkg;
  const functions = new Map<string, { node: Node; file: FileFacts }>();
  const methods = new Map<string, { node: Node; file: FileFacts; type: string }[]>();
  const packageVars = new Set<string>();
  for (const file of pkg.files) {
    for (const fn of file.nodes('function_declaration')) {
      const name = fn.childForFieldName('name')?.text;
      if (name !== undefined) functions.set(name, { node: fn, file });
    }
    for (const method of file.nodes('method_declaration')) {
      const name = method.childForFieldName('name')?.text;
      const type = receiverOf(method).type;
      if (name === undefined || type === null) continue;
      const list = methods.get(name) ?? [];
      list.push({ node: method, file, type });
      methods.set(name, list);
    }
    for (const spec of file.nodes('var_spec')) {
      if (enclosingFunction(spec) !== null) continue;
      for (const name of spec.childrenForFieldName('name')) if (name !== null) packageVars.add(name.text);
    }
  }
  const mapFields = new Map<string, Set<string>>();
  const otherFields = new Set<string>();
  for (const [typeName, info] of pkg.structs) {
    for (const field of info.fields) {
      let type: Node | null | undefined = field.type;
      const named = type.type === 'type_identifier' ? pkg.namedTypes.get(type.text) : undefined;
      if (named !== undefined) type = named;
      if (!field.embedded && type?.type === 'map_type') {
        const owners = mapFields.get(field.name) ?? new Set<string>();
        owners.add(typeName);
        mapFields.set(field.name, owners);
      } else {
        otherFields.add(field.name);
      }
    }
  }
  return {
    pkg: context.pkg,
    functions,
    methods,
    packageVars,
    packageMaps,
    mapFields,
    otherFields,
    declared: new Map(),
    locking: new Map(),
    touching: new Map(),
  };
}

/**
 * Map accesses reached from a goroutine's code: fields `x.items[k]` of local struct types and map variables
 * bound to shared objects, following calls to package functions and methods CALL_DEPTH levels down. Each
 * access carries the locks held on the way (at every call site and in its own function), resolved to shared
 * objects so that `s.mu` in two methods of the same receiver compare equal.
 */
function sharedAccesses(index: PackageIndex, root: GoroutineRoot): SharedAccess[] {
  const out: SharedAccess[] = [];
  const visit = (
    fn: Node,
    body: Node,
    file: FileFacts,
    scope: Scope,
    types: Map<string, string>,
    depth: number,
    heldIn: Set<string>,
    orderedIn: boolean,
    via: string[],
    path: Set<number>,
    site: number,
  ): void => {
    const resolve = (ref: Node): string | null => {
      const inner = unparen(ref);
      if (!isSimpleRef(inner)) return null;
      const name = rootIdentifier(inner);
      if (name === null) return null;
      const bound = scope(name);
      return bound === null ? null : bound + inner.text.slice(name.length);
    };
    const locksAt = (node: Node): Set<string> => {
      const out = new Set(heldIn);
      if (root.callOnly && depth === 0) return out;
      for (const [text, receiver] of locksHeld(node, fn)) out.add(text === '*' ? '*' : (resolve(receiver) ?? '*'));
      // Locks every caller of this method holds on its receiver at the call (`b.mu.Lock(); b.helper()`).
      const receiverName = packageModel(index.pkg).infoOf(fn)?.receiverName;
      const base = receiverName === undefined ? null : scope(receiverName);
      if (base !== null) for (const path of lockedByEveryCaller(index.pkg, fn)) out.add(`${base}.${path}`);
      if (callsLockingHelper(index, fn, node)) out.add('*');
      return out;
    };
    /** Before `node` in this function: a channel operation, select or Wait orders it; a send may be a semaphore. */
    const before = (node: Node): { ordered: boolean; send: boolean } => {
      // In the spawning function the window up to the next synchronisation stands for ordering.
      if (root.continuation === true && depth === 0) return { ordered: false, send: false };
      let ordered = false;
      let send = false;
      walk(body, (inner) => {
        if (inner.startIndex >= node.startIndex) return false;
        if (inner.type === 'send_statement') send = ordered = true;
        // A range over a map field or variable is no channel receive: it orders nothing.
        else if (isSyncPoint(inner, new Set()) && !rangesOverMap(inner)) ordered = true;
        return undefined;
      });
      return { ordered, send };
    };
    const mapObject = (operand: Node): string | null => {
      const inner = unparen(operand);
      if (inner.type === 'selector_expression') {
        const base = inner.childForFieldName('operand');
        const field = inner.childForFieldName('field')?.text;
        if (base === null || field === undefined) return null;
        const owners = index.mapFields.get(field);
        if (owners === undefined) return null;
        const baseType = unparen(base).type === 'identifier' ? types.get(unparen(base).text) : undefined;
        // A map field promoted from an embedded struct (`txr.buckets` where txReadBuffer embeds txBuffer).
        const promoted = (type: string): boolean =>
          !owners.has(type) && packageModel(index.pkg).fieldType(type, field)?.type.type === 'map_type';
        if (baseType !== undefined ? !owners.has(baseType) && !promoted(baseType) : index.otherFields.has(field))
          return null;
        return resolve(inner);
      }
      // Plain map variables directly in a goroutine literal or handler are the other checks' business.
      if (
        inner.type === 'identifier' &&
        depth > 0 &&
        (types.get(inner.text) === 'map' ||
          (index.packageMaps.has(inner.text) && scope(inner.text) === `pkg:${inner.text}`))
      )
        return resolve(inner);
      return null;
    };
    const rangesOverMap = (node: Node): boolean => {
      const right = node.type === 'range_clause' ? node.childForFieldName('right') : null;
      return right !== null && mapObject(right) !== null;
    };
    const record = (object: string | null, kind: AccessKind, node: Node, text: string): void => {
      if (object === null || (root.callOnly && depth === 0)) return;
      const { ordered, send } = before(node);
      const locks = locksAt(node);
      if (send) locks.add('*');
      out.push({
        object,
        text,
        kind,
        node,
        file,
        locks,
        ordered: orderedIn || ordered,
        via,
        site: depth === 0 ? node.startIndex : site,
      });
    };
    const writeTargets = new Set<number>();
    walk(
      body,
      (node) => {
        if (node.type === 'func_literal') {
          // A deferred or immediately called literal runs in this goroutine, holding the locks taken before it.
          const call = node.parent;
          const statement =
            call?.type === 'call_expression' && call.childForFieldName('function')?.id === node.id ? call.parent : null;
          const literalBody = node.childForFieldName('body');
          if (
            statement === null ||
            statement === undefined ||
            literalBody === null ||
            (statement.type !== 'defer_statement' && statement.type !== 'expression_statement')
          )
            return false;
          visit(
            node,
            literalBody,
            file,
            scope,
            types,
            depth,
            locksAt(statement),
            orderedIn || before(statement).ordered,
            via,
            path,
            depth === 0 ? statement.startIndex : site,
          );
          return false;
        }
        // Another goroutine's code; a deferred call in the spawning function runs at its end, after the window.
        if (
          node.type === 'go_statement' ||
          (root.continuation === true && depth === 0 && node.type === 'defer_statement')
        )
          return false;
        if (
          depth === 0 &&
          root.windows !== undefined &&
          !root.windows.some(([from, until]) => node.endIndex > from && node.startIndex < until)
        )
          return false;
        if (node.type === 'assignment_statement' || node.type === 'inc_statement' || node.type === 'dec_statement') {
          for (const target of assignedTargets(node)) {
            const inner = unparen(target);
            const operand = inner.type === 'index_expression' ? inner.childForFieldName('operand') : null;
            if (operand === null) continue;
            writeTargets.add(inner.id);
            record(mapObject(operand), 'write', inner, unparen(operand).text);
          }
        } else if (node.type === 'index_expression' && !writeTargets.has(node.id)) {
          const operand = node.childForFieldName('operand');
          if (operand !== null) record(mapObject(operand), 'read', node, unparen(operand).text);
        } else if (node.type === 'range_clause') {
          const right = node.childForFieldName('right');
          if (right !== null) record(mapObject(right), 'range', right, unparen(right).text);
        } else if (node.type === 'call_expression') {
          const args = callArguments(node);
          const callee = calleeName(node);
          if ((callee === 'delete' || callee === 'clear') && args[0] !== undefined) {
            record(mapObject(args[0]), 'write', node, unparen(args[0]).text);
            return undefined;
          }
          if (depth >= CALL_DEPTH) return undefined;
          let target: { node: Node; file: FileFacts; type?: string } | undefined;
          let receiverKey: string | null = null;
          if (callee !== null && scope(callee) === null && !types.has(callee)) target = index.functions.get(callee);
          const m = methodCall(node);
          if (
            m !== null &&
            (unparen(m.receiver).type === 'identifier' || unparen(m.receiver).type === 'selector_expression')
          ) {
            const receiverType =
              unparen(m.receiver).type === 'identifier' ? types.get(unparen(m.receiver).text) : undefined;
            // Non-test code never runs a method declared in a _test.go file (a test double behind an interface).
            const fromTest = file.path.endsWith('_test.go');
            const candidates = (index.methods.get(m.method) ?? []).filter(
              (c) => fromTest || !c.file.path.endsWith('_test.go'),
            );
            target =
              receiverType !== undefined
                ? candidates.find((c) => c.type === receiverType)
                : candidates.length === 1
                  ? candidates[0]
                  : undefined;
            // The package model types `rt.buf` and follows methods promoted through embedded fields.
            if (target === undefined) {
              const resolved = packageModel(index.pkg).callee(node, file);
              if (
                resolved !== null &&
                resolved.receiverType !== undefined &&
                candidates.some((c) => c.node.id === resolved.node.id)
              )
                target = { node: resolved.node, file: resolved.file, type: resolved.receiverType };
            }
            receiverKey = resolve(m.receiver);
            if (receiverKey === null) target = undefined;
          }
          if (
            target === undefined ||
            path.has(target.node.id) ||
            !mayTouchMaps(index, target.node, CALL_DEPTH - depth - 1)
          )
            return undefined;
          const calleeBody = target.node.childForFieldName('body');
          if (calleeBody === null) return undefined;
          const bindings = new Map<string, string>();
          const calleeTypes = new Map<string, string>();
          if (target.type !== undefined) {
            const receiver = receiverOf(target.node);
            if (receiver.name !== null && receiverKey !== null) {
              bindings.set(receiver.name, receiverKey);
              calleeTypes.set(receiver.name, target.type);
            }
          }
          parametersOf(target.node).forEach((param, i) => {
            const arg = args[i];
            const key = arg === undefined ? null : resolve(arg);
            if (key !== null) bindings.set(param.name, key);
            const typeName = param.type?.type === 'map_type' ? 'map' : baseTypeName(param.type);
            if (typeName !== null) calleeTypes.set(param.name, typeName);
          });
          const locals = declaredNames(target.node, target.file, index);
          const calleeScope: Scope = (name) =>
            bindings.get(name) ?? (!locals.has(name) && index.packageVars.has(name) ? `pkg:${name}` : null);
          const { ordered } = before(node);
          const name =
            target.type !== undefined
              ? `${target.type}.${target.node.childForFieldName('name')?.text ?? ''}`
              : (target.node.childForFieldName('name')?.text ?? '');
          visit(
            target.node,
            calleeBody,
            target.file,
            calleeScope,
            calleeTypes,
            depth + 1,
            locksAt(node),
            orderedIn || ordered,
            [...via, name],
            new Set([...path, target.node.id]),
            depth === 0 ? node.startIndex : site,
          );
        }
        return undefined;
      },
      false,
    );
  };
  const types = new Map<string, string>();
  if (root.body.parent?.type === 'method_declaration') {
    const receiver = receiverOf(root.body.parent);
    if (receiver.name !== null && receiver.type !== null) types.set(receiver.name, receiver.type);
  }
  const fn = root.callOnly ? (root.spawner ?? root.body) : (root.body.parent ?? root.body);
  visit(fn, root.body, root.file, root.scope, types, 0, new Set(), false, [], new Set([fn.id]), root.body.startIndex);
  return out;
}

/**
 * Whether `helper` takes a lock and leaves it held for its caller (`s.acquire()` followed by `defer s.mu.Unlock()`).
 */
function leavesLocked(helper: Node): boolean {
  let locks = false;
  let unlocks = false;
  walk(helper, (inner) => {
    const m = inner.type === 'call_expression' ? methodCall(inner) : null;
    if (m === null) return undefined;
    if (m.method === 'Lock' || m.method === 'RLock') locks = true;
    if ((m.method === 'Unlock' || m.method === 'RUnlock') && inner.parent?.type !== 'defer_statement') unlocks = true;
    return undefined;
  });
  return locks && !unlocks;
}

/** Whether a call before `node` in `fn` goes to a package function or method that leaves a lock held. */
function callsLockingHelper(index: PackageIndex, fn: Node, node: Node): boolean {
  let found = false;
  walk(fn, (inner) => {
    if (found || inner.startIndex >= node.startIndex) return false;
    if (inner.type !== 'call_expression') return undefined;
    for (const target of localTargets(index, inner)) {
      let locking = index.locking.get(target.id);
      if (locking === undefined) index.locking.set(target.id, (locking = leavesLocked(target)));
      if (locking) found = true;
    }
    return undefined;
  });
  return found;
}

/** The package functions and methods a call may go to (by name; methods of any local type with that name). */
function localTargets(index: PackageIndex, call: Node): Node[] {
  const name = calleeName(call);
  if (name !== null) {
    const fn = index.functions.get(name);
    return fn === undefined ? [] : [fn.node];
  }
  const m = methodCall(call);
  if (m === null) return [];
  // Non-test code never runs a method declared in a _test.go file (a test double bound to an interface).
  const fromTest = inTestFile(index, call);
  return (index.methods.get(m.method) ?? [])
    .filter((c) => fromTest || !c.file.path.endsWith('_test.go'))
    .map((c) => c.node);
}

function inTestFile(index: PackageIndex, node: Node): boolean {
  let root: Node = node;
  while (root.parent !== null) root = root.parent;
  return index.pkg.files.some((file) => file.root.id === root.id && file.path.endsWith('_test.go'));
}

/**
 * Whether `fn` (or what it calls, `levels` deep) indexes, ranges over or deletes from a map field, a package
 * map or a map parameter: calls into code that cannot touch a shared map are not followed (the cost of the rule).
 */
function mayTouchMaps(index: PackageIndex, fn: Node, levels: number): boolean {
  const key = `${fn.id}:${levels}`;
  const known = index.touching.get(key);
  if (known !== undefined) return known;
  index.touching.set(key, false); // recursion: a cycle adds nothing
  const mapParams = new Set<string>();
  for (const param of parametersOf(fn)) if (param.type?.type === 'map_type') mapParams.add(param.name);
  const mapLike = (operand: Node | null | undefined): boolean => {
    if (operand === null || operand === undefined) return false;
    const inner = unparen(operand);
    if (inner.type === 'selector_expression') return index.mapFields.has(inner.childForFieldName('field')?.text ?? '');
    return inner.type === 'identifier' && (mapParams.has(inner.text) || index.packageMaps.has(inner.text));
  };
  let found = false;
  walk(
    fn,
    (inner) => {
      if (found) return false;
      if (inner.type === 'index_expression') found = mapLike(inner.childForFieldName('operand'));
      else if (inner.type === 'range_clause') found = mapLike(inner.childForFieldName('right'));
      else if (inner.type === 'call_expression') {
        const callee = calleeName(inner);
        if (callee === 'delete' || callee === 'clear') found = mapLike(callArguments(inner)[0]);
        else if (levels > 0)
          for (const target of localTargets(index, inner))
            if (!found && mayTouchMaps(index, target, levels - 1)) found = true;
      }
      return undefined;
    },
    false,
  );
  index.touching.set(key, found);
  return found;
}

/** Names declared in the loops around `node` inside `fn`: each iteration (Go 1.22) or goroutine has its own. */
function loopLocals(node: Node, fn: Node, file: FileFacts, index: PackageIndex): Set<string> {
  const out = new Set<string>();
  let current = node.parent;
  while (current !== null && current.id !== fn.id) {
    if (current.type === 'for_statement') for (const name of declaredNames(current, file, index)) out.add(name);
    current = current.parent;
  }
  return out;
}

/** The goroutines of one file: `go` statements, X.Go/AfterFunc literals and HTTP handlers. */
function goroutineRoots(file: FileFacts, index: PackageIndex): GoroutineRoot[] {
  const roots: GoroutineRoot[] = [];
  const spawnerScope = (spawner: Node, at: Node): Scope => {
    const declared = declaredNames(spawner, file, index);
    const perIteration = loopLocals(at, spawner, file, index);
    return (name) =>
      perIteration.has(name)
        ? null
        : declared.has(name)
          ? `${spawner.id}:${name}`
          : index.packageVars.has(name)
            ? `pkg:${name}`
            : null;
  };
  const literalRoot = (
    literal: Node,
    start: Node,
    spawner: Node,
    label: string,
    args: Node[],
  ): GoroutineRoot | null => {
    const body = literal.childForFieldName('body');
    if (body === null) return null;
    const outer = spawnerScope(spawner, start);
    const locals = declaredNames(literal, file, index);
    const bindings = new Map<string, string>();
    parametersOf(literal).forEach((param, i) => {
      const arg = args[i];
      const root = arg !== undefined && isSimpleRef(unparen(arg)) ? rootIdentifier(arg) : null;
      const key = root === null || arg === undefined ? null : outer(root);
      if (root !== null && key !== null && arg !== undefined)
        bindings.set(param.name, key + unparen(arg).text.slice(root.length));
    });
    const scope: Scope = (name) => bindings.get(name) ?? (locals.has(name) ? null : outer(name));
    return {
      start,
      file,
      spawner,
      selfConcurrent: startedRepeatedly(start, spawner),
      label,
      body,
      callOnly: false,
      scope,
    };
  };
  for (const statement of file.nodes('go_statement')) {
    const call = statement.namedChild(0);
    const spawner = enclosingFunction(statement);
    if (call === null || call.type !== 'call_expression' || spawner === null) continue;
    const callee = call.childForFieldName('function');
    const line = statement.startPosition.row + 1;
    if (callee !== null && unparen(callee).type === 'func_literal') {
      const root = literalRoot(
        unparen(callee),
        statement,
        spawner,
        `the goroutine started at line ${line}`,
        callArguments(call),
      );
      if (root !== null) roots.push(root);
      continue;
    }
    // `go f(x)` and `go s.M(x)`: the callee runs with its receiver and parameters bound to the go statement's operands.
    const scope = spawnerScope(spawner, statement);
    roots.push({
      start: statement,
      file,
      spawner,
      selfConcurrent: startedRepeatedly(statement, spawner),
      label: `the goroutine started at line ${line}`,
      body: statement,
      callOnly: true,
      scope,
    });
  }
  for (const literal of file.nodes('func_literal')) {
    const start = goroutineLiteral(literal, file);
    if (start === null || start.type === 'go_statement') continue;
    const spawner = enclosingFunction(start);
    if (spawner === null) continue;
    const root = literalRoot(
      literal,
      start,
      spawner,
      `the goroutine started at line ${start.startPosition.row + 1}`,
      [],
    );
    if (root !== null) roots.push(root);
  }
  const spawners = new Map<number, { spawner: Node; windows: [number, number][] }>();
  for (const root of roots) {
    if (root.spawner === null) continue;
    const entry = spawners.get(root.spawner.id) ?? { spawner: root.spawner, windows: [] };
    const from = root.start.endIndex;
    const until = firstSyncAfter(root.spawner, from, new Set());
    if (until > from) entry.windows.push([from, until]);
    spawners.set(root.spawner.id, entry);
  }
  for (const { spawner, windows } of spawners.values()) {
    const body = spawner.childForFieldName('body');
    if (body === null || windows.length === 0) continue;
    roots.push({
      start: spawner,
      file,
      spawner,
      selfConcurrent: false,
      label: 'the spawning function',
      body,
      callOnly: false,
      continuation: true,
      windows,
      scope: spawnerScope(spawner, body),
    });
  }
  for (const fn of file.functions()) {
    if (!isHandler(fn, file) || !handlersServed(file, index.pkg)) continue;
    const body = fn.childForFieldName('body');
    if (body === null) continue;
    const receiver = fn.type === 'method_declaration' ? receiverOf(fn) : { name: null, type: null };
    const outer = fn.type === 'func_literal' ? enclosingFunction(fn) : null;
    if (outer !== null && (sequentialTestServer(outer, file) || setUpBySequentialTestServers(outer, file, index.pkg)))
      continue;
    const outerNames = outer === null ? new Set<string>() : declaredNames(outer, file, index);
    const locals = declaredNames(fn, file, index);
    const scope: Scope = (name) => {
      if (name === receiver.name && receiver.type !== null) return `handler:${receiver.type}`;
      if (locals.has(name)) return null;
      if (outer !== null && outerNames.has(name)) return `${outer.id}:${name}`;
      return index.packageVars.has(name) ? `pkg:${name}` : null;
    };
    const name = fn.childForFieldName('name')?.text;
    roots.push({
      start: fn,
      file,
      spawner: null,
      selfConcurrent: true,
      label: `HTTP handler ${name ?? `at line ${fn.startPosition.row + 1}`}`,
      body,
      callOnly: false,
      scope,
    });
  }
  return roots;
}

const KIND_WORD: Record<AccessKind, string> = { write: 'written', read: 'read', range: 'ranged over' };

/**
 * Maps in struct fields and maps handed to named functions: a goroutine root that runs concurrently with
 * itself (started in a loop, or an HTTP handler) and writes the map with no lock, or two goroutines started
 * by one function that write and touch the same map without holding one common mutex.
 */
function checkSharedAccesses(context: RuleContext, packageMaps: Set<string>, reported: Set<number>): void {
  const index = indexPackage(context, packageMaps);
  for (const file of context.pkg.files) {
    const roots = goroutineRoots(file, index).map((root) => ({ root, accesses: sharedAccesses(index, root) }));
    const report = (write: SharedAccess, other: SharedAccess | null, root: GoroutineRoot, where: string): void => {
      if (reported.has(write.node.id)) return;
      reported.add(write.node.id);
      const via = write.via.length > 0 ? ` (reached through ${write.via.join(' -> ')})` : '';
      const variant = VARIANT[`write/${other?.kind ?? 'write'}`] ?? VARIANT['write/write'];
      const lockWord = write.locks.size === 0 ? 'with no lock' : 'without a mutex that the other side also holds';
      const otherLine = other === null ? 0 : other.node.startPosition.row + 1;
      context.report(write.file, {
        node: write.node,
        message:
          other === null
            ? `map ${write.text} is written here ${lockWord} by ${where}${via}: two of them write it at once and ` +
              `the runtime reports "${variant}"`
            : `map ${write.text} is written here by ${root.label}${via} and ${KIND_WORD[other.kind]} at line ` +
              `${otherLine} by ${where}, ${lockWord}: the runtime reports "${variant}"`,
        related:
          other === null
            ? []
            : [{ node: other.node, message: `${other.kind} of ${other.text} by ${where}`, file: other.file }],
        fix: {
          description:
            `hold the same sync.Mutex around every access to ${write.text} (lock it in the method that ` +
            `touches the map, e.g. s.mu.Lock(); defer s.mu.Unlock()), or use sync.Map`,
        },
      });
    };
    for (const { root, accesses } of roots) {
      if (!root.selfConcurrent) continue;
      const where =
        root.spawner === null
          ? `every request of ${root.label}`
          : `every goroutine started in the loop at line ${root.start.startPosition.row + 1}`;
      for (const write of accesses) {
        if (write.kind !== 'write') continue;
        if (write.locks.size === 0) {
          report(write, null, root, where);
          continue;
        }
        const other = accesses.find(
          (a) => a !== write && a.object === write.object && !commonLock(write.locks, a.locks),
        );
        if (other !== undefined) report(write, other, root, `another instance (${where})`);
      }
    }
    for (const a of roots) {
      for (const b of roots) {
        const spawner = a.root.spawner;
        if (a === b || spawner === null || spawner.id !== b.root.spawner?.id) continue;
        if (a.root.continuation === true || b.root.continuation === true) {
          // A goroutine against its spawner's code between the go statement and the next synchronisation.
          const [g, parent] = a.root.continuation === true ? [b, a] : [a, b];
          if (g.root.continuation === true) continue;
          const from = g.root.start.endIndex;
          const until = firstSyncAfter(spawner, from, new Set());
          const inWindow = (x: SharedAccess): boolean => x.site >= from && x.site < until && !x.ordered;
          for (const write of a.accesses) {
            if (write.kind !== 'write' || write.ordered || (a === parent && !inWindow(write))) continue;
            const other = b.accesses.find(
              (x) =>
                x.object === write.object &&
                (b !== parent || inWindow(x)) &&
                !x.ordered &&
                !commonLock(write.locks, x.locks),
            );
            if (other !== undefined) report(write, other, a.root, b.root.label);
          }
          continue;
        }
        const [first, second] = a.root.start.startIndex < b.root.start.startIndex ? [a, b] : [b, a];
        if (firstSyncAfter(spawner, first.root.start.endIndex, new Set()) < second.root.start.startIndex) continue;
        for (const write of a.accesses) {
          if (write.kind !== 'write' || write.ordered) continue;
          const other = b.accesses.find(
            (x) => x.object === write.object && !x.ordered && !commonLock(write.locks, x.locks),
          );
          if (other !== undefined) report(write, other, a.root, b.root.label);
        }
      }
    }
  }
}

export const concurrentMapAccess: Rule = {
  meta: {
    name: 'concurrent-map-access',
    title: 'Map used by two goroutines without a lock',
    severity: 'error',
    summary:
      'A map is written in one goroutine and read, written or ranged in another with no common lock or ' +
      'synchronisation.',
    explanation:
      'Go maps are not safe for concurrent use. When one goroutine writes a map while another reads, writes or ' +
      'iterates it, the runtime may detect it and stop the whole program with `fatal error: concurrent map writes`, ' +
      '`concurrent map read and map write` or `concurrent map iteration and map write`; these fatal errors cannot ' +
      'be recovered. The race detector reports the same pairs. Goroutines are `go` statements, functions passed to ' +
      '`errgroup.Group.Go`, `sync.WaitGroup.Go` and `time.AfterFunc`, and HTTP handlers (net/http runs each request ' +
      'in its own goroutine, so a handler writing a shared map races with itself; a `main` package that never ' +
      'starts a server, and the tests of a package that never does, only call their handlers one at a time). The ' +
      'rule follows calls to the ' +
      "package's functions and methods two levels down, so `go worker(s)` in a loop where worker calls `s.Add` " +
      'and `Add` writes `s.items[k]` without `s.mu` is found. Two sides are protected only by the same mutex: ' +
      '`s.mu` in one method and `s.auditMu` in another do not exclude each other. Accesses made before the `go` ' +
      'statement, or after `wg.Wait()` or a channel receive, are ordered and safe; a map filled before the ' +
      'goroutines start and only read by them, a map made by each goroutine, a map handed over through a channel ' +
      'and deleting from a map while ranging over it in one goroutine are all legal.',
    fix:
      'Guard every access with the same mutex, or use sync.Map for a key/value cache:\n\n```go\nvar mu ' +
      'sync.Mutex\ngo func() {\n\tmu.Lock()\n\tm[k] = v\n\tmu.Unlock()\n}()\nmu.Lock()\n_ = m[k]\nmu.Unlock()\n```',
    runtimeEffect: 'race',
  },
  check(context: RuleContext): void {
    const pkg = context.pkg;
    const reported = new Set<number>();
    checkHandlers(context, reported);
    const packageMaps = packageLevelMaps(pkg);
    for (const file of pkg.files) {
      const spawners = new Map<number, { fn: Node; goroutines: { literal: Node; start: Node }[] }>();
      for (const literal of file.nodes('func_literal')) {
        const start = goroutineLiteral(literal, file);
        if (start === null) continue;
        const fn = enclosingFunction(start);
        if (fn === null) continue;
        const entry = spawners.get(fn.id) ?? { fn, goroutines: [] };
        entry.goroutines.push({ literal, start });
        spawners.set(fn.id, entry);
      }
      for (const { fn, goroutines } of spawners.values()) {
        // Maps visible in the spawning function: its own map variables plus package-level maps it does not shadow.
        const maps = new Set<string>();
        const others = new Set<string>();
        declaredMaps(fn, maps, others);
        for (const name of packageMaps) if (!others.has(name) && !maps.has(name)) maps.add(name);
        if (maps.size === 0) continue;
        const literalIds = new Set(goroutines.map((g) => g.literal.id));
        const withLocks = (a: Access): Access => {
          const locks = new Set(locksHeld(a.node, fn).keys());
          if (sendBefore(a.node)) locks.add('*');
          return { ...a, locks };
        };
        const parentAccesses = accessesIn(
          fn,
          maps,
          (literal) => literalIds.has(literal.id) || FUNCTION_TYPES.has(literal.type),
        ).map(withLocks);
        const perGoroutine = goroutines.map((g) => {
          const shadowed = new Set<string>();
          const ownMaps = new Set<string>();
          declaredMaps(g.literal, ownMaps, shadowed);
          const visible = new Set([...maps].filter((name) => !shadowed.has(name) && !ownMaps.has(name)));
          return { ...g, accesses: accessesIn(g.literal, visible, () => false).map(withLocks) };
        });
        const report = (write: Access, other: Access, where: string, goLine: number): void => {
          if (reported.has(write.node.id)) return;
          reported.add(write.node.id);
          const variant = VARIANT[`write/${other.kind}`] ?? VARIANT['write/write'];
          const otherLine = other.node.startPosition.row + 1;
          context.report(file, {
            node: write.node,
            message:
              other.node.id === write.node.id
                ? `map ${write.name} is written here by every goroutine started in the loop at line ${goLine}, with ` +
                  `no lock: the runtime reports "${variant}"`
                : `map ${write.name} is written here in the goroutine started at line ${goLine} and ` +
                  `${other.kind === 'range' ? 'ranged over' : other.kind === 'read' ? 'read' : 'written'} at line ` +
                  `${otherLine} in ${where} with no common lock or synchronisation: the runtime reports "${variant}"`,
            related:
              other.node.id === write.node.id
                ? []
                : [{ node: other.node, message: `${other.kind} of ${write.name} in ${where}` }],
            fix: {
              description:
                `guard every access to ${write.name} with one sync.Mutex (or use sync.Map), or wait for ` +
                `the goroutine (wg.Wait, channel receive) before touching ${write.name}`,
            },
          });
        };
        for (const g of perGoroutine) {
          const goLine = g.start.startPosition.row + 1;
          const writes = g.accesses.filter((a) => a.kind === 'write');
          if (writes.length === 0) continue;
          // The same literal started many times in a loop races with itself.
          if (startedRepeatedly(g.start, fn, maps)) {
            const first = writes.find((w) => w.locks?.size === 0);
            if (first !== undefined) report(first, first, 'another instance of this goroutine', goLine);
          }
          // The spawning function between the go statement and the next synchronising operation.
          const until = firstSyncAfter(fn, g.start.endIndex, maps);
          for (const write of writes) {
            const other = parentAccesses.find(
              (a) =>
                a.name === write.name &&
                a.node.startIndex >= g.start.endIndex &&
                a.node.startIndex < until &&
                !commonLock(write.locks ?? new Set(), a.locks ?? new Set()),
            );
            if (other !== undefined) report(write, other, 'the spawning function', goLine);
          }
          // Other goroutines started by the same function before the next synchronising operation.
          for (const h of perGoroutine) {
            if (h === g) continue;
            const [a, b] = g.start.startIndex < h.start.startIndex ? [g, h] : [h, g];
            if (firstSyncAfter(fn, a.start.endIndex, maps) < b.start.startIndex) continue;
            for (const write of writes) {
              const other = h.accesses.find(
                (x) => x.name === write.name && !commonLock(write.locks ?? new Set(), x.locks ?? new Set()),
              );
              if (other !== undefined)
                report(write, other, `the goroutine started at line ${h.start.startPosition.row + 1}`, goLine);
            }
          }
        }
      }
    }
    checkSharedAccesses(context, packageMaps, reported);
  },
};
