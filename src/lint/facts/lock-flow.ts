// Lock state along the control flow of one function: which locks are held on each path through `if`, `for`,
// `switch`, `select`, `break`, `continue` (labelled or not), loop back-edges, `return` and falling off the end.
// It finds the paths that the block-local checks cannot see: a `break` that leaves a loop with the lock held, and
// a `continue` that skips the Unlock so the next iteration locks again. Constant conditions (`if false`) are
// followed as the compiler does. Functions with `goto` are not judged.
import type { Node } from '../load/tree-sitter-go.js';
import { statementsOf, unparen, walk } from '../load/syntax.js';
import type { PackageFacts } from './package-facts.js';
import { lockFacts } from './lock-summary.js';
import type { LockSite } from './lock-summary.js';

interface Held {
  site: LockSite;
  /** The break or continue this path took since the lock was taken; null on a straight path. */
  via: Node | null;
  /** The stable `if` conditions the lock was taken under: a later `if` on the same condition takes the same branch. */
  under: readonly string[];
}

type State = Map<string, Held>;

export interface LockFlowIssue {
  kind: 'held-at-exit' | 'relock';
  /** The lock left held (held-at-exit) or the lock taken again (relock). */
  lock: LockSite;
  /** For relock: the earlier lock still held from the previous iteration. */
  previous: LockSite | undefined;
  via: Node;
}

interface Target {
  label: string | undefined;
  loop: boolean;
  breaks: State[];
  continues: State[];
}

function join(states: State[]): State | null {
  if (states.length === 0) return null;
  const out: State = new Map();
  for (const state of states)
    for (const [mutex, held] of state) {
      const known = out.get(mutex);
      if (known === undefined || (known.via === null && held.via !== null)) out.set(mutex, held);
    }
  return out;
}

/** Marks every lock held on a path that takes `jump` (entries already marked keep their first jump). */
function through(state: State, jump: Node): State {
  const out: State = new Map();
  for (const [mutex, held] of state) out.set(mutex, held.via === null ? { ...held, via: jump } : held);
  return out;
}

/**
 * The text of an `if` condition taken to keep its value within `body`: no calls, receives or indexing; only names
 * the function never assigns (nor takes the address of), their fields, and selectors on imported packages
 * (`runtime.GOOS == "linux"`, `verbose`, `sub.client != nil`). A call in between could still change a field: then
 * a finding is missed, never invented. Null for any other condition.
 */
function stableCondition(
  condition: Node | null,
  assigned: () => ReadonlySet<string>,
  imports: ReadonlyMap<string, string>,
): string | null {
  if (condition === null) return null;
  const names = new Set<string>();
  let stable = true;
  const visit = (node: Node): void => {
    if (node.type === 'call_expression' || (node.type === 'unary_expression' && node.text.startsWith('<-')))
      stable = false;
    else if (node.type === 'selector_expression') {
      // `runtime.GOOS`, or a field path of a name the function never assigns (`sub.client`).
      let operand = node.childForFieldName('operand');
      while (operand?.type === 'selector_expression') operand = operand.childForFieldName('operand');
      if (operand?.type !== 'identifier') stable = false;
      else if (!imports.has(operand.text)) names.add(operand.text);
      return;
    } else if (node.type === 'index_expression') stable = false;
    else if (node.type === 'identifier') names.add(node.text);
    for (const child of node.namedChildren) if (child !== null && stable) visit(child);
  };
  visit(condition);
  if (!stable) return null;
  const changed = assigned();
  for (const name of names) if (changed.has(name)) return null;
  return unparen(condition).text;
}

/** Root names assigned anywhere in `body` (also in closures) or whose address is taken. */
function assignedNames(body: Node): Set<string> {
  const out = new Set<string>();
  walk(
    body,
    (node) => {
      if (['assignment_statement', 'short_var_declaration', 'inc_statement', 'dec_statement'].includes(node.type)) {
        const left = node.childForFieldName('left') ?? node.namedChild(0);
        for (const target of left?.type === 'expression_list' ? left.namedChildren : [left])
          if (target !== null && target !== undefined) out.add(target.text.split(/[.[(]/)[0] ?? '');
      } else if (node.type === 'unary_expression' && node.text.startsWith('&')) out.add(node.text.slice(1));
      return undefined;
    },
    false,
  );
  return out;
}

function constantCondition(condition: Node | null): boolean | null {
  if (condition === null) return null;
  const c = unparen(condition);
  return c.type === 'true' ? true : c.type === 'false' ? false : null;
}

const NO_RETURN = /^(panic|os\.Exit|log\.Fatal\w*|log\.Panic\w*|\w+\.(Fatal|Fatalf|FailNow|Skip|Skipf|SkipNow))\(/;

/** The statements of a case clause (its statement_list), without the case value. */
function caseStatements(clause: Node): Node[] {
  const list = clause.namedChildren.find((c) => c?.type === 'statement_list');
  const out: Node[] = [];
  for (const statement of list?.namedChildren ?? [])
    if (statement !== null && statement.type !== 'comment') out.push(statement);
  return out;
}

/**
 * Local closures that release locks: `clearAndUnlock := func() { ...; mu.Unlock() }` -> {clearAndUnlock: [mu]}.
 * Calling one releases those locks like the Unlock it holds.
 */
export function releasingClosures(fn: Node): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const body = fn.childForFieldName('body');
  if (body === null) return out;
  walk(body, (node) => {
    if (node.type !== 'short_var_declaration' && node.type !== 'assignment_statement') return undefined;
    const left = node.childForFieldName('left')?.namedChildren ?? [];
    const right = node.childForFieldName('right')?.namedChildren ?? [];
    if (left.length !== 1 || right.length !== 1 || left[0]?.type !== 'identifier') return undefined;
    const literal = right[0];
    if (literal === null || literal === undefined || literal.type !== 'func_literal') return undefined;
    const released = new Set<string>();
    walk(literal, (inner) => {
      if (inner.type !== 'expression_statement') return undefined;
      const m = /^(.+)\.R?Unlock\(\)$/.exec(inner.text);
      if (m?.[1] !== undefined) released.add(m[1]);
      return undefined;
    });
    if (released.size > 0) out.set(left[0].text, released);
    return undefined;
  });
  return out;
}

export function lockFlow(fn: Node, sites: LockSite[]): LockFlowIssue[] {
  const body = fn.childForFieldName('body');
  if (body === null) return [];
  let hasGoto = false;
  walk(body, (node) => {
    if (node.type === 'goto_statement') hasGoto = true;
    return undefined;
  });
  if (hasGoto) return [];
  // Only locks this function also releases itself, and never through defer: a defer releases on every path.
  const deferred = new Set(sites.filter((s) => s.deferred).map((s) => s.mutex));
  const released = new Set(
    sites.filter((s) => !s.deferred && (s.method === 'Unlock' || s.method === 'RUnlock')).map((s) => s.mutex),
  );
  // A lock whose first use here is a release is the caller's: released for a while and taken back for it.
  const callersLock = new Set<string>();
  const seen = new Set<string>();
  for (const site of [...sites].sort((a, b) => a.call.startIndex - b.call.startIndex)) {
    if (site.deferred || seen.has(site.mutex)) continue;
    seen.add(site.mutex);
    if (site.method === 'Unlock' || site.method === 'RUnlock') callersLock.add(site.mutex);
  }
  const tracked = (mutex: string): boolean => released.has(mutex) && !deferred.has(mutex) && !callersLock.has(mutex);
  const siteOf = new Map<number, LockSite>();
  for (const site of sites) if (!site.deferred) siteOf.set(site.statement.id, site);

  const closures = releasingClosures(fn);
  const issues = new Map<number, LockFlowIssue>();
  const exits: State[] = [];
  const targets: Target[] = [];
  const imports = sites[0]?.file.imports ?? new Map<string, string>();
  let assignedInBody: Set<string> | null = null;
  const assigned = (): Set<string> => (assignedInBody ??= assignedNames(body));
  /** Stable conditions of the `if` consequences being executed, innermost last. */
  const conditions: string[] = [];

  const target = (label: string | undefined, forContinue: boolean): Target | undefined => {
    for (let i = targets.length - 1; i >= 0; i--) {
      const t = targets[i];
      if (t === undefined || (forContinue && !t.loop)) continue;
      if (label === undefined || t.label === label) return t;
    }
    return undefined;
  };

  const sequence = (statements: Node[], state: State | null): State | null => {
    let current = state;
    for (const statement of statements) {
      if (current === null) return null;
      current = exec(statement, current, undefined);
    }
    return current;
  };

  const exec = (node: Node, state: State, label: string | undefined): State | null => {
    switch (node.type) {
      case 'block':
        return sequence(statementsOf(node), state);
      case 'labeled_statement': {
        const inner = node.namedChildren.find((c) => c !== null && c.type !== 'label_name') ?? null;
        const name = node.namedChildren.find((c) => c?.type === 'label_name')?.text;
        return inner === null ? state : exec(inner, state, name);
      }
      case 'expression_statement': {
        const site = siteOf.get(node.id);
        const closure = site === undefined ? /^(\w+)\(\)$/.exec(node.text)?.[1] : undefined;
        const released = closure === undefined ? undefined : closures.get(closure);
        if (released !== undefined) {
          const next: State = new Map(state);
          for (const mutex of released) next.delete(mutex);
          return next;
        }
        if (site === undefined) return NO_RETURN.test(node.text) ? null : state;
        if (!tracked(site.mutex)) return state;
        const next: State = new Map(state);
        if (site.method === 'Lock' || site.method === 'RLock') {
          const before = state.get(site.mutex);
          if (before !== undefined && before.via !== null && before.via.type === 'continue_statement')
            issues.set(site.call.id, { kind: 'relock', lock: site, previous: before.site, via: before.via });
          next.set(site.mutex, { site, via: null, under: [...conditions] });
        } else next.delete(site.mutex);
        return next;
      }
      case 'if_statement': {
        const initializer = node.childForFieldName('initializer');
        const start = initializer === null ? state : exec(initializer, state, undefined);
        if (start === null) return null;
        const constant = constantCondition(node.childForFieldName('condition'));
        const consequence = node.childForFieldName('consequence');
        const alternative = node.childForFieldName('alternative');
        const stable = stableCondition(node.childForFieldName('condition'), assigned, imports);
        if (stable !== null) conditions.push(stable);
        const then = constant === false || consequence === null ? null : exec(consequence, start, undefined);
        if (stable !== null) conditions.pop();
        // When the condition is false, no lock taken under an earlier `if` on the same stable condition is held.
        let notTaken = start;
        if (stable !== null && [...start.values()].some((held) => held.under.includes(stable))) {
          notTaken = new Map([...start].filter(([, held]) => !held.under.includes(stable)));
        }
        const otherwise =
          constant === true ? null : alternative === null ? notTaken : exec(alternative, notTaken, undefined);
        return join([then, otherwise].filter((s): s is State => s !== null));
      }
      case 'for_statement': {
        const clause = node.namedChildren.find((c) => c?.type === 'for_clause' || c?.type === 'range_clause') ?? null;
        const condition = node.namedChildren.find(
          (c) => c !== null && c.type !== 'block' && c.type !== 'for_clause' && c.type !== 'range_clause',
        );
        const forClauseCondition =
          clause !== null && clause.type === 'for_clause' ? clause.childForFieldName('condition') : null;
        const infinite =
          clause === null ? condition === undefined : clause.type === 'for_clause' && forClauseCondition === null;
        const loopBody = node.childForFieldName('body');
        let head: State = state;
        let t: Target = { label, loop: true, breaks: [], continues: [] };
        // Two passes reach the fixed point: the second sees what comes back along the back-edge.
        for (let pass = 0; pass < 2; pass++) {
          t = { label, loop: true, breaks: [], continues: [] };
          targets.push(t);
          const out = loopBody === null ? head : exec(loopBody, new Map(head), undefined);
          targets.pop();
          head = join([state, ...(out === null ? [] : [out]), ...t.continues]) ?? state;
        }
        return join([...(infinite ? [] : [head]), ...t.breaks]);
      }
      case 'expression_switch_statement':
      case 'type_switch_statement':
      case 'select_statement': {
        const t: Target = { label, loop: false, breaks: [], continues: [] };
        targets.push(t);
        const outs: State[] = [];
        let hasDefault = false;
        for (const clause of node.namedChildren) {
          if (clause === null) continue;
          if (!/_case$/.test(clause.type)) continue;
          if (clause.type === 'default_case') hasDefault = true;
          const out = sequence(caseStatements(clause), new Map(state));
          if (out !== null) outs.push(out);
        }
        targets.pop();
        if (!hasDefault && node.type !== 'select_statement') outs.push(state);
        return join([...outs, ...t.breaks]);
      }
      case 'break_statement':
      case 'continue_statement': {
        const name = node.namedChildren.find((c) => c?.type === 'label_name')?.text;
        const to = target(name, node.type === 'continue_statement');
        if (to !== undefined) (node.type === 'break_statement' ? to.breaks : to.continues).push(through(state, node));
        return null;
      }
      case 'return_statement':
        exits.push(state);
        return null;
      default:
        return state;
    }
  };

  const end = sequence(statementsOf(body), new Map());
  if (end !== null) exits.push(end);
  for (const exit of exits)
    for (const held of exit.values())
      if (held.via !== null && !issues.has(held.site.call.id))
        issues.set(held.site.call.id, { kind: 'held-at-exit', lock: held.site, previous: undefined, via: held.via });
  return [...issues.values()];
}

/** Whether `fn` hands `mutex` to its caller: a return of `mutex.Unlock` or of a function that calls it. */
export function handsUnlockToCaller(fn: Node, mutex: string): boolean {
  let hands = false;
  const body = fn.childForFieldName('body');
  if (body === null) return false;
  walk(body, (node) => {
    if (
      node.type === 'return_statement' &&
      new RegExp(`\\b${mutex.replace(/\./g, '\\.')}\\.R?Unlock\\b`).test(node.text)
    )
      hands = true;
    return undefined;
  });
  return hands;
}

/**
 * How the package's callers of `fn` treat a lock it returns holding: `none` when no caller is in the package,
 * `unlock` when some caller releases a lock with the same field name after the call, `keep` otherwise.
 */
export function callersOf(pkg: PackageFacts, fn: Node, field: string): 'none' | 'unlock' | 'keep' {
  const lf = lockFacts(pkg);
  let callers = 0;
  for (const { call } of lf.model.callers(fn)) {
    callers++;
    let outer: Node | null = call.parent;
    while (outer !== null && !['function_declaration', 'method_declaration', 'func_literal'].includes(outer.type))
      outer = outer.parent;
    if (outer === null) continue;
    // The first use of a lock with that field name after the call (or a deferred release) decides.
    const same = (lf.sitesByFunction.get(outer.id) ?? []).filter(
      (s) => s.mutex === field || s.mutex.endsWith(`.${field}`),
    );
    const release = (s: { method: string }): boolean => s.method === 'Unlock' || s.method === 'RUnlock';
    const next = same.filter((s) => !s.deferred && s.call.startIndex > call.endIndex)[0];
    if (same.some((s) => s.deferred && release(s)) || (next !== undefined && release(next))) return 'unlock';
  }
  return callers === 0 ? 'none' : 'keep';
}
