// Lock-order cycles (AB-BA): one goroutine holds lock A and waits for B while another holds B and waits for A;
// neither Lock returns, and both goroutines block forever. Locks are compared by identity (the same field of the
// same type), acquisitions are followed through calls in the package (interfaces and function values included),
// and a cycle is reported only when the two chains can run in different goroutines and no third lock held
// around both serialises them.
import type { Node } from '../load/tree-sitter-go.js';
import type { Rule, RuleContext } from '../framework/rule.js';
import type { FileFacts } from '../facts/package-facts.js';
import { calledFunctions, directCalls, lockFacts } from '../facts/lock-summary.js';
import type { LockFacts, LockSite } from '../facts/lock-summary.js';
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

function summaries(lf: LockFacts): (fn: FunctionInfo) => Taken[] {
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
        });
    for (const call of directCalls(fn.node)) {
      const held = sites.length === 0 ? new Set<string>() : identities(lf.heldAt(call, fn.node));
      const released = releasedBefore(sites, call.startIndex);
      for (const { callee } of calledFunctions(call, fn.file, lf.model)) {
        if (callee.node.id === fn.node.id) continue;
        for (const inner of summary(callee, depth + 1)) {
          const chainHeld = new Set([...held].filter((id) => !inner.released.has(id)));
          for (const id of inner.held) chainHeld.add(id);
          out.push({
            site: inner.site,
            path: [fn, ...inner.path],
            held: chainHeld,
            released: new Set([...released, ...inner.released]),
          });
        }
      }
    }
    visiting.delete(fn.node.id);
    memo.set(fn.node.id, out);
    return out;
  };
  return (fn) => summary(fn, 0);
}

function orderEdges(lf: LockFacts, graph: CallGraph): OrderEdge[] {
  const summary = summaries(lf);
  const edges: OrderEdge[] = [];
  for (const [fnId, sites] of lf.sitesByFunction) {
    const first = sites[0];
    if (first === undefined || first.fn.id !== fnId || !sites.some(isAcquire)) continue;
    const frame = graph.infoOf(first.fn, first.file);
    for (const site of sites) {
      if (!isAcquire(site) || site.identity === null) continue;
      const held = lf.heldAt(site.call, frame.node).filter((h) => h.identity !== null);
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
      const held = lf.heldAt(call, frame.node).filter((h) => h.identity !== null);
      if (held.length === 0) continue;
      const ids = identities(held);
      for (const { callee } of calledFunctions(call, first.file, lf.model)) {
        if (callee.node.id === frame.node.id) continue;
        for (const taken of summary(callee)) {
          const to = taken.site.identity;
          // Taking a lock the frame already holds is a double lock (unlock-misuse, rwmutex-upgrade), not an order.
          if (to === null || (ids.has(to) && !taken.released.has(to))) continue;
          for (const h of held) {
            if (h.identity === to || h.identity === null || taken.released.has(h.identity)) continue;
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

function where(edge: OrderEdge): string {
  const inner = edge.path.slice(1).map((fn) => fn.name);
  return `line ${line(edge.to.call)}${inner.length > 0 ? ` (in ${inner.join(' -> ')})` : ''}`;
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
      'other only when writers queue on both locks in between.',
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
      const sameFile = first.file.path === second.file.path;
      const otherWhere = `${sameFile ? '' : `${second.file.path.slice(second.file.path.lastIndexOf('/') + 1)} `}${where(second)}`;
      const other =
        second.frame.node.id === first.frame.node.id ? `another goroutine in ${second.frame.name}` : second.frame.name;
      context.report(first.file, {
        node: first.at,
        message:
          `${first.frame.name} holds ${first.from.mutex} (${first.from.identity ?? a}, line ${line(first.from.call)}) ` +
          `and takes ${first.to.mutex} (${first.to.identity ?? b}) at ${where(first)}, while ${other} holds ${second.from.mutex} ` +
          `(line ${line(second.from.call)}) and takes ${second.to.mutex} at ${otherWhere}: two goroutines running ` +
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
