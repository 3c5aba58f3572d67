// Which operations a function reaches when it runs, split by goroutine: `same` are reached by the goroutine that
// calls it (its own code, function literals it holds, the package functions it calls), `started` by goroutines it
// starts (`go` statements in it or in what it calls). A rule names the operations it cares about as keyed nodes;
// the reach of a function is then the keys it can get to, with one example node each. Calls are resolved within
// the package by its call graph (methods by receiver type, interface calls to the types that implement the
// interface, function values).
import type { Node, Tree } from '../load/tree-sitter-go.js';
import { FUNCTION_TYPES, methodCall, walk } from '../load/syntax.js';
import type { FileFacts, PackageFacts } from './package-facts.js';
import { packageModel, type FunctionInfo, type PackageModel } from '../model/package-model.js';
import { callGraph } from '../model/call-graph.js';

export interface ReachedOp {
  node: Node;
  file: FileFacts;
}

export interface Reach {
  same: Map<string, ReachedOp>;
  started: Map<string, ReachedOp>;
}

/** A step of a function's own code, in source order: an operation, a call, or a goroutine start. */
export interface ReachEvent {
  node: Node;
  kind: 'op' | 'call' | 'go';
  /** Keys reached by the goroutine running the function at this step. */
  same: Map<string, ReachedOp>;
  /** Keys reached by goroutines this step starts. */
  started: Map<string, ReachedOp>;
}

export interface GoroutineReach {
  model: PackageModel;
  reachOf(fn: Node): Reach;
  /** The steps of `fn`'s own code (not of nested function literals, except the goroutines it starts). */
  eventsOf(fn: Node, file: FileFacts): ReachEvent[];
  /** The package functions a call can run in the calling goroutine (the call graph's targets). */
  calleesOf(call: Node, file: FileFacts): FunctionInfo[];
}

/** The go statement a node is the started call of (`go f()`, `go func(){...}()`), or null. */
function startedBy(call: Node): Node | null {
  return call.parent?.type === 'go_statement' ? call.parent : null;
}

/**
 * The function nodes whose own goroutine runs `node`: its enclosing functions up to (and including) the body of
 * the goroutine it runs in.
 */
function regionsOf(node: Node): Node[] {
  const out: Node[] = [];
  let current = node.parent;
  while (current !== null) {
    if (current.type === 'go_statement') break;
    if (FUNCTION_TYPES.has(current.type)) {
      out.push(current);
      const call = current.parent;
      if (current.type === 'func_literal' && call?.type === 'call_expression' && startedBy(call) !== null) break;
    }
    current = current.parent;
  }
  return out;
}

export function goroutineReach(pkg: PackageFacts, ops: { key: string; node: Node; file: FileFacts }[]): GoroutineReach {
  const model = packageModel(pkg);
  const fileOf = new Map<number, FileFacts>();
  const ownOps = new Map<number, Map<string, ReachedOp>>();
  // The ops written directly in each function (its innermost region), node id -> key, for eventsOf.
  const opsWrittenIn = new Map<number, Map<number, string>>();
  for (const op of ops) {
    const regions = regionsOf(op.node);
    for (const region of regions) {
      const map = ownOps.get(region.id) ?? new Map<string, ReachedOp>();
      if (!map.has(op.key)) map.set(op.key, { node: op.node, file: op.file });
      ownOps.set(region.id, map);
    }
    const innermost = regions[0];
    if (innermost !== undefined) {
      const here = opsWrittenIn.get(innermost.id) ?? new Map<number, string>();
      here.set(op.node.id, op.key);
      opsWrittenIn.set(innermost.id, here);
    }
  }
  // The package call graph: an interface call reaches only the types that implement every method of the
  // interface with the same signature, and production code never a `_test.go` type; function values too.
  const graph = callGraph(pkg);
  const calleesOf = (call: Node, file: FileFacts): FunctionInfo[] => graph.targets(call, file);
  // Calls and go statements per region, found once.
  const calls = new Map<number, { call: Node; file: FileFacts }[]>();
  const gos = new Map<number, { go: Node; file: FileFacts }[]>();
  for (const file of pkg.files) {
    for (const call of file.nodes('call_expression')) {
      if (startedBy(call) !== null) continue;
      for (const region of regionsOf(call)) {
        const list = calls.get(region.id) ?? [];
        list.push({ call, file });
        calls.set(region.id, list);
      }
    }
    for (const go of file.nodes('go_statement'))
      for (const region of regionsOf(go)) {
        const list = gos.get(region.id) ?? [];
        list.push({ go, file });
        gos.set(region.id, list);
        fileOf.set(go.id, file);
      }
  }
  const memo = new Map<number, Reach>();
  const empty = (): Reach => ({ same: new Map(), started: new Map() });
  const merge = (into: Map<string, ReachedOp>, from: Map<string, ReachedOp>): void => {
    for (const [key, op] of from) if (!into.has(key)) into.set(key, op);
  };
  const startedReach = (go: Node, file: FileFacts): Map<string, ReachedOp> => {
    const out = new Map<string, ReachedOp>();
    const call = go.namedChild(0);
    if (call === null || call.type !== 'call_expression') return out;
    const fn = call.childForFieldName('function');
    if (fn?.type === 'func_literal') {
      const inner = reachOf(fn);
      merge(out, inner.same);
      merge(out, inner.started);
    } else
      for (const callee of calleesOf(call, file)) {
        const inner = reachOf(callee.node);
        merge(out, inner.same);
        merge(out, inner.started);
      }
    return out;
  };
  const reachOf = (fn: Node): Reach => {
    const known = memo.get(fn.id);
    if (known !== undefined) return known;
    const reach = empty();
    memo.set(fn.id, reach); // a recursive call sees what is known so far
    merge(reach.same, ownOps.get(fn.id) ?? new Map<string, ReachedOp>());
    for (const { call, file } of calls.get(fn.id) ?? [])
      for (const callee of calleesOf(call, file)) {
        const inner = reachOf(callee.node);
        merge(reach.same, inner.same);
        merge(reach.started, inner.started);
      }
    for (const { go, file } of gos.get(fn.id) ?? []) merge(reach.started, startedReach(go, file));
    return reach;
  };
  const eventsOf = (fn: Node, file: FileFacts): ReachEvent[] => {
    const events: ReachEvent[] = [];
    const opsHere = opsWrittenIn.get(fn.id) ?? new Map<number, string>();
    const body = fn.childForFieldName('body');
    if (body === null) return events;
    walk(body, (node) => {
      if (node.type === 'go_statement') {
        events.push({ node, kind: 'go', same: new Map(), started: startedReach(node, file) });
        return false;
      }
      const key = opsHere.get(node.id);
      if (key !== undefined)
        events.push({ node, kind: 'op', same: new Map([[key, { node, file }]]), started: new Map() });
      if (node.type === 'call_expression') {
        const same = new Map<string, ReachedOp>();
        const started = new Map<string, ReachedOp>();
        for (const callee of calleesOf(node, file)) {
          const inner = reachOf(callee.node);
          merge(same, inner.same);
          merge(started, inner.started);
        }
        if (same.size > 0 || started.size > 0) events.push({ node, kind: 'call', same, started });
      }
      return undefined;
    });
    return events;
  };
  return { model, reachOf, eventsOf, calleesOf };
}

interface SyncStep {
  node: Node;
  start: number;
  end: number;
}

/** Per tree, per function node id: its steps that may synchronise, in source (pre-)order. */
const syncStepsByTree = new WeakMap<Tree, Map<number, SyncStep[]>>();

/** The steps of `fn` that may synchronise, outside go and defer statements, found in one walk and kept. */
function syncSteps(fn: Node): SyncStep[] {
  let byFunction = syncStepsByTree.get(fn.tree);
  if (byFunction === undefined) {
    byFunction = new Map<number, SyncStep[]>();
    syncStepsByTree.set(fn.tree, byFunction);
  }
  const known = byFunction.get(fn.id);
  if (known !== undefined) return known;
  const steps: SyncStep[] = [];
  walk(
    fn,
    (node) => {
      // A deferred call waits only at return; a goroutine's own waits do not order this one.
      if (node.type === 'go_statement' || node.type === 'defer_statement') return false;
      let synchronises = false;
      if (node.type === 'call_expression') {
        const m = methodCall(node);
        if (m !== null && (m.method === 'Wait' || m.method === 'Lock' || m.method === 'RLock' || m.method === 'Do'))
          synchronises = true;
      }
      if (
        (node.type === 'unary_expression' && node.text.startsWith('<-')) ||
        node.type === 'select_statement' ||
        node.type === 'send_statement' ||
        node.type === 'receive_statement' ||
        node.type === 'range_clause'
      )
        synchronises = true;
      if (synchronises) steps.push({ node, start: node.startIndex, end: node.endIndex });
      return undefined;
    },
    false,
  );
  byFunction.set(fn.id, steps);
  return steps;
}

/**
 * A step of `fn` between two offsets (outside goroutines it starts) that may order what comes after it with a
 * goroutine started before it: a Wait, Lock, Do, channel operation, select or range. The first such step in
 * source order that overlaps the range (the steps of a function are found once: rules ask for many ranges).
 */
export function synchronisesBetween(fn: Node, from: number, to: number): Node | null {
  for (const step of syncSteps(fn)) if (step.end > from && step.start < to) return step.node;
  return null;
}

/** Whether a node runs at return (it sits in a defer statement of its function). */
export function deferred(node: Node): boolean {
  for (let current = node.parent; current !== null; current = current.parent) {
    if (current.type === 'defer_statement') return true;
    if (FUNCTION_TYPES.has(current.type)) return false;
  }
  return false;
}
