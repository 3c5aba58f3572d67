// Lock-order cycles (AB-BA): one goroutine holds lock A and waits for B while another holds B and waits for A;
// neither Lock returns, and both goroutines block forever. Locks are compared by identity (the same field of the
// same type), acquisitions are followed through calls in the package (interfaces and function values included),
// and a cycle is reported only when the two chains can run in different goroutines and no third lock held
// around both serialises them.
import type { Node } from '../load/tree-sitter-go.js';
import { callArguments, dominates, enclosingFunction, statementOf, unparen } from '../load/syntax.js';
import type { Rule, RuleContext } from '../framework/rule.js';
import type { FileFacts } from '../facts/package-facts.js';
import {
  callGuards,
  calledFunctions,
  directCalls,
  guardsAllow,
  guardsOf,
  lockFacts,
  otherInstance,
} from '../facts/lock-summary.js';
import type { Guard, LockFacts, LockSite } from '../facts/lock-summary.js';
import { freshValues } from '../facts/fresh-values.js';
import { callGraph } from '../model/call-graph.js';
import type { CallGraph } from '../model/call-graph.js';
import type { FunctionInfo } from '../model/package-model.js';

/** A lock taken by a function or a call below it, with what that chain holds and has released by then. */
interface Taken {
  site: LockSite;
  path: FunctionInfo[];
  /** Identities the chain below the summarised function holds when it takes `site`. */
  held: Set<string>;
  /** Identities the chain released before taking `site` (a caller's lock it gives up on the way). */
  released: Set<string>;
  /** Constant boolean arguments that keep the summarised function from getting there. */
  guards: Guard[];
  /**
   * Function-typed parameters of the summarised function the chain calls, with the function each call ran:
   * a caller's chain keeps the entry only when the argument it passes there can be that function.
   */
  through: Through[];
}

/** The chain runs function `target` by calling parameter `index` of the summarised function. */
interface Through {
  index: number;
  target: number;
}

/** A is held (at `from`) while B is taken (at `to`, reached from the frame through `at`). */
interface OrderEdge {
  from: LockSite;
  to: LockSite;
  /** The frame: the function that holds `from`. */
  frame: FunctionInfo;
  /** Where the frame takes `to`: the Lock call itself or the call that leads to it. */
  at: Node;
  file: FileFacts;
  path: FunctionInfo[];
  /** Other locks held when `to` is taken: a lock held around both chains serialises them. */
  gate: Set<string>;
}

const MAX_DEPTH = 8;

const isAcquire = (site: LockSite): boolean => !site.deferred && (site.method === 'Lock' || site.method === 'RLock');
const isRelease = (site: LockSite): boolean =>
  !site.deferred && (site.method === 'Unlock' || site.method === 'RUnlock');

function identities(sites: LockSite[]): Set<string> {
  const out = new Set<string>();
  for (const s of sites) if (s.identity !== null) out.add(s.identity);
  return out;
}

function releasedBefore(sites: LockSite[], offset: number): Set<string> {
  const out = new Set<string>();
  for (const s of sites) if (isRelease(s) && s.identity !== null && s.call.startIndex < offset) out.add(s.identity);
  return out;
}

/**
 * The `through` entries of a callee's chain seen from `call` in `fn`: an argument that is `fn`'s own parameter
 * passes the question up; any other must be able to be the function the chain ran (`checkFor(t, d, func() {...})`
 * runs only that literal, not every function any caller hands to `checkFor`). Null when the argument cannot be it.
 */
function bindThrough(inner: Through[], call: Node, fn: FunctionInfo, graph: CallGraph): Through[] | null {
  if (inner.length === 0) return inner;
  const args = callArguments(call);
  const out: Through[] = [];
  for (const t of inner) {
    const arg = args[t.index];
    if (arg === undefined) return null;
    const value = unparen(arg);
    const param = value.type === 'identifier' ? parameterIndex(fn.node, value.text) : undefined;
    if (param !== undefined) out.push({ index: param, target: t.target });
    else if (!graph.values(value, fn.file).some((v) => v.node.id === t.target)) return null;
  }
  return out;
}

/** The index of parameter `name` of `fn`, or undefined when `name` is not one. */
function parameterIndex(fn: Node, name: string): number | undefined {
  let index = 0;
  for (const decl of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (decl?.type !== 'parameter_declaration' && decl?.type !== 'variadic_parameter_declaration') continue;
    const names = decl.childrenForFieldName('name');
    if (names.length === 0) index++;
    for (const n of names) {
      if (n?.text === name) return index;
      index++;
    }
  }
  return undefined;
}

function summaries(lf: LockFacts, graph: CallGraph): (fn: FunctionInfo) => Taken[] {
  const memo = new Map<number, Taken[]>();
  const visiting = new Set<number>();
  const summary = (fn: FunctionInfo, depth: number): Taken[] => {
    const known = memo.get(fn.node.id);
    if (known !== undefined) return known;
    if (depth > MAX_DEPTH || visiting.has(fn.node.id)) return [];
    visiting.add(fn.node.id);
    const out: Taken[] = [];
    const sites = lf.sitesByFunction.get(fn.node.id) ?? [];
    for (const site of sites)
      if (isAcquire(site) && site.identity !== null)
        out.push({
          site,
          path: [fn],
          held: identities(lf.heldAt(site.call, fn.node)),
          released: releasedBefore(sites, site.call.startIndex),
          guards: guardsOf(site.call, fn.node),
          through: [],
        });
    for (const call of directCalls(fn.node)) {
      const held = sites.length === 0 ? new Set<string>() : identities(lf.heldAt(call, fn.node));
      const released = releasedBefore(sites, call.startIndex);
      const param = graph.parameterCall(call);
      const viaParam = param !== null && param.fn.id === fn.node.id ? param.index : null;
      for (const { callee, receiver } of calledFunctions(call, fn.file, lf.model)) {
        // Another value of the caller's own type (a peer, or an interface argument the type also implements):
        // its locks are other instances of the same fields.
        if (callee.node.id === fn.node.id || otherInstance(fn, callee, receiver)) continue;
        for (const inner of summary(callee, depth + 1)) {
          if (!guardsAllow(inner.guards, call)) continue;
          const through = bindThrough(inner.through, call, fn, graph);
          if (through === null) continue;
          if (viaParam !== null) through.push({ index: viaParam, target: callee.node.id });
          const guards = callGuards(inner.guards, call, fn.node);
          const chainHeld = new Set([...held].filter((id) => !inner.released.has(id)));
          for (const id of inner.held) chainHeld.add(id);
          out.push({
            site: inner.site,
            path: [fn, ...inner.path],
            held: chainHeld,
            released: new Set([...released, ...inner.released]),
            guards,
            through,
          });
        }
      }
    }
    visiting.delete(fn.node.id);
    // One entry per lock site and the locks held there: paths multiply with every level of calls.
    const seen = new Set<string>();
    const unique = out.filter((t) => {
      const guards = t.guards.map((g) => `${g.index}=${g.value}`).join(',');
      const through = t.through.map((p) => `${p.index}=${p.target}`).join(',');
      const key = `${t.site.call.id}|${[...t.held].sort().join(',')}|${[...t.released].sort().join(',')}|${guards}|${through}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    memo.set(fn.node.id, unique);
    return unique;
  };
  return (fn) => summary(fn, 0);
}

function orderEdges(lf: LockFacts, graph: CallGraph): OrderEdge[] {
  const summary = summaries(lf, graph);
  const isFresh = freshValues(lf.model);
  const edges: OrderEdge[] = [];
  for (const [fnId, sites] of lf.sitesByFunction) {
    const first = sites[0];
    if (first === undefined || first.fn.id !== fnId || !sites.some(isAcquire)) continue;
    const frame = graph.infoOf(first.fn, first.file);
    // A lock of a value the frame made and has not handed to anything yet: nobody else can hold it or wait for it.
    const fresh = (s: LockSite, at: Node): boolean =>
      s.owner !== null &&
      s.identity !== null &&
      isFresh(s.owner, s.identity.slice(0, s.identity.indexOf('.')), at, frame.node, s.file);
    for (const site of sites) {
      if (!isAcquire(site) || site.identity === null || fresh(site, site.call)) continue;
      const held = lf.heldAt(site.call, frame.node).filter((h) => h.identity !== null && !fresh(h, site.call));
      const ids = identities(held);
      for (const h of held)
        if (h.identity !== site.identity)
          edges.push({
            from: h,
            to: site,
            frame,
            at: site.call,
            file: first.file,
            path: [frame],
            gate: new Set([...ids].filter((id) => id !== h.identity && id !== site.identity)),
          });
    }
    for (const call of directCalls(frame.node)) {
      const held = lf.heldAt(call, frame.node).filter((h) => h.identity !== null && !fresh(h, call));
      if (held.length === 0) continue;
      const ids = identities(held);
      for (const { callee, receiver } of calledFunctions(call, first.file, lf.model)) {
        if (callee.node.id === frame.node.id || otherInstance(frame, callee, receiver)) continue;
        for (const taken of summary(callee)) {
          if (!guardsAllow(taken.guards, call) || bindThrough(taken.through, call, frame, graph) === null) continue;
          const to = taken.site.identity;
          // Taking a lock the frame already holds is a double lock (unlock-misuse, rwmutex-upgrade), not an order.
          if (to === null || (ids.has(to) && !taken.released.has(to))) continue;
          for (const h of held) {
            if (h.identity === to || h.identity === null || taken.released.has(h.identity)) continue;
            // The chain holds the frame's write lock again when it takes `to`: on the same value it would block
            // on that Lock first (a double lock), so the `to` it reaches belongs to another value.
            if (h.method === 'Lock' && taken.held.has(h.identity)) continue;
            const gate = new Set([...ids].filter((id) => !taken.released.has(id)));
            for (const id of taken.held) gate.add(id);
            gate.delete(h.identity);
            gate.delete(to);
            edges.push({
              from: h,
              to: taken.site,
              frame,
              at: call,
              file: first.file,
              path: [frame, ...taken.path],
              gate,
            });
          }
        }
      }
    }
  }
  return edges;
}

/**
 * Locks held around a frame that its own Lock calls do not show: taken by a helper it called earlier that
 * returns holding them (`t.lockTx()`), held on entry (the frame releases them without taking them first, as an
 * `Unlock` method does), or held by every caller in the package at the call. They serialise chains as a gate does.
 */
function hiddenGates(lf: LockFacts, graph: CallGraph): (frame: FunctionInfo, at: Node) => Set<string> {
  const holdingMemo = new Map<number, Set<string>>();
  /** Locks a function returns holding: taken (itself or by a helper) and never released in it. */
  const returnsHolding = (fn: FunctionInfo, depth: number): Set<string> => {
    const known = holdingMemo.get(fn.node.id);
    if (known !== undefined) return known;
    const out = new Set<string>();
    holdingMemo.set(fn.node.id, out);
    if (depth > 3) return out;
    const sites = lf.sitesByFunction.get(fn.node.id) ?? [];
    const released = new Set<string>();
    for (const s of sites) if (!isAcquire(s) && s.identity !== null) released.add(s.identity);
    for (const s of sites) if (isAcquire(s) && s.identity !== null && !released.has(s.identity)) out.add(s.identity);
    for (const call of directCalls(fn.node))
      for (const { callee } of calledFunctions(call, fn.file, lf.model))
        if (callee.node.id !== fn.node.id)
          for (const id of returnsHolding(callee, depth + 1)) if (!released.has(id)) out.add(id);
    return out;
  };
  const entryMemo = new Map<number, Set<string>>();
  /** Locks held when the function starts: released (itself or by a helper) before it takes them. */
  const heldOnEntry = (fn: FunctionInfo, depth: number): Set<string> => {
    const known = entryMemo.get(fn.node.id);
    if (known !== undefined) return known;
    const out = new Set<string>();
    entryMemo.set(fn.node.id, out);
    if (depth > 3) return out;
    const sites = lf.sitesByFunction.get(fn.node.id) ?? [];
    const firstAcquire = (id: string): number =>
      Math.min(...sites.filter((s) => isAcquire(s) && s.identity === id).map((s) => s.call.startIndex));
    for (const s of sites)
      if ((s.method === 'Unlock' || s.method === 'RUnlock') && s.identity !== null)
        if (s.call.startIndex < firstAcquire(s.identity)) out.add(s.identity);
    for (const call of directCalls(fn.node))
      for (const { callee } of calledFunctions(call, fn.file, lf.model))
        if (callee.node.id !== fn.node.id)
          for (const id of heldOnEntry(callee, depth + 1)) if (call.startIndex < firstAcquire(id)) out.add(id);
    return out;
  };
  /** Locks the frame holds at `at` through helpers called before it. */
  const viaHelpers = (frame: FunctionInfo, at: Node): Set<string> => {
    const out = new Set<string>();
    const sites = lf.sitesByFunction.get(frame.node.id) ?? [];
    const point = statementOf(at) ?? at;
    for (const call of directCalls(frame.node)) {
      if (call.startIndex >= at.startIndex) break;
      const statement = statementOf(call);
      if (statement === null || statement.id === point.id || !dominates(statement, point)) continue;
      for (const { callee } of calledFunctions(call, frame.file, lf.model))
        for (const id of returnsHolding(callee, 0))
          if (
            !sites.some(
              (s) =>
                s.identity === id &&
                !isAcquire(s) &&
                s.call.startIndex > call.startIndex &&
                s.call.startIndex < at.startIndex,
            )
          )
            out.add(id);
    }
    return out;
  };
  // Callers per function (static and dynamic calls), built once.
  const callers = new Map<number, { call: Node; caller: FunctionInfo }[]>();
  for (const file of lf.model.pkg.files)
    for (const call of file.nodes('call_expression')) {
      const enclosing = enclosingFunction(call);
      if (enclosing === null) continue;
      const caller = graph.infoOf(enclosing, file);
      for (const target of graph.targets(call, file)) {
        const list = callers.get(target.node.id) ?? [];
        list.push({ call, caller });
        callers.set(target.node.id, list);
      }
    }
  const byCallers = new Map<number, Set<string>>();
  const heldByEveryCaller = (frame: FunctionInfo): Set<string> => {
    const known = byCallers.get(frame.node.id);
    if (known !== undefined) return known;
    let common: string[] | null = null;
    for (const { call, caller } of callers.get(frame.node.id) ?? []) {
      const held = identities(lf.heldAt(call, caller.node));
      for (const id of viaHelpers(caller, call)) held.add(id);
      for (const id of heldOnEntry(caller, 0)) held.add(id);
      common = common === null ? [...held] : common.filter((id) => held.has(id));
      if (common.length === 0) break;
    }
    const out = new Set<string>(common ?? []);
    byCallers.set(frame.node.id, out);
    return out;
  };
  return (frame, at) => {
    const out = viaHelpers(frame, at);
    for (const id of heldOnEntry(frame, 0)) out.add(id);
    for (const id of heldByEveryCaller(frame)) out.add(id);
    return out;
  };
}

/** Whether the two frames can run in two goroutines at once. */
function concurrent(graph: CallGraph, a: FunctionInfo, b: FunctionInfo): boolean {
  const rootsA = graph.rootsReaching(a.node);
  const rootsB = graph.rootsReaching(b.node);
  for (const ra of rootsA) for (const rb of rootsB) if (ra.node.id !== rb.node.id || ra.many) return true;
  return false;
}

/** Holding `held` blocks a goroutine that asks for `wanted` on the same lock: not when both only read. */
const conflicts = (held: LockSite, wanted: LockSite): boolean => held.method === 'Lock' || wanted.method === 'Lock';

const line = (node: Node): number => node.startPosition.row + 1;

const baseName = (file: FileFacts): string => file.path.slice(file.path.lastIndexOf('/') + 1);

/** `line N`, with the file's name when `site` is in another file than the finding. */
function lineOf(site: LockSite, reportFile: FileFacts): string {
  return `${site.file.path === reportFile.path ? '' : `${baseName(site.file)} `}line ${line(site.call)}`;
}

function where(edge: OrderEdge, reportFile: FileFacts): string {
  const inner = edge.path.slice(1).map((fn) => fn.name);
  return `${lineOf(edge.to, reportFile)}${inner.length > 0 ? ` (in ${inner.join(' -> ')})` : ''}`;
}

export const lockOrder: Rule = {
  meta: {
    name: 'lock-order',
    title: 'Locks taken in opposite orders',
    severity: 'warning',
    summary:
      'Two goroutines take the same two locks in opposite orders (A then B, B then A): each can hold one and wait ' +
      'for the other forever.',
    explanation:
      'A goroutine that holds lock A and calls `Lock` on lock B waits until B is free. If another goroutine holds ' +
      'B and is waiting for A, neither `Lock` ever returns: both goroutines block forever (the runtime reports ' +
      '"all goroutines are asleep - deadlock!" only when every goroutine is blocked; in a server the requests ' +
      'just hang). goroscope builds the order in which each function takes locks, following calls within the ' +
      "package (methods, interface calls resolved to the package's implementations, function values), and " +
      'compares locks by identity: the same field of the same type, so `s.mu` in one method and `r.store.mu` in ' +
      'another are one lock. A cycle is reported when the two orders can run in different goroutines (started by ' +
      'different `go` statements, or exported functions any caller can run at once) and no third lock held around ' +
      'both serialises them. A cycle through read locks (`RLock`) only is not reported: readers wait for each ' +
      'other only when writers queue on both locks in between. A method called on another value of the ' +
      "caller's own type (a peer, or an interface argument the type also implements) takes that value's locks, " +
      "not the caller's, and a chain that takes the held write lock again before the second one is on another " +
      'value too (on the same value it would block at once). A function value passed as an argument is followed ' +
      'only from the call that passes it (`retry(func() {...})` runs that literal, not what other callers pass), ' +
      'and two kinds of lock take part in no cycle: the lock of a value the function has just made and not yet ' +
      'handed to anything (`c := &conn{}; c.mu.Lock()`), which no other goroutine can hold or wait for, and a lock ' +
      'handed to a goroutine that unlocks it (`mu.Lock(); go func() { ...; mu.Unlock() }()`).',
    fix:
      'Take the locks in one global order everywhere, or release the first before taking the second:\n\n```go\n' +
      'func (s *Store) flush() {\n\ts.mu.Lock()\n\tpending := s.pending\n\ts.pending = nil\n\ts.mu.Unlock() // ' +
      'release before calling into the replica\n\tfor _, r := range pending {\n\t\tr.report() // takes r.mu\n\t}\n}\n```',
    runtimeEffect: 'block',
  },
  check(context: RuleContext): void {
    const lf = lockFacts(context.pkg);
    const graph = callGraph(context.pkg);
    const edges = orderEdges(lf, graph);
    // Built only when a candidate cycle needs it: most packages have none.
    let gates: ((frame: FunctionInfo, at: Node) => Set<string>) | null = null;
    const hidden = (frame: FunctionInfo, at: Node): Set<string> => (gates ??= hiddenGates(lf, graph))(frame, at);
    const byPair = new Map<string, OrderEdge[]>();
    for (const edge of edges) {
      const key = `${edge.from.identity ?? ''}\u0000${edge.to.identity ?? ''}`;
      const list = byPair.get(key) ?? [];
      list.push(edge);
      byPair.set(key, list);
    }
    const reported = new Set<string>();
    for (const [key, forward] of byPair) {
      const [a = '', b = ''] = key.split('\u0000');
      const pair = a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
      if (reported.has(pair)) continue;
      const backward = byPair.get(`${b}\u0000${a}`);
      if (backward === undefined) continue;
      let found: [OrderEdge, OrderEdge] | null = null;
      for (const e1 of forward) {
        for (const e2 of backward) {
          if (!conflicts(e1.from, e2.to) || !conflicts(e2.from, e1.to)) continue;
          if ([...e1.gate].some((id) => e2.gate.has(id))) continue;
          const gate1 = hidden(e1.frame, e1.at);
          const gate2 = hidden(e2.frame, e2.at);
          const outside = new Set([e1.from.identity, e1.to.identity]);
          if ([...gate1].some((id) => !outside.has(id) && (gate2.has(id) || e2.gate.has(id)))) continue;
          if ([...e1.gate].some((id) => gate2.has(id))) continue;
          if (!concurrent(graph, e1.frame, e2.frame)) continue;
          found = [e1, e2];
          break;
        }
        if (found !== null) break;
      }
      if (found === null) continue;
      reported.add(pair);
      // Report at the chain that comes first in the source, so the finding does not move between runs.
      const [first, second] = found.sort(
        (x, y) => x.file.path.localeCompare(y.file.path) || x.at.startIndex - y.at.startIndex,
      );
      if (first === undefined || second === undefined) continue;
      const other =
        second.frame.node.id === first.frame.node.id ? `another goroutine in ${second.frame.name}` : second.frame.name;
      context.report(first.file, {
        node: first.at,
        message:
          `${first.frame.name} holds ${first.from.mutex} (${first.from.identity ?? a}, ${lineOf(first.from, first.file)}) ` +
          `and takes ${first.to.mutex} (${first.to.identity ?? b}) at ${where(first, first.file)}, while ${other} holds ` +
          `${second.from.mutex} (${lineOf(second.from, first.file)}) and takes ${second.to.mutex} at ` +
          `${where(second, first.file)}: two goroutines running ` +
          `these at once each wait for the other's lock forever`,
        related: [
          { node: first.from.call, message: `${first.from.mutex} locked here`, file: first.from.file },
          { node: first.to.call, message: `then ${first.to.mutex} here`, file: first.to.file },
          { node: second.from.call, message: `${second.from.mutex} locked here`, file: second.from.file },
          { node: second.to.call, message: `then ${second.to.mutex} here`, file: second.to.file },
        ],
        fix: {
          description: `take ${a} and ${b} in the same order everywhere, or release one before taking the other`,
        },
      });
    }
  },
};
