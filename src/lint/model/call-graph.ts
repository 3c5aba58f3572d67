// The package call graph beyond static calls: an interface method call reaches the package's types that
// implement the interface (never, from non-test code, a type declared in a `_test.go` file); a call of a function
// value reaches what the value can be: a function literal, a package function, a method value (`s.handle`), held
// in a local, a parameter (the arguments at the function's call sites) or a func-typed field (every value
// assigned to that field of that type). Also the goroutine roots of the package (`go` statements, tests, main,
// exported API) and which roots reach each function. Built once per package, lazily.
import type { Node } from '../load/tree-sitter-go.js';
import { callArguments, enclosingFunction, insideLoop, unparen, walk } from '../load/syntax.js';
import type { FileFacts, PackageFacts } from '../facts/package-facts.js';
import { localTypeName, packageModel } from './package-model.js';
import type { FunctionInfo, PackageModel } from './package-model.js';

export interface GoroutineRoot {
  /** The `go` statement, or the entry function's declaration. */
  node: Node;
  file: FileFacts;
  entry: FunctionInfo;
  /** Many goroutines can run it at once: a `go` statement in a loop, or exported API any caller can call. */
  many: boolean;
}

export interface CallGraph {
  model: PackageModel;
  /** The functions a call runs in the calling goroutine (empty when unknown or outside the package). */
  targets(call: Node, file: FileFacts): FunctionInfo[];
  /** The FunctionInfo of any function node: a declaration, a method or a literal. */
  infoOf(fn: Node, file: FileFacts): FunctionInfo;
  roots(): GoroutineRoot[];
  /** The roots whose goroutine can run `fn` (through calls in the same goroutine). */
  rootsReaching(fn: Node): GoroutineRoot[];
  /** The functions a function-valued expression can be (a literal, a function, a method value, what a local holds). */
  values(value: Node, file: FileFacts): FunctionInfo[];
  /** `f()` calling parameter `f` of function `fn`: which function and which parameter; null for any other call. */
  parameterCall(call: Node): { fn: Node; index: number } | null;
}

const graphs = new WeakMap<PackageFacts, CallGraph>();

const MAX_VALUE_DEPTH = 4;

/** A method's signature as written, without names: `(string,...int)(error)`; equal spellings in one package. */
function signature(node: Node): string {
  const list = (part: Node | null): string => {
    if (part === null) return '';
    if (part.type !== 'parameter_list') return part.text.replace(/\s+/g, '');
    const types: string[] = [];
    for (const decl of part.namedChildren) {
      if (decl === null) continue;
      const type = decl.childForFieldName('type')?.text.replace(/\s+/g, '') ?? '';
      const spelled = decl.type === 'variadic_parameter_declaration' ? `...${type}` : type;
      const names = decl.childrenForFieldName('name').length;
      for (let i = 0; i < Math.max(1, names); i++) types.push(spelled);
    }
    return types.join(',');
  };
  return `(${list(node.childForFieldName('parameters'))})(${list(node.childForFieldName('result'))})`;
}

function isTestFile(file: FileFacts): boolean {
  return file.path.endsWith('_test.go');
}

/** Calls in `fn` made by the goroutine running it, deferred ones included (not in literals or go statements). */
function ownCalls(fn: Node): Node[] {
  const body = fn.childForFieldName('body');
  const out: Node[] = [];
  if (body === null) return out;
  walk(body, (node) => {
    if (node.type === 'go_statement') return false;
    if (node.type === 'call_expression') out.push(node);
    return undefined;
  });
  return out;
}

export function callGraph(pkg: PackageFacts): CallGraph {
  const cached = graphs.get(pkg);
  if (cached !== undefined) return cached;
  const model = packageModel(pkg);

  const literals = new Map<number, FunctionInfo>();
  const infoOf = (fn: Node, file: FileFacts): FunctionInfo => {
    const known = model.infoOf(fn) ?? literals.get(fn.id);
    if (known !== undefined) return known;
    const info: FunctionInfo = {
      node: fn,
      file,
      name: `func literal at line ${fn.startPosition.row + 1}`,
      receiverType: undefined,
      receiverName: undefined,
    };
    literals.set(fn.id, info);
    return info;
  };

  // Method names per type and interface method names per local interface type.
  const methodNames = new Map<string, Set<string>>();
  for (const key of model.methods.keys()) {
    const dot = key.indexOf('.');
    const type = key.slice(0, dot);
    let names = methodNames.get(type);
    if (names === undefined) methodNames.set(type, (names = new Set()));
    names.add(key.slice(dot + 1));
  }
  /** Interface method name -> signature. */
  const interfaceMethods = (name: string, depth = 0): Map<string, string> | null => {
    const type = pkg.namedTypes.get(name);
    if (type?.type !== 'interface_type' || depth > 4) return null;
    const out = new Map<string, string>();
    for (const elem of type.namedChildren) {
      if (elem === null) continue;
      if (elem.type === 'method_elem' || elem.type === 'method_spec') {
        const method = elem.childForFieldName('name')?.text;
        if (method !== undefined) out.set(method, signature(elem));
      } else if (elem.type === 'type_elem' || elem.type === 'constraint_elem') {
        // An embedded local interface adds its methods; one from another package cannot be checked by name.
        const inner = elem.namedChild(0);
        const local = inner === null ? null : localTypeName(inner);
        const methods = local === null ? null : interfaceMethods(local, depth + 1);
        for (const [m, sig] of methods ?? []) out.set(m, sig);
      }
    }
    return out;
  };
  const implementations = new Map<string, FunctionInfo[]>();
  const implementationsOf = (iface: string, method: string, from: FileFacts): FunctionInfo[] => {
    const key = `${iface}.${method}`;
    let all = implementations.get(key);
    if (all === undefined) {
      all = [];
      const wanted = interfaceMethods(iface);
      if (wanted?.has(method) === true)
        for (const [type, names] of methodNames) {
          // Every method of the interface, with the same signature as written (names alone match unrelated types).
          const same = (m: string, sig: string): boolean => {
            const declared = names.has(m) ? model.methods.get(`${type}.${m}`) : undefined;
            return declared !== undefined && signature(declared.node) === sig;
          };
          if (![...wanted].every(([m, sig]) => same(m, sig))) continue;
          const impl = model.methods.get(`${type}.${method}`);
          if (impl !== undefined) all.push(impl);
        }
      implementations.set(key, all);
    }
    // Production code never runs a test double: a type declared in a _test.go file is not linked into it.
    if (isTestFile(from)) return all;
    return all.filter(
      (impl) => !isTestFile(impl.file) && !isTestFile(pkg.structs.get(impl.receiverType ?? '')?.file ?? impl.file),
    );
  };

  /** Whether field `field` of local type `owner` has a function type (`func()`, or a local named func type). */
  const funcField = (owner: string, field: string): boolean => {
    const declared = model.fieldType(owner, field);
    if (declared === null) return false;
    if (declared.type.type === 'function_type') return true;
    const local = localTypeName(declared.type);
    return local !== null && pkg.namedTypes.get(local)?.type === 'function_type';
  };

  // Values assigned to func-typed fields, by `T.f`: `x.f = v` and `T{f: v}` anywhere in the package.
  let fieldValues: Map<string, { value: Node; file: FileFacts }[]> | null = null;
  const valuesOfField = (owner: string, field: string): { value: Node; file: FileFacts }[] => {
    if (fieldValues === null) {
      const index = new Map<string, { value: Node; file: FileFacts }[]>();
      const add = (key: string, value: Node, file: FileFacts): void => {
        const list = index.get(key) ?? [];
        list.push({ value, file });
        index.set(key, list);
      };
      for (const file of pkg.files) {
        for (const assignment of file.nodes('assignment_statement')) {
          const left = assignment.childForFieldName('left')?.namedChildren ?? [];
          const right = assignment.childForFieldName('right')?.namedChildren ?? [];
          if (left.length !== right.length) continue;
          left.forEach((target, i) => {
            const value = right[i];
            if (target?.type !== 'selector_expression' || value === null || value === undefined) return;
            const operand = target.childForFieldName('operand');
            const name = target.childForFieldName('field')?.text;
            const type = operand === null ? null : model.typeOf(operand, file);
            if (type !== null && name !== undefined) add(`${type}.${name}`, value, file);
          });
        }
        for (const literal of file.nodes('composite_literal')) {
          const type = localTypeName(literal.childForFieldName('type'));
          if (type === null) continue;
          for (const element of literal.childForFieldName('body')?.namedChildren ?? []) {
            if (element?.type !== 'keyed_element') continue;
            const key = element.namedChild(0);
            const value = element.namedChild(1);
            const keyName = key?.type === 'literal_element' ? key.namedChild(0) : key;
            const valueNode = value?.type === 'literal_element' ? value.namedChild(0) : value;
            if (keyName?.type === 'identifier' || keyName?.type === 'field_identifier')
              if (valueNode !== null && valueNode !== undefined) add(`${type}.${keyName.text}`, valueNode, file);
          }
        }
      }
      fieldValues = index;
    }
    return fieldValues.get(`${owner}.${field}`) ?? [];
  };

  /** The package's implementations an interface method call `x.m()` can reach. */
  const interfaceTargets = (call: Node, file: FileFacts): FunctionInfo[] => {
    const f = call.childForFieldName('function');
    if (f?.type !== 'selector_expression') return [];
    const operand = f.childForFieldName('operand');
    const name = f.childForFieldName('field')?.text;
    const owner = operand === null ? null : model.typeOf(operand, file);
    if (owner === null || name === undefined || pkg.namedTypes.get(owner)?.type !== 'interface_type') return [];
    const out = implementationsOf(owner, name, file);
    // `w.inner.m()` in a type that wraps another implementation of the interface it implements itself (a
    // decorator) calls the wrapped value, not the wrapper.
    const holder = operand?.type === 'selector_expression' ? operand.childForFieldName('operand') : null;
    const wrapper = holder === null || holder === undefined ? null : model.typeOf(holder, file);
    return wrapper === null ? out : out.filter((impl) => impl.receiverType !== wrapper);
  };

  // Static and interface call sites per callee, for parameters of function type.
  let callSites: Map<number, { call: Node; file: FileFacts }[]> | null = null;
  const callSitesOf = (fn: Node): { call: Node; file: FileFacts }[] => {
    if (callSites === null) {
      const index = new Map<number, { call: Node; file: FileFacts }[]>();
      for (const file of pkg.files)
        for (const call of file.nodes('call_expression')) {
          // Static and interface calls only: a function value's own targets would need this index again.
          const direct = model.callee(call, file);
          for (const target of direct !== null ? [direct] : interfaceTargets(call, file)) {
            const list = index.get(target.node.id) ?? [];
            list.push({ call, file });
            index.set(target.node.id, list);
          }
        }
      callSites = index;
    }
    return callSites.get(fn.id) ?? [];
  };

  /** The declaration of identifier `name` seen from `at`: a parameter (with its index) or a local's value. */
  type Declaration = { kind: 'parameter'; fn: Node; index: number } | { kind: 'value'; value: Node } | null;
  // Per function: each name's parameter or first local declaration, found in one walk of the body.
  const declarationsByFunction = new Map<number, Map<string, Declaration>>();
  const declarationsIn = (fn: Node): Map<string, Declaration> => {
    const known = declarationsByFunction.get(fn.id);
    if (known !== undefined) return known;
    const names = new Map<string, Declaration>();
    let index = 0;
    for (const decl of fn.childForFieldName('parameters')?.namedChildren ?? []) {
      if (decl?.type !== 'parameter_declaration' && decl?.type !== 'variadic_parameter_declaration') continue;
      const declared = decl.childrenForFieldName('name');
      if (declared.length === 0) index++;
      for (const n of declared)
        if (n !== null && !names.has(n.text)) names.set(n.text, { kind: 'parameter', fn, index: index++ });
    }
    const body = fn.childForFieldName('body');
    if (body !== null)
      walk(body, (inner) => {
        if (inner.type !== 'short_var_declaration' && inner.type !== 'var_spec') return undefined;
        const left =
          inner.type === 'var_spec'
            ? inner.childrenForFieldName('name')
            : (inner.childForFieldName('left')?.namedChildren ?? []);
        const right =
          inner.type === 'var_spec'
            ? (inner.childForFieldName('value')?.namedChildren ?? [])
            : (inner.childForFieldName('right')?.namedChildren ?? []);
        left.forEach((n, i) => {
          if (n === null || names.has(n.text)) return;
          const value = left.length === right.length ? right[i] : undefined;
          names.set(n.text, value === undefined || value === null ? null : { kind: 'value', value });
        });
        return undefined;
      });
    declarationsByFunction.set(fn.id, names);
    return names;
  };
  const declarationOf = (name: string, at: Node): Declaration => {
    for (let fn = enclosingFunction(at); fn !== null; fn = enclosingFunction(fn)) {
      const found = declarationsIn(fn).get(name);
      if (found !== undefined) return found;
    }
    return null;
  };

  /** The functions a function-valued expression can be. */
  const valueTargets = (value: Node, file: FileFacts, depth: number): FunctionInfo[] => {
    if (depth > MAX_VALUE_DEPTH) return [];
    const v = unparen(value);
    if (v.type === 'func_literal') return [infoOf(v, file)];
    if (v.type === 'identifier') {
      const decl = declarationOf(v.text, v);
      if (decl === null) {
        const fn = model.functions.get(v.text);
        return fn === undefined ? [] : [fn];
      }
      if (decl.kind === 'value') return valueTargets(decl.value, file, depth + 1);
      const out: FunctionInfo[] = [];
      for (const site of callSitesOf(decl.fn)) {
        const arg = callArguments(site.call)[decl.index];
        if (arg !== undefined) out.push(...valueTargets(arg, site.file, depth + 1));
      }
      return out;
    }
    if (v.type === 'call_expression') {
      // A conversion to a named function type: `HandlerFunc(f)`.
      const fn = v.childForFieldName('function');
      const args = callArguments(v);
      const only = args.length === 1 ? args[0] : undefined;
      if (fn?.type === 'identifier' && only !== undefined && pkg.namedTypes.get(fn.text)?.type === 'function_type')
        return valueTargets(only, file, depth + 1);
      return [];
    }
    if (v.type === 'selector_expression') {
      const operand = v.childForFieldName('operand');
      const name = v.childForFieldName('field')?.text;
      const owner = operand === null ? null : model.typeOf(operand, file);
      if (owner === null || name === undefined) return [];
      const method = model.methods.get(`${owner}.${name}`);
      if (method !== undefined) return [method];
      if (!funcField(owner, name)) return [];
      const out: FunctionInfo[] = [];
      for (const assigned of valuesOfField(owner, name))
        out.push(...valueTargets(assigned.value, assigned.file, depth + 1));
      return out;
    }
    return [];
  };

  const targetCache = new Map<number, FunctionInfo[]>();
  const targets = (call: Node, file: FileFacts): FunctionInfo[] => {
    const known = targetCache.get(call.id);
    if (known !== undefined) return known;
    let out: FunctionInfo[] = [];
    const direct = model.callee(call, file);
    const fn = call.childForFieldName('function');
    if (direct !== null) out = [direct];
    else if (fn !== null) {
      const f = unparen(fn);
      if (f.type === 'func_literal') out = [infoOf(f, file)];
      else if (f.type === 'identifier') out = valueTargets(f, file, 0);
      else if (f.type === 'selector_expression') {
        const operand = f.childForFieldName('operand');
        const name = f.childForFieldName('field')?.text;
        const owner = operand === null ? null : model.typeOf(operand, file);
        if (owner !== null && name !== undefined) {
          if (pkg.namedTypes.get(owner)?.type === 'interface_type') out = interfaceTargets(call, file);
          else if (funcField(owner, name)) out = valueTargets(f, file, 0);
        }
      }
    }
    // A test double never runs in production code, whichever way the call reaches it.
    if (!isTestFile(file)) out = out.filter((target) => !isTestFile(target.file));
    const unique = [...new Map(out.map((t) => [t.node.id, t])).values()];
    targetCache.set(call.id, unique);
    return unique;
  };

  let rootList: GoroutineRoot[] | null = null;
  const roots = (): GoroutineRoot[] => {
    if (rootList !== null) return rootList;
    const list: GoroutineRoot[] = [];
    for (const file of pkg.files) {
      for (const statement of file.nodes('go_statement')) {
        const call = statement.namedChild(0);
        if (call?.type !== 'call_expression') continue;
        const enclosing = enclosingFunction(statement);
        const many = enclosing !== null && insideLoop(statement, enclosing);
        for (const entry of targets(call, file)) list.push({ node: statement, file, entry, many });
      }
      for (const decl of [...file.nodes('function_declaration'), ...file.nodes('method_declaration')]) {
        const info = model.infoOf(decl);
        if (info === undefined) continue;
        const test = isTestFile(file);
        const exported = /^[A-Z]/.test(info.name) && !test;
        const entry = test
          ? /^(Test|Benchmark|Fuzz)/.test(info.name)
          : info.name === 'main' && info.receiverType === undefined;
        if (exported || entry) list.push({ node: decl, file, entry: info, many: exported });
      }
    }
    rootList = list;
    return list;
  };

  // Reverse call edges within one goroutine, built once; a query walks up from the function to the roots, so
  // the cost follows the callers of the few functions asked about, not every root times everything it reaches.
  let callersOf: Map<number, Node[]> | null = null;
  const reverse = (): Map<number, Node[]> => {
    if (callersOf !== null) return callersOf;
    const index = new Map<number, Node[]>();
    for (const file of pkg.files)
      for (const fn of file.functions())
        for (const call of ownCalls(fn))
          for (const target of targets(call, file)) {
            const list = index.get(target.node.id) ?? [];
            list.push(fn);
            index.set(target.node.id, list);
          }
    callersOf = index;
    return index;
  };
  let rootsByEntry: Map<number, GoroutineRoot[]> | null = null;
  const reachMemo = new Map<number, GoroutineRoot[]>();
  const rootsReaching = (fn: Node): GoroutineRoot[] => {
    const known = reachMemo.get(fn.id);
    if (known !== undefined) return known;
    if (rootsByEntry === null) {
      rootsByEntry = new Map();
      for (const root of roots()) {
        const list = rootsByEntry.get(root.entry.node.id) ?? [];
        list.push(root);
        rootsByEntry.set(root.entry.node.id, list);
      }
    }
    const index = reverse();
    const out: GoroutineRoot[] = [];
    const seen = new Set<number>();
    const stack: Node[] = [fn];
    while (stack.length > 0) {
      const current = stack.pop();
      if (current === undefined || seen.has(current.id)) continue;
      seen.add(current.id);
      out.push(...(rootsByEntry.get(current.id) ?? []));
      stack.push(...(index.get(current.id) ?? []));
    }
    reachMemo.set(fn.id, out);
    return out;
  };

  const parameterCall = (call: Node): { fn: Node; index: number } | null => {
    const f = call.childForFieldName('function');
    const callee = f === null ? null : unparen(f);
    if (callee?.type !== 'identifier') return null;
    const decl = declarationOf(callee.text, callee);
    return decl?.kind === 'parameter' ? { fn: decl.fn, index: decl.index } : null;
  };

  const graph: CallGraph = {
    model,
    targets,
    infoOf,
    roots,
    rootsReaching,
    values: (value, file) => valueTargets(value, file, 0),
    parameterCall,
  };
  graphs.set(pkg, graph);
  return graph;
}
