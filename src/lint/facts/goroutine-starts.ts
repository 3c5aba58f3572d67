// Where goroutines start and what they run, shared by the race rules: `go` statements (literals, functions,
// methods), literals and method values handed to `X.Go(...)` (errgroup.Group, sync.WaitGroup) or
// time.AfterFunc, and HTTP handlers (net/http serves each request in its own goroutine). Reachability follows
// the package's calls (model.callee) and function values passed as arguments (a callback is called), a few
// levels down, so a field access knows which goroutines can run it.
import type { Node } from '../load/tree-sitter-go.js';
import { callArguments, enclosingFunction, insideLoop, methodCall, unparen, walk } from '../load/syntax.js';
import type { FileFacts, PackageFacts } from './package-facts.js';
import { packageModel } from '../model/package-model.js';
import { lockFacts } from './lock-summary.js';
import { callGraph } from '../model/call-graph.js';

/** Function literals that run as goroutines: go func(){}(), g.Go(func(){}), time.AfterFunc(d, func(){}). */
export function goroutineLiteral(literal: Node, file: FileFacts): Node | null {
  const parent = literal.parent;
  if (parent === null) return null;
  if (
    parent.type === 'call_expression' &&
    parent.childForFieldName('function')?.id === literal.id &&
    parent.parent?.type === 'go_statement'
  )
    return parent.parent;
  if (parent.type === 'argument_list') {
    const call = parent.parent;
    if (call === null || call.type !== 'call_expression') return null;
    const m = methodCall(call);
    if (m === null) return null;
    if (m.method === 'Go' && callArguments(call).length === 1) return call;
    if (m.method === 'AfterFunc' && file.imports.get(m.receiver.text) === 'time') return call;
  }
  return null;
}

/** `func(w http.ResponseWriter, r *http.Request)` under any alias of net/http. */
export function isHandler(fn: Node, file: FileFacts): boolean {
  const params = fn.childForFieldName('parameters');
  if (params === null) return false;
  for (const [alias, path] of file.imports) {
    if (path !== 'net/http') continue;
    const text = params.text.replace(/\s+/g, ' ');
    if (text.includes(`${alias}.ResponseWriter`) && text.includes(`*${alias}.Request`)) return true;
  }
  return false;
}

/**
 * A handler literal defined in a function that starts an httptest server and starts no goroutine: the function
 * itself is the only client, one request at a time (a test mock), so the handler never runs twice at once.
 */
export function sequentialTestServer(outer: Node, file: FileFacts): boolean {
  const aliases = [...file.imports].filter(([, path]) => path === 'net/http/httptest').map(([alias]) => alias);
  if (!aliases.some((alias) => new RegExp(`\\b${alias}\\.New(TLS)?Server\\(`).test(outer.text))) return false;
  let concurrent = false;
  walk(
    outer,
    (node) => {
      if (node.type === 'go_statement') concurrent = true;
      const m = node.type === 'call_expression' ? methodCall(node) : null;
      if (m !== null && (m.method === 'Go' || m.method === 'Parallel')) concurrent = true;
      return concurrent ? false : undefined;
    },
    false,
  );
  return !concurrent;
}

/** A call that serves HTTP requests: net/http's servers, httptest's started servers, an http.Server value. */
const SERVES =
  /\b(ListenAndServe|ListenAndServeTLS|Serve|ServeTLS|NewServer|NewTLSServer|NewUnstartedServer)\(|\bServer\{/;

const servesHttp = new WeakMap<PackageFacts, boolean>();

/**
 * Whether a handler in `file` can run for two requests at once. net/http runs handlers concurrently only once a
 * server serves them: a `main` package that never starts one (and a `_test.go` file of a package that never
 * does) only calls its handlers directly, one at a time, while a library's handlers are served by its importers.
 */
export function handlersServed(file: FileFacts, pkg: PackageFacts): boolean {
  let serves = servesHttp.get(pkg);
  if (serves === undefined) {
    serves = pkg.files.some(
      (f) => [...f.imports.values()].some((path) => path.startsWith('net/http')) && SERVES.test(f.source),
    );
    servesHttp.set(pkg, serves);
  }
  return serves || (file.packageName !== 'main' && !file.path.endsWith('_test.go'));
}

/**
 * A `_test.go` helper that registers handlers (`m.Mux.HandleFunc(...)` in `SetupHandlers`) and is called only by
 * functions that start the httptest server and no goroutine: the same single sequential client as above.
 */
export function setUpBySequentialTestServers(outer: Node, file: FileFacts, pkg: PackageFacts): boolean {
  if (!file.path.endsWith('_test.go') || enclosingFunction(outer) !== null) return false;
  const callers = packageModel(pkg).callers(outer);
  return (
    callers.length > 0 &&
    callers.every(({ call, file: callerFile }) => {
      const caller = enclosingFunction(call);
      return caller !== null && sequentialTestServer(caller, callerFile);
    })
  );
}

export interface GoroutineStart {
  /** The `go` statement, the `X.Go(...)`/AfterFunc call, or the handler function. */
  start: Node;
  file: FileFacts;
  /** The function holding the start; null for HTTP handlers. */
  spawner: Node | null;
  /** The functions the goroutine begins in (a literal, a declared function or method). */
  entries: Node[];
  /** Runs concurrently with itself: started in a loop, or an HTTP handler. */
  selfConcurrent: boolean;
  label: string;
}

export interface GoroutineRun {
  start: GoroutineStart;
  /** Lock identities every call path from the start down to the function holds at the call. */
  held: Set<string>;
}

export interface GoroutineFacts {
  starts: GoroutineStart[];
  /** The goroutines that can run `fn` (a declaration, method or literal), following calls. */
  reaching(fn: Node): GoroutineRun[];
  /**
   * Whether two goroutines are started only from tests that run one after another: each start is reached only
   * from `Test`/`Benchmark` functions that never call `Parallel` (directly, or from goroutines those start), and
   * no test reaches both. `go test` runs such tests in turn, so their goroutines do not overlap unless one
   * outlives its test.
   */
  inSeparateSequentialTests(a: GoroutineStart, b: GoroutineStart): boolean;
}

const cache = new WeakMap<PackageFacts, GoroutineFacts>();

/** How many calls below a goroutine's entry its reach is followed. */
const REACH_DEPTH = 6;

export function goroutineFacts(pkg: PackageFacts): GoroutineFacts {
  const known = cache.get(pkg);
  if (known !== undefined) return known;
  const model = packageModel(pkg);
  /** The function a value names: a literal, `f`, `s.m` (a method value). */
  const functionValue = (value: Node, file: FileFacts): Node | null => {
    const v = unparen(value);
    if (v.type === 'func_literal') return v;
    if (v.type === 'identifier') return model.functions.get(v.text)?.node ?? null;
    if (v.type !== 'selector_expression') return null;
    const operand = v.childForFieldName('operand');
    const name = v.childForFieldName('field')?.text;
    if (operand === null || name === undefined) return null;
    const type = model.typeOf(operand, file);
    return type === null ? null : (model.methods.get(`${type}.${name}`)?.node ?? null);
  };
  const starts: GoroutineStart[] = [];
  for (const file of pkg.files) {
    for (const statement of file.nodes('go_statement')) {
      const call = statement.namedChild(0);
      const spawner = enclosingFunction(statement);
      if (call === null || call.type !== 'call_expression' || spawner === null) continue;
      const callee = call.childForFieldName('function');
      const entries: Node[] = [];
      const direct = callee === null ? null : functionValue(callee, file);
      if (direct !== null) entries.push(direct);
      else {
        const target = model.callee(call, file);
        if (target !== null) entries.push(target.node);
      }
      // `go Until(p.flush, stop)`: the callback runs in the new goroutine too.
      for (const arg of callArguments(call)) {
        const value = functionValue(arg, file);
        if (value !== null) entries.push(value);
      }
      starts.push({
        start: statement,
        file,
        spawner,
        entries,
        selfConcurrent: insideLoop(statement, spawner),
        label: `the goroutine started at line ${statement.startPosition.row + 1}`,
      });
    }
    for (const call of file.nodes('call_expression')) {
      const m = methodCall(call);
      if (m === null || (m.method !== 'Go' && m.method !== 'AfterFunc')) continue;
      const args = callArguments(call);
      const fnArg = m.method === 'Go' ? (args.length === 1 ? args[0] : undefined) : args[1];
      if (fnArg === undefined) continue;
      if (m.method === 'AfterFunc' && file.imports.get(m.receiver.text) !== 'time') continue;
      const value = functionValue(fnArg, file);
      const spawner = enclosingFunction(call);
      if (value === null || spawner === null) continue;
      starts.push({
        start: call,
        file,
        spawner,
        entries: [value],
        selfConcurrent: insideLoop(call, spawner),
        label: `the goroutine started at line ${call.startPosition.row + 1}`,
      });
    }
    for (const fn of file.functions()) {
      if (!isHandler(fn, file) || !handlersServed(file, pkg)) continue;
      const outer = fn.type === 'func_literal' ? enclosingFunction(fn) : null;
      if (outer !== null && (sequentialTestServer(outer, file) || setUpBySequentialTestServers(outer, file, pkg)))
        continue;
      const name = fn.childForFieldName('name')?.text;
      starts.push({
        start: fn,
        file,
        spawner: null,
        entries: [fn],
        selfConcurrent: true,
        label: `HTTP handler ${name ?? `at line ${fn.startPosition.row + 1}`}`,
      });
    }
  }

  const fileOf = new Map<number, FileFacts>();
  const fileByRoot = new Map<number, FileFacts>();
  for (const file of pkg.files) fileByRoot.set(file.root.id, file);
  const fileOfNode = (node: Node): FileFacts | undefined => {
    const cached = fileOf.get(node.id);
    if (cached !== undefined) return cached;
    let root: Node = node;
    while (root.parent !== null) root = root.parent;
    const file = fileByRoot.get(root.id);
    if (file !== undefined) fileOf.set(node.id, file);
    return file;
  };
  const locks = lockFacts(pkg);
  /** Locks held in `fn` where `at` runs (named identities only). */
  const heldHere = (at: Node, fn: Node): string[] => {
    const out: string[] = [];
    for (const site of locks.heldAt(at, fn)) if (site.identity !== null) out.push(site.identity);
    return out;
  };
  /** Functions one call away from `fn` in the same goroutine (callees, callbacks, literals run in place), each
   * with the locks `fn` holds where it is called. */
  const successors = new Map<number, { fn: Node; held: string[] }[]>();
  const next = (fn: Node): { fn: Node; held: string[] }[] => {
    const cached = successors.get(fn.id);
    if (cached !== undefined) return cached;
    const out: { fn: Node; held: string[] }[] = [];
    successors.set(fn.id, out);
    const file = fileOfNode(fn);
    const body = fn.childForFieldName('body');
    if (file === undefined || body === null) return out;
    walk(body, (node) => {
      if (node.type === 'go_statement') return false;
      if (node.type === 'func_literal') {
        // A literal started as its own goroutine is another start; any other one (deferred, called, a callback) is
        // taken to run in this goroutine.
        if (goroutineLiteral(node, file) === null) out.push({ fn: node, held: heldHere(node, fn) });
        return false;
      }
      if (node.type !== 'call_expression') return undefined;
      const target = model.callee(node, file);
      const held = target === null && callArguments(node).length === 0 ? [] : heldHere(node, fn);
      if (target !== null) out.push({ fn: target.node, held });
      for (const arg of callArguments(node)) {
        const a = unparen(arg);
        if (a.type === 'func_literal') continue; // visited as a literal above
        const value = functionValue(a, file);
        if (value !== null) out.push({ fn: value, held });
      }
      return undefined;
    });
    return out;
  };
  // The sequential tests each goroutine start is reached from (see inSeparateSequentialTests); null when anything
  // else can reach it: main, exported API, a parallel test, or a chain too deep to follow.
  const graph = callGraph(pkg);
  const testsMemo = new Map<number, Set<number> | null>();
  const sequentialTest = (decl: Node, file: FileFacts): boolean => {
    if (!file.path.endsWith('_test.go') || decl.type !== 'function_declaration') return false;
    if (!/^(Test|Benchmark)([^a-z]|$)/.test(decl.childForFieldName('name')?.text ?? '')) return false;
    // A call of Parallel anywhere in it, subtests' literals included (a comment that names it is not one).
    let parallel = false;
    walk(
      decl,
      (node) => {
        if (node.type === 'call_expression' && methodCall(node)?.method === 'Parallel') parallel = true;
        return parallel ? false : undefined;
      },
      false,
    );
    return !parallel;
  };
  const testsReaching = (fn: Node, depth: number): Set<number> | null => {
    const known = testsMemo.get(fn.id);
    if (known !== undefined) return known;
    testsMemo.set(fn.id, null); // a cycle through goroutine starts: unknown
    let out: Set<number> | null = new Set<number>();
    const roots = graph.rootsReaching(fn);
    if (roots.length === 0 || depth > 4) out = null;
    for (const root of roots) {
      if (out === null) break;
      if (root.node.type === 'go_statement') {
        const spawner = enclosingFunction(root.node);
        const inner = spawner === null ? null : testsReaching(spawner, depth + 1);
        if (inner === null) out = null;
        else for (const test of inner) out.add(test);
      } else if (sequentialTest(root.node, root.file)) out.add(root.node.id);
      else out = null;
    }
    testsMemo.set(fn.id, out);
    return out;
  };
  const sequentialTestsOf = (start: GoroutineStart): Set<number> | null =>
    start.spawner === null ? null : testsReaching(start.spawner, 0);
  const reach = new Map<number, GoroutineRun[]>();
  for (const start of starts) {
    // Per function: the locks every path found so far holds (intersection); revisited when it shrinks.
    const heldOn = new Map<number, Set<string>>();
    let frontier: { fn: Node; held: Set<string> }[] = start.entries.map((fn) => ({ fn, held: new Set<string>() }));
    for (let depth = 0; depth <= REACH_DEPTH && frontier.length > 0; depth++) {
      const following: { fn: Node; held: Set<string> }[] = [];
      for (const { fn, held } of frontier) {
        const before = heldOn.get(fn.id);
        let now = held;
        if (before !== undefined) {
          now = new Set([...before].filter((l) => held.has(l)));
          if (now.size === before.size) continue;
        }
        heldOn.set(fn.id, now);
        for (const edge of next(fn)) following.push({ fn: edge.fn, held: new Set([...now, ...edge.held]) });
      }
      frontier = following;
    }
    for (const [id, held] of heldOn) {
      const list = reach.get(id) ?? [];
      list.push({ start, held });
      reach.set(id, list);
    }
  }
  const facts: GoroutineFacts = {
    starts,
    reaching: (fn) => reach.get(fn.id) ?? [],
    inSeparateSequentialTests: (a, b) => {
      const testsOfA = sequentialTestsOf(a);
      const testsOfB = sequentialTestsOf(b);
      if (testsOfA === null || testsOfB === null) return false;
      for (const test of testsOfA) if (testsOfB.has(test)) return false;
      return true;
    },
  };
  cache.set(pkg, facts);
  return facts;
}
