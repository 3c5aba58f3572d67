// A small package model without a type checker: which function or method a call reaches, and the local type of
// an expression where declarations say it (receivers, parameters, typed vars, `&T{}`, `T{}`, `new(T)`, the
// declared result of a package function, struct fields). Built once per package and shared by the facts.
import type { Node } from '../load/tree-sitter-go.js';
import { enclosingFunction, unparen, walk } from '../load/syntax.js';
import type { FileFacts, PackageFacts } from '../facts/package-facts.js';

export interface FunctionInfo {
  node: Node;
  file: FileFacts;
  name: string;
  /** Receiver type name for methods (`T` for `func (s *T) m()`), undefined for functions. */
  receiverType: string | undefined;
  /** Receiver identifier (`s`), undefined when unnamed or for functions. */
  receiverName: string | undefined;
}

export interface PackageModel {
  pkg: PackageFacts;
  functions: Map<string, FunctionInfo>;
  /** `T.m` -> method declaration. */
  methods: Map<string, FunctionInfo>;
  infoOf(fn: Node): FunctionInfo | undefined;
  /** The local named type of an expression (`T` for a `*T` value), or null when the declarations do not say. */
  typeOf(expr: Node, file: FileFacts): string | null;
  /** The function or method a call reaches in this package, or null (interface calls, other packages, values). */
  callee(call: Node, file: FileFacts): FunctionInfo | null;
  /** The declared type node of field `field` of local struct `typeName` (also promoted through embedding). */
  fieldType(typeName: string, field: string): { type: Node; file: FileFacts } | null;
  /** The calls in the package that `callee` resolves to `fn`, in source order per file (indexed once). */
  callers(fn: Node): readonly CallSite[];
}

export interface CallSite {
  call: Node;
  file: FileFacts;
}

const models = new WeakMap<PackageFacts, PackageModel>();

/** How deep type inference follows declarations, fields and calls (each level is one step of an expression). */
const MAX_DEPTH = 12;

/** The local type name behind a type node: `T`, `*T`, `T[int]`; null for other packages' and literal types. */
export function localTypeName(type: Node | null): string | null {
  if (type === null) return null;
  if (type.type === 'pointer_type' || type.type === 'parenthesized_type') return localTypeName(type.namedChild(0));
  if (type.type === 'type_identifier') return type.text;
  if (type.type === 'generic_type') return localTypeName(type.childForFieldName('type'));
  return null;
}

export function packageModel(pkg: PackageFacts): PackageModel {
  const cached = models.get(pkg);
  if (cached !== undefined) return cached;
  const functions = new Map<string, FunctionInfo>();
  const methods = new Map<string, FunctionInfo>();
  const byNode = new Map<number, FunctionInfo>();
  const packageVars = new Map<string, { spec: Node; file: FileFacts }>();
  for (const file of pkg.files) {
    for (const node of file.nodes('function_declaration')) {
      const name = node.childForFieldName('name')?.text;
      if (name === undefined) continue;
      const info: FunctionInfo = { node, file, name, receiverType: undefined, receiverName: undefined };
      functions.set(name, info);
      byNode.set(node.id, info);
    }
    for (const node of file.nodes('method_declaration')) {
      const name = node.childForFieldName('name')?.text;
      const receiver = node
        .childForFieldName('receiver')
        ?.namedChildren.find((c) => c?.type === 'parameter_declaration');
      if (name === undefined || receiver === undefined || receiver === null) continue;
      const receiverType = localTypeName(receiver.childForFieldName('type'));
      if (receiverType === null) continue;
      const info: FunctionInfo = {
        node,
        file,
        name,
        receiverType,
        receiverName: receiver.childForFieldName('name')?.text,
      };
      methods.set(`${receiverType}.${name}`, info);
      byNode.set(node.id, info);
    }
    for (const spec of file.nodes('var_spec'))
      if (enclosingFunction(spec) === null)
        for (const name of spec.childrenForFieldName('name'))
          if (name !== null) packageVars.set(name.text, { spec, file });
  }

  const fieldType = (typeName: string, field: string, depth = 0): { type: Node; file: FileFacts } | null => {
    const info = pkg.structs.get(typeName);
    if (info === undefined || depth > 3) return null;
    for (const f of info.fields) if (f.name === field) return { type: f.type, file: info.file };
    for (const f of info.fields) {
      if (!f.embedded) continue;
      const inner = localTypeName(f.type);
      const found = inner === null ? null : fieldType(inner, field, depth + 1);
      if (found !== null) return found;
    }
    return null;
  };

  /** The type a value expression has, from how it is built. */
  const typeOfValue = (value: Node, file: FileFacts, depth: number): string | null => {
    const v = unparen(value);
    if (v.type === 'unary_expression' && v.text.startsWith('&')) {
      const operand = v.childForFieldName('operand');
      return operand === null ? null : typeOfValue(operand, file, depth);
    }
    if (v.type === 'composite_literal') return localTypeName(v.childForFieldName('type'));
    if (v.type === 'call_expression') {
      const fn = v.childForFieldName('function');
      if (fn?.type === 'identifier' && fn.text === 'new') {
        const arg = v.childForFieldName('arguments')?.namedChild(0) ?? null;
        return localTypeName(arg);
      }
      const target = callee(v, file, depth + 1);
      if (target !== null) {
        const result = target.node.childForFieldName('result');
        if (result !== null && result.type !== 'parameter_list') return localTypeName(result);
        const only = result?.namedChildren.filter((c) => c?.type === 'parameter_declaration') ?? [];
        if (only.length === 1) return localTypeName(only[0]?.childForFieldName('type') ?? null);
      }
      return null;
    }
    return typeOf(v, file, depth + 1);
  };

  /** Per function: each name's first declaration (receiver, parameter, var, short declaration, range). */
  const declarations = new Map<number, Map<string, Node>>();
  const declarationsOf = (fn: Node): Map<string, Node> => {
    const known = declarations.get(fn.id);
    if (known !== undefined) return known;
    const names = new Map<string, Node>();
    const add = (name: Node | null | undefined, decl: Node): void => {
      if (name !== null && name !== undefined && !names.has(name.text)) names.set(name.text, decl);
    };
    const visit = (inner: Node): boolean | void => {
      if (inner.type === 'func_literal') return false;
      if (inner.type === 'parameter_declaration' || inner.type === 'var_spec')
        for (const name of inner.childrenForFieldName('name')) add(name, inner);
      else if (inner.type === 'short_var_declaration' || inner.type === 'range_clause')
        for (const name of inner.childForFieldName('left')?.namedChildren ?? []) add(name, inner);
      return undefined;
    };
    for (const field of ['receiver', 'parameters', 'body']) {
      const part = fn.childForFieldName(field);
      if (part !== null) walk(part, visit);
    }
    declarations.set(fn.id, names);
    return names;
  };

  /** Declared type of identifier `name` seen from `at`: enclosing functions' receivers, parameters and locals. */
  const identifierType = (name: string, at: Node, file: FileFacts, depth: number): string | null => {
    if (depth > MAX_DEPTH) return null;
    for (let fn = enclosingFunction(at); fn !== null; fn = enclosingFunction(fn)) {
      const decl = declarationsOf(fn).get(name);
      if (decl === undefined) continue;
      if (decl.type === 'parameter_declaration' || decl.type === 'var_spec') {
        const type = decl.childForFieldName('type');
        const value = decl.childForFieldName('value')?.namedChild(0) ?? null;
        return type !== null ? localTypeName(type) : value !== null ? typeOfValue(value, file, depth + 1) : null;
      }
      if (decl.type === 'short_var_declaration') {
        const left = decl.childForFieldName('left')?.namedChildren ?? [];
        const right = decl.childForFieldName('right')?.namedChildren ?? [];
        const index = left.findIndex((n) => n?.text === name);
        // `v, ok := m[k]` types v as the map's element.
        const commaOk = index === 0 && right.length === 1 && right[0]?.type === 'index_expression';
        const only = right.length === 1 ? right[0] : null;
        if (left.length > 1 && only?.type === 'call_expression') {
          // `a, b := f()` types each name by f's declared results.
          const target = callee(only, file, depth + 1);
          const results = target?.node.childForFieldName('result');
          if (results?.type === 'parameter_list') {
            const types: (Node | null)[] = [];
            for (const decl of results.namedChildren) {
              if (decl?.type !== 'parameter_declaration') continue;
              const count = Math.max(1, decl.childrenForFieldName('name').length);
              for (let i = 0; i < count; i++) types.push(decl.childForFieldName('type'));
            }
            if (types.length === left.length) return localTypeName(types[index] ?? null);
          }
        }
        const value = left.length === right.length ? right[index] : commaOk ? right[0] : null;
        return value === null || value === undefined ? null : typeOfValue(value, file, depth + 1);
      }
      return null;
    }
    const global = packageVars.get(name);
    if (global === undefined) return null;
    const type = global.spec.childForFieldName('type');
    if (type !== null) return localTypeName(type);
    const value = global.spec.childForFieldName('value')?.namedChild(0) ?? null;
    return value === null ? null : typeOfValue(value, global.file, depth + 1);
  };

  /** Field `field` of a type written as a node: an anonymous struct's own field, or a named type's. */
  const fieldOfTypeNode = (type: Node, field: string): Node | null => {
    const t = type.type === 'pointer_type' || type.type === 'parenthesized_type' ? type.namedChild(0) : type;
    if (t === null) return null;
    if (t.type === 'struct_type') {
      const list = t.namedChildren.find((c) => c?.type === 'field_declaration_list');
      for (const decl of list?.namedChildren ?? [])
        if (
          decl?.type === 'field_declaration' &&
          decl.namedChildren.some((c) => c?.type === 'field_identifier' && c.text === field)
        )
          return decl.childForFieldName('type');
      return null;
    }
    const local = localTypeName(t);
    return local === null ? null : (fieldType(local, field)?.type ?? null);
  };

  /** The element type of a map, slice or array type node (through a local named type such as `type Pages []*Page`). */
  const elementOf = (type: Node | null, depth = 0): Node | null => {
    if (type === null || depth > 3) return null;
    if (type.type === 'map_type') return type.childForFieldName('value');
    if (type.type === 'slice_type' || type.type === 'array_type') return type.childForFieldName('element');
    const local = localTypeName(type);
    return local === null || type.type === 'pointer_type'
      ? null
      : elementOf(pkg.namedTypes.get(local) ?? null, depth + 1);
  };

  /** The declared type node of a field selector or index expression, when declarations say it. */
  const typeNodeOf = (expr: Node, file: FileFacts, depth: number): Node | null => {
    if (depth > MAX_DEPTH) return null;
    const e = unparen(expr);
    if (e.type === 'selector_expression') {
      const operand = e.childForFieldName('operand');
      const field = e.childForFieldName('field')?.text;
      if (operand === null || field === undefined) return null;
      const owner = typeOf(operand, file, depth + 1);
      if (owner !== null) return fieldType(owner, field)?.type ?? null;
      const ownerNode = typeNodeOf(operand, file, depth + 1);
      return ownerNode === null ? null : fieldOfTypeNode(ownerNode, field);
    }
    if (e.type === 'index_expression') {
      const operand = e.childForFieldName('operand');
      return operand === null ? null : elementOf(typeNodeOf(operand, file, depth + 1));
    }
    if (e.type === 'identifier')
      for (let fn = enclosingFunction(e); fn !== null; fn = enclosingFunction(fn)) {
        const decl = declarationsOf(fn).get(e.text);
        if (decl === undefined) continue;
        return decl.type === 'parameter_declaration' || decl.type === 'var_spec'
          ? decl.childForFieldName('type')
          : null;
      }
    return null;
  };

  const typeOf = (expr: Node, file: FileFacts, depth = 0): string | null => {
    if (depth > MAX_DEPTH) return null;
    const e = unparen(expr);
    if (e.type === 'identifier') return identifierType(e.text, e, file, depth);
    if (e.type === 'selector_expression' || e.type === 'index_expression')
      return localTypeName(typeNodeOf(e, file, depth + 1));
    if (e.type === 'unary_expression' && e.text.startsWith('*')) {
      const operand = e.childForFieldName('operand');
      return operand === null ? null : typeOf(operand, file, depth + 1);
    }
    return null;
  };

  const callee = (call: Node, file: FileFacts, depth = 0): FunctionInfo | null => {
    if (depth > 6) return null;
    const fn = call.childForFieldName('function');
    if (fn === null) return null;
    const target = unparen(fn);
    if (target.type === 'identifier') return functions.get(target.text) ?? null;
    if (target.type !== 'selector_expression') return null;
    const operand = target.childForFieldName('operand');
    const name = target.childForFieldName('field')?.text;
    if (operand === null || name === undefined) return null;
    // A package-qualified call (`fmt.Println`) is never a method of ours.
    if (
      operand.type === 'identifier' &&
      file.imports.has(operand.text) &&
      identifierType(operand.text, operand, file, depth + 1) === null
    )
      return null;
    const type = typeOf(operand, file, depth + 1);
    if (type === null) return null;
    const direct = methods.get(`${type}.${name}`);
    if (direct !== undefined) return direct;
    // Promoted through an embedded field.
    const info = pkg.structs.get(type);
    for (const f of info?.fields ?? []) {
      if (!f.embedded) continue;
      const inner = localTypeName(f.type);
      const promoted = inner === null ? undefined : methods.get(`${inner}.${name}`);
      if (promoted !== undefined) return promoted;
    }
    return null;
  };

  const calleeCache = new Map<number, FunctionInfo | null>();
  const cachedCallee = (call: Node, file: FileFacts): FunctionInfo | null => {
    const known = calleeCache.get(call.id);
    if (known !== undefined) return known;
    const target = callee(call, file);
    calleeCache.set(call.id, target);
    return target;
  };
  // Every call resolved once: finding a function's callers by scanning all calls per function is quadratic.
  let callersIndex: Map<number, CallSite[]> | null = null;
  const callers = (fn: Node): readonly CallSite[] => {
    if (callersIndex === null) {
      const index = new Map<number, CallSite[]>();
      const methodNames = new Set<string>();
      for (const info of methods.values()) methodNames.add(info.name);
      for (const file of pkg.files)
        for (const call of file.nodes('call_expression')) {
          const target = call.childForFieldName('function');
          const inner = target === null ? null : unparen(target);
          const name =
            inner?.type === 'identifier'
              ? inner.text
              : inner?.type === 'selector_expression'
                ? inner.childForFieldName('field')?.text
                : undefined;
          if (name === undefined || (!functions.has(name) && !methodNames.has(name))) continue;
          const info = cachedCallee(call, file);
          if (info === null) continue;
          const list = index.get(info.node.id) ?? [];
          list.push({ call, file });
          index.set(info.node.id, list);
        }
      callersIndex = index;
    }
    return callersIndex.get(fn.id) ?? [];
  };

  const typeCache = new Map<number, string | null>();
  const model: PackageModel = {
    pkg,
    functions,
    methods,
    infoOf: (fn) => byNode.get(fn.id),
    typeOf: (expr, file) => {
      const known = typeCache.get(expr.id);
      if (known !== undefined) return known;
      const type = typeOf(expr, file);
      typeCache.set(expr.id, type);
      return type;
    },
    callee: cachedCallee,
    fieldType: (typeName, field) => fieldType(typeName, field),
    callers,
  };
  models.set(pkg, model);
  return model;
}
