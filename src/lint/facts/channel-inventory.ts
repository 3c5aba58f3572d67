// The channels of a package and every operation on them: per allocation site of a local channel, per struct field
// holding a channel (owner type + field) and per package variable, the sends, receives (plain, `range`, `select`
// cases) and closes, the capacity of each `make`, following assignments to locals, getters and returns one level up
// to the callers, one level of parameters and closures. A channel that reaches code this package cannot see (an
// exported field, function or getter of an importable package, a call outside the package, a store into another
// value) is marked as escaping, with the reason: its inventory may be incomplete and a rule must not count on it.
import type { Node } from '../load/tree-sitter-go.js';
import { FUNCTION_TYPES, callArguments, enclosingFunction, unparen, walk } from '../load/syntax.js';
import type { FileFacts, PackageFacts } from './package-facts.js';
import { type FunctionInfo, localTypeName, packageModel } from '../model/package-model.js';

export type ChannelOpKind = 'send' | 'receive' | 'range' | 'close';

export interface ChannelOp {
  kind: ChannelOpKind;
  /** send_statement, `<-x` unary_expression, range_clause, or the close call. */
  node: Node;
  file: FileFacts;
  /** The innermost function (declaration or literal) the operation is written in. */
  fn: Node | null;
  /** The select statement when the operation is one of its cases. */
  select: Node | null;
  /** The `go` statement that runs the operation in a new goroutine: around it, or calling its function. */
  startedBy: Node | null;
}

export interface ChannelMake {
  node: Node;
  file: FileFacts;
  /** The buffer size when it is a constant (0 for unbuffered), null otherwise. */
  capacity: number | null;
}

export interface ChannelInfo {
  /** `site:<file>:<offset>`, `field:T.f` or `var:name`. */
  key: string;
  kind: 'local' | 'field' | 'var';
  /** As a reader knows it: `ch`, `T.f`, `name`. */
  name: string;
  makes: ChannelMake[];
  ops: ChannelOp[];
  /** Why the inventory may miss operations (the channel reaches code we cannot follow), or null. */
  escape: string | null;
}

export interface ChannelInventory {
  channels: ChannelInfo[];
  /** The channel an operation node belongs to. */
  channelOf(op: Node): ChannelInfo | undefined;
  /**
   * Whether `op` can run many times in one goroutine: in a loop, or in a function called in a loop (one level; for
   * a local channel, by the calls its maker makes when there are any).
   */
  repeats(op: ChannelOp, channel?: ChannelInfo): boolean;
}

const inventories = new WeakMap<PackageFacts, ChannelInventory>();

/** Whether code outside the package can call or reach exported names: not a `main` or test-only package. */
function importable(pkg: PackageFacts): boolean {
  const first = pkg.files[0];
  if (first === undefined || first.packageName === 'main') return false;
  return pkg.files.some((file) => !file.path.endsWith('_test.go'));
}

function exported(name: string): boolean {
  const first = name.charCodeAt(0);
  return first >= 65 && first <= 90;
}

/** Integer value of a constant expression: a literal, or a package constant set to one. */
export function constantValue(node: Node | null | undefined, pkg: PackageFacts, depth = 0): number | null {
  if (node === null || node === undefined) return null;
  const inner = unparen(node);
  if (inner.type === 'int_literal') return Number.parseInt(inner.text.replaceAll('_', ''), 0) || Number(inner.text);
  if (inner.type === 'binary_expression') {
    const left = constantValue(inner.childForFieldName('left'), pkg, depth + 1);
    const right = constantValue(inner.childForFieldName('right'), pkg, depth + 1);
    const operator = inner.childForFieldName('operator')?.text;
    if (left === null || right === null) return null;
    if (operator === '+') return left + right;
    if (operator === '-') return left - right;
    if (operator === '*') return left * right;
    return null;
  }
  if (inner.type !== 'identifier') return null;
  let constants = packageConstants.get(pkg);
  if (constants === undefined) {
    constants = new Map();
    for (const file of pkg.files)
      for (const spec of file.nodes('const_spec')) {
        if (enclosingFunction(spec) !== null) continue;
        const values = spec.childForFieldName('value')?.namedChildren ?? [];
        spec.childrenForFieldName('name').forEach((name, index) => {
          const value = values[index];
          if (name !== null && value !== null && value !== undefined) constants?.set(name.text, value);
        });
      }
    packageConstants.set(pkg, constants);
  }
  const value = constants.get(inner.text);
  return value === undefined || depth > 8 ? null : constantValue(value, pkg, depth + 1);
}

const packageConstants = new WeakMap<PackageFacts, Map<string, Node>>();

/** `make(chan T)`, `make(chan T, n)`: the capacity (null when not constant); undefined when not a channel make. */
function channelMake(value: Node, pkg: PackageFacts): { capacity: number | null } | undefined {
  const inner = unparen(value);
  if (inner.type !== 'call_expression' || inner.childForFieldName('function')?.text !== 'make') return undefined;
  const args = callArguments(inner);
  if (args[0]?.type !== 'channel_type') return undefined;
  return { capacity: args.length === 1 ? 0 : constantValue(args[1], pkg) };
}

/** The parent of an expression, skipping parentheses. */
function outerParent(node: Node): { expr: Node; parent: Node | null } {
  let expr = node;
  while (expr.parent?.type === 'parenthesized_expression') expr = expr.parent;
  return { expr, parent: expr.parent };
}

/** The select statement an operation node is a case of. */
function selectOf(op: Node): Node | null {
  let communication: Node | null = op;
  if (op.parent?.type === 'receive_statement') communication = op.parent;
  const clause = communication.parent;
  if (clause?.type !== 'communication_case') return null;
  if (clause.childForFieldName('communication')?.id !== communication.id) return null;
  return clause.parent;
}

/** The go statement that starts the innermost function literal around `node`, if any. */
function literalGoStatement(node: Node): Node | null {
  const fn = enclosingFunction(node);
  if (fn?.type !== 'func_literal') return null;
  const call = fn.parent;
  if (call?.type !== 'call_expression' || call.childForFieldName('function')?.id !== fn.id) return null;
  return call.parent?.type === 'go_statement' ? call.parent : null;
}

/** Names each function declares itself (parameters, receiver, locals): they shadow package names. */
const declaredNames = new WeakMap<Node, Set<string>>();
function declaresLocally(fn: Node, name: string): boolean {
  let names = declaredNames.get(fn);
  if (names === undefined) {
    const found = new Set<string>();
    for (const field of ['receiver', 'parameters', 'result'])
      for (const decl of fn.childForFieldName(field)?.namedChildren ?? [])
        for (const id of decl?.childrenForFieldName('name') ?? []) if (id !== null) found.add(id.text);
    const body = fn.childForFieldName('body');
    if (body !== null)
      walk(body, (node) => {
        if (node.type === 'short_var_declaration' || node.type === 'range_clause') {
          for (const id of node.childForFieldName('left')?.namedChildren ?? []) if (id !== null) found.add(id.text);
        } else if (node.type === 'var_spec' || node.type === 'const_spec') {
          for (const id of node.childrenForFieldName('name')) if (id !== null) found.add(id.text);
        }
        return undefined;
      });
    names = found;
    declaredNames.set(fn, names);
  }
  return names.has(name);
}

/** Identifiers naming local `name` in `scope` (nested literals included, unless they declare the name again). */
function localReferences(scope: Node, name: string, skip: Node | null): Node[] {
  const out: Node[] = [];
  walk(
    scope,
    (node) => {
      if (skip !== null && node.id === skip.id) return false;
      if (node.type === 'func_literal' && declaresLocally(node, name)) return false;
      if (node.type === 'identifier' && node.text === name) {
        // A key of a composite literal names a field, not the variable.
        if (node.parent?.type === 'literal_element' && node.parent.parent?.type === 'keyed_element') {
          if (node.parent.parent.childForFieldName('key')?.id === node.parent.id) return false;
          if (node.parent.parent.namedChild(0)?.id === node.parent.id) return false;
        }
        out.push(node);
      }
      return undefined;
    },
    false,
  );
  return out;
}

export function channelInventory(pkg: PackageFacts): ChannelInventory {
  const cached = inventories.get(pkg);
  if (cached !== undefined) return cached;
  const model = packageModel(pkg);
  const canImport = importable(pkg);
  const channels: ChannelInfo[] = [];
  const byOp = new Map<number, ChannelInfo>();

  /** Identifiers spelled `name` in the package, found by text first (cheaper than a query over every identifier). */
  const identifiersNamed = (name: string): { id: Node; file: FileFacts }[] => {
    const out: { id: Node; file: FileFacts }[] = [];
    const pattern = new RegExp(`\\b${name}\\b`, 'g');
    for (const file of pkg.files)
      for (const match of file.source.matchAll(pattern)) {
        const node = file.root.descendantForIndex(match.index, match.index + name.length);
        if (node?.type === 'identifier' && node.text === name) out.push({ id: node, file });
      }
    return out;
  };

  // Callers of each package function, built on first need.
  let callersIndex: Map<string, { call: Node; file: FileFacts }[]> | null = null;
  const callsNamed = (name: string): { call: Node; file: FileFacts }[] => {
    if (callersIndex === null) {
      // Calls by the name they call (`f(...)`, `x.f(...)`); each is resolved only when that name is asked about.
      callersIndex = new Map();
      for (const file of pkg.files)
        for (const call of file.nodes('call_expression')) {
          const target = unparen(call.childForFieldName('function') ?? call);
          const name =
            target.type === 'identifier'
              ? target.text
              : target.type === 'selector_expression'
                ? target.childForFieldName('field')?.text
                : undefined;
          if (name === undefined) continue;
          const list = callersIndex.get(name) ?? [];
          list.push({ call, file });
          callersIndex.set(name, list);
        }
    }
    return callersIndex.get(name) ?? [];
  };
  const callersOf = (fn: Node): { call: Node; file: FileFacts }[] => {
    const name = fn.childForFieldName('name')?.text;
    if (name === undefined) return [];
    return callsNamed(name).filter(({ call, file }) => resolveCallee(call, file)?.node.id === fn.id);
  };

  /** Whether some call `x.name(...)` in the package reaches a method we cannot resolve (an interface, a value). */
  const unresolvedNames = new Map<string, boolean>();
  const calledThroughUnknown = (name: string): boolean => {
    const known = unresolvedNames.get(name);
    if (known !== undefined) return known;
    let found = false;
    for (const { call, file } of callsNamed(name)) {
      const fn = call.childForFieldName('function');
      if (fn?.type !== 'selector_expression') continue;
      const operand = fn.childForFieldName('operand');
      if (operand?.type === 'identifier' && file.imports.has(operand.text) && model.typeOf(operand, file) === null)
        continue;
      if (resolveCallee(call, file) === null) {
        found = true;
        break;
      }
    }
    unresolvedNames.set(name, found);
    return found;
  };

  /** The local type of an expression, also through calls (their declared result) and type assertions. */
  const typeOfExpr = (expr: Node, file: FileFacts, depth = 0): string | null => {
    if (depth > 5) return null;
    const e = unparen(expr);
    if (e.type === 'type_assertion_expression') return localTypeName(e.childForFieldName('type'));
    if (e.type === 'call_expression') {
      const target = resolveCallee(e, file, depth + 1);
      const result = target?.node.childForFieldName('result') ?? null;
      if (result === null) return null;
      if (result.type !== 'parameter_list') return localTypeName(result);
      const only = result.namedChildren.filter((c) => c?.type === 'parameter_declaration');
      return only.length === 1 ? localTypeName(only[0]?.childForFieldName('type') ?? null) : null;
    }
    if (e.type === 'selector_expression') {
      const known = model.typeOf(e, file);
      if (known !== null) return known;
      const operand = e.childForFieldName('operand');
      const field = e.childForFieldName('field')?.text;
      if (operand === null || field === undefined) return null;
      const owner = typeOfExpr(operand, file, depth + 1);
      const found = owner === null ? null : model.fieldType(owner, field);
      return found === null ? null : localTypeName(found.type);
    }
    return model.typeOf(e, file);
  };

  const resolveCallee = (call: Node, file: FileFacts, depth = 0): FunctionInfo | null => {
    const direct = model.callee(call, file);
    if (direct !== null || depth > 5) return direct;
    const fn = call.childForFieldName('function');
    if (fn?.type !== 'selector_expression') return null;
    const operand = fn.childForFieldName('operand');
    const name = fn.childForFieldName('field')?.text;
    if (operand === null || name === undefined || unparen(operand).type === 'identifier') return null;
    const type = typeOfExpr(operand, file, depth + 1);
    return type === null ? null : (model.methods.get(`${type}.${name}`) ?? null);
  };

  /** The struct declaring channel field `field` reached from type `owner` (directly or through embedding). */
  const declaringStruct = (owner: string, field: string, depth = 0): string | null => {
    const info = pkg.structs.get(owner);
    if (info === undefined || depth > 3) return null;
    if (info.fields.some((f) => f.name === field && !f.embedded)) return owner;
    for (const f of info.fields) {
      const inner = f.embedded ? localTypeName(f.type) : null;
      const found = inner === null ? null : declaringStruct(inner, field, depth + 1);
      if (found !== null) return found;
    }
    return null;
  };

  /** Channel fields by name -> declaring types. */
  const channelFields = new Map<string, string[]>();
  for (const [typeName, info] of pkg.structs)
    for (const field of info.fields)
      if (!field.embedded && field.type.type === 'channel_type') {
        const list = channelFields.get(field.name) ?? [];
        list.push(typeName);
        channelFields.set(field.name, list);
      }

  /**
   * Records what the expression `ref` (the channel itself) does where it stands: an operation, a harmless use,
   * a flow to follow (a local it is assigned to, a parameter, a caller of the returning function) or an escape.
   */
  const classify = (
    info: ChannelInfo,
    ref: Node,
    file: FileFacts,
    depth: number,
    startedBy: Node | null,
    seen: Set<number>,
  ): void => {
    if (info.escape !== null || seen.has(ref.id)) return;
    seen.add(ref.id);
    const escape = (why: string): void => {
      if (info.escape === null) info.escape = `${why} (line ${ref.startPosition.row + 1} of ${file.path})`;
    };
    const op = (kind: ChannelOpKind, node: Node): void => {
      const fn = enclosingFunction(node);
      info.ops.push({ kind, node, file, fn, select: selectOf(node), startedBy: literalGoStatement(node) ?? startedBy });
      byOp.set(node.id, info);
    };
    const { expr, parent } = outerParent(ref);
    if (parent === null) return escape('used at package level');
    switch (parent.type) {
      case 'send_statement':
        if (parent.childForFieldName('channel')?.id === expr.id) return op('send', parent);
        return escape('sent on another channel');
      case 'unary_expression':
        if (parent.text.startsWith('<-')) return op('receive', parent);
        return escape('its address is taken');
      case 'range_clause':
        if (parent.childForFieldName('right')?.id === expr.id) return op('range', parent);
        return;
      case 'binary_expression':
        return; // compared with nil
      case 'selector_expression':
        return; // a field of a channel does not exist; a method value on it would not compile
      case 'expression_statement':
        return;
      case 'argument_list': {
        const call = parent.parent;
        if (call === null) return escape('passed along');
        const name = call.childForFieldName('function')?.text;
        if (name === 'close') return op('close', call);
        if (name === 'len' || name === 'cap') return;
        if (depth >= 2) return escape('passed on too deep to follow');
        const literal = unparen(call.childForFieldName('function') ?? call);
        const resolved = resolveCallee(call, file);
        const target =
          literal.type === 'func_literal'
            ? { node: literal, file, name: 'the function literal' }
            : resolved === null
              ? null
              : { node: resolved.node, file: resolved.file, name: resolved.name };
        if (target === null) return escape(`passed to ${name ?? 'a call'}, outside what the package shows`);
        const index = callArguments(call).findIndex((c) => c.id === expr.id);
        const param = parameterAt(target.node, index);
        if (param === null) return escape(`passed to ${target.name} through a variadic or unnamed parameter`);
        const go = call.parent?.type === 'go_statement' ? call.parent : startedBy;
        const body = target.node.childForFieldName('body');
        if (body === null) return escape(`passed to ${target.name}, which has no body`);
        for (const use of localReferences(body, param, null)) classify(info, use, target.file, depth + 1, go, seen);
        return;
      }
      case 'expression_list': {
        const statement = parent.parent;
        if (statement?.type === 'return_statement') return followReturn(info, ref, file, depth, startedBy, seen);
        if (
          (statement?.type === 'short_var_declaration' || statement?.type === 'assignment_statement') &&
          statement.childForFieldName('right')?.id === parent.id
        ) {
          const left = statement.childForFieldName('left')?.namedChildren ?? [];
          const index = parent.namedChildren.findIndex((c) => c?.id === expr.id);
          const target = left.length === parent.namedChildren.length ? left[index] : undefined;
          if (target === undefined || target === null) return escape('assigned');
          if (target.type === 'identifier' && target.text === '_') return;
          if (target.type !== 'identifier') return escape(`stored in ${target.text}`);
          if (depth >= 2) return escape('assigned on too deep to follow');
          const fn = enclosingFunction(statement);
          if (fn === null) return escape('assigned at package level');
          // Another name for the same channel in this function (and its closures).
          for (const use of localReferences(fn, target.text, statement))
            classify(info, use, file, depth + 1, startedBy, seen);
          return;
        }
        if (statement?.type === 'assignment_statement' && statement.childForFieldName('left')?.id === parent.id) {
          // Written: another make of the same channel, nil, or a channel from elsewhere.
          const right = statement.childForFieldName('right')?.namedChildren ?? [];
          const index = parent.namedChildren.findIndex((c) => c?.id === expr.id);
          const value = right.length === parent.namedChildren.length ? right[index] : undefined;
          if (value === undefined || value === null) return escape('assigned from a call');
          return recordWrite(info, value, file);
        }
        if (statement?.type === 'short_var_declaration') return; // declared here: the make recorded it
        return escape('listed');
      }
      case 'return_statement':
        return followReturn(info, ref, file, depth, startedBy, seen);
      case 'short_var_declaration':
      case 'assignment_statement':
      case 'var_spec':
        return;
      case 'literal_element':
        return escape('stored in a composite literal');
      case 'communication_case':
        return;
      default:
        return escape(`used in a ${parent.type.replaceAll('_', ' ')}`);
    }
  };

  const recordWrite = (info: ChannelInfo, value: Node, file: FileFacts): void => {
    const made = channelMake(value, pkg);
    if (made !== undefined) {
      if (!info.makes.some((m) => m.node.id === value.id)) info.makes.push({ node: value, file, ...made });
      return;
    }
    if (unparen(value).text === 'nil') return;
    if (info.escape === null)
      info.escape = `set from ${value.text} (line ${value.startPosition.row + 1} of ${file.path})`;
  };

  /** A returned channel: its uses at each caller in the package, when no caller outside can exist. */
  const followReturn = (
    info: ChannelInfo,
    ref: Node,
    file: FileFacts,
    depth: number,
    startedBy: Node | null,
    seen: Set<number>,
  ): void => {
    const fn = enclosingFunction(ref);
    const fnInfo = fn === null ? undefined : model.infoOf(fn);
    if (fn === null || fnInfo === undefined) {
      if (info.escape === null) info.escape = `returned by a function literal (line ${ref.startPosition.row + 1})`;
      return;
    }
    if (canImport && exported(fnInfo.name)) {
      if (info.escape === null) info.escape = `returned by exported ${fnInfo.name}`;
      return;
    }
    const results = fn.childForFieldName('result');
    if (results?.type === 'parameter_list' && results.namedChildren.filter((c) => c !== null).length > 1) {
      if (info.escape === null) info.escape = `returned by ${fnInfo.name} among other results`;
      return;
    }
    if (depth >= 2) {
      if (info.escape === null) info.escape = `returned by ${fnInfo.name}, too deep to follow`;
      return;
    }
    if (fnInfo.receiverType !== undefined && calledThroughUnknown(fnInfo.name)) {
      if (info.escape === null)
        info.escape = `returned by method ${fnInfo.name}, which may be called through an interface`;
      return;
    }
    for (const { call, file: callerFile } of callersOf(fn)) {
      const { parent } = outerParent(call);
      // A discarded result (`f()` as a statement, or `go f()`) has nobody receiving from it.
      if (parent?.type === 'expression_statement' || parent?.type === 'go_statement') continue;
      classify(info, call, callerFile, depth + 1, startedBy, seen);
    }
    if (model.functions.get(fnInfo.name) !== undefined && fnInfo.receiverType === undefined) {
      // A function value (`f` passed around, not called) could be called from anywhere.
      for (const { id } of identifiersNamed(fnInfo.name))
        if (
          id.text === fnInfo.name &&
          id.parent?.type !== 'call_expression' &&
          id.id !== fn.childForFieldName('name')?.id
        )
          if (info.escape === null) info.escape = `${fnInfo.name} is used as a value`;
    }
  };

  // Local channels: one per `make` assigned to a new or existing local name.
  for (const file of pkg.files) {
    for (const type of ['short_var_declaration', 'var_spec', 'assignment_statement'])
      for (const statement of file.nodes(type)) {
        if (!statement.text.includes('make(')) continue;
        const fn = enclosingFunction(statement);
        if (fn === null) continue;
        const names =
          statement.type === 'var_spec'
            ? statement.childrenForFieldName('name')
            : (statement.childForFieldName('left')?.namedChildren ?? []);
        const values =
          statement.type === 'var_spec'
            ? (statement.childForFieldName('value')?.namedChildren ?? [])
            : (statement.childForFieldName('right')?.namedChildren ?? []);
        if (names.length !== values.length) continue;
        names.forEach((name, index) => {
          const value = values[index];
          if (name === null || value === null || value === undefined || name.type !== 'identifier') return;
          const made = channelMake(value, pkg);
          if (made === undefined) return;
          // `x = make(...)` of a name no enclosing function declares sets a package variable.
          if (statement.type === 'assignment_statement') {
            let local = false;
            for (let outer: Node | null = fn; outer !== null && !local; outer = enclosingFunction(outer))
              local = declaresLocally(outer, name.text);
            if (!local) return;
          }
          const info: ChannelInfo = {
            key: `site:${file.path}:${value.startIndex}`,
            kind: 'local',
            name: name.text,
            makes: [{ node: value, file, ...made }],
            ops: [],
            escape: null,
          };
          channels.push(info);
          const seen = new Set<number>();
          // Uses after this make, up to the next assignment of the name (which starts another channel).
          for (const use of localReferences(fn, name.text, statement)) {
            if (use.startIndex < statement.endIndex) continue;
            classify(info, use, file, 0, null, seen);
          }
        });
      }
  }

  // Struct fields: every selector naming a channel field, attributed to the declaring type.
  const fieldInfos = new Map<string, ChannelInfo>();
  const fieldInfo = (owner: string, field: string): ChannelInfo => {
    const key = `field:${owner}.${field}`;
    let info = fieldInfos.get(key);
    if (info === undefined) {
      info = { key, kind: 'field', name: `${owner}.${field}`, makes: [], ops: [], escape: null };
      if (canImport && exported(field)) info.escape = `${field} is an exported field`;
      fieldInfos.set(key, info);
      channels.push(info);
    }
    return info;
  };
  for (const [field, owners] of channelFields) for (const owner of owners) fieldInfo(owner, field);
  // Selectors naming a channel field, found by text first (one pattern for every name) instead of a query.
  const fieldPattern =
    channelFields.size === 0 ? null : new RegExp(`\\.\\s*(${[...channelFields.keys()].join('|')})\\b`, 'g');
  const selectorsIn = (file: FileFacts): Node[] => {
    const out: Node[] = [];
    if (fieldPattern === null) return out;
    for (const match of file.source.matchAll(fieldPattern)) {
      const name = match[1] ?? '';
      const start = match.index + match[0].length - name.length;
      const node = file.root.descendantForIndex(start, start + name.length);
      if (node?.type === 'field_identifier' && node.parent?.type === 'selector_expression') out.push(node.parent);
    }
    return out;
  };
  for (const file of pkg.files) {
    for (const selector of selectorsIn(file)) {
      const field = selector.childForFieldName('field')?.text;
      const owners = field === undefined ? undefined : channelFields.get(field);
      if (field === undefined || owners === undefined) continue;
      const operand = selector.childForFieldName('operand');
      if (operand === null) continue;
      if (operand.type === 'identifier' && file.imports.has(operand.text) && model.typeOf(operand, file) === null) {
        // An imported package's name, unless a function around declares the same name.
        let local = false;
        for (let fn = enclosingFunction(operand); fn !== null && !local; fn = enclosingFunction(fn))
          local = declaresLocally(fn, operand.text);
        if (!local) continue;
      }
      const type = typeOfExpr(operand, file);
      let owner = type === null ? null : declaringStruct(type, field);
      if (type !== null && owner === null) continue; // a field of another type with the same name
      if (owner === null) {
        if (owners.length !== 1) {
          // Which type's field this is, the declarations do not say: each candidate may miss an operation.
          for (const candidate of owners) {
            const info = fieldInfo(candidate, field);
            if (info.escape === null)
              info.escape = `${selector.text} could not be tied to a type (line ${selector.startPosition.row + 1})`;
          }
          continue;
        }
        owner = owners[0] ?? null;
      }
      if (owner === null) continue;
      classify(fieldInfo(owner, field), selector, file, 0, null, new Set());
    }
    for (const keyed of file.nodes('keyed_element')) {
      const key = keyed.namedChild(0);
      const value = keyed.namedChild(1);
      const field = key?.namedChild(0)?.text ?? key?.text;
      const owners = field === undefined ? undefined : channelFields.get(field);
      if (owners === undefined || field === undefined || value === null) continue;
      const literal = keyed.parent?.parent;
      const type = literal?.type === 'composite_literal' ? localTypeName(literal.childForFieldName('type')) : null;
      if (type === null || !owners.includes(type)) continue;
      recordWrite(fieldInfo(type, field), value.namedChild(0) ?? value, file);
    }
    // Positional struct literals set every field, channels included, from whatever is listed.
    for (const literal of file.nodes('composite_literal')) {
      const type = localTypeName(literal.childForFieldName('type'));
      const info = type === null ? undefined : pkg.structs.get(type);
      if (type === null || info === undefined) continue;
      const elements = literal.childForFieldName('body')?.namedChildren ?? [];
      if (!elements.some((e) => e?.type === 'literal_element')) continue;
      info.fields.forEach((f, index) => {
        const element = elements[index];
        if (f.type.type !== 'channel_type' || element === null || element === undefined) return;
        recordWrite(fieldInfo(type, f.name), element.namedChild(0) ?? element, file);
      });
    }
  }

  // Package variables holding a channel.
  for (const file of pkg.files)
    for (const spec of file.nodes('var_spec')) {
      if (enclosingFunction(spec) !== null) continue;
      const typeNode = spec.childForFieldName('type');
      const values = spec.childForFieldName('value')?.namedChildren ?? [];
      spec.childrenForFieldName('name').forEach((name, index) => {
        if (name === null) return;
        const value = values[index];
        const made = value === null || value === undefined ? undefined : channelMake(value, pkg);
        if (made === undefined && typeNode?.type !== 'channel_type') return;
        const info: ChannelInfo = {
          key: `var:${name.text}`,
          kind: 'var',
          name: name.text,
          makes: made === undefined || value === null || value === undefined ? [] : [{ node: value, file, ...made }],
          ops: [],
          escape: canImport && exported(name.text) ? `${name.text} is an exported variable` : null,
        };
        channels.push(info);
        const seen = new Set<number>();
        for (const { id, file: other } of identifiersNamed(name.text)) {
          if (id.id === name.id) continue;
          let shadowed = false;
          for (let fn = enclosingFunction(id); fn !== null && !shadowed; fn = enclosingFunction(fn))
            if (declaresLocally(fn, name.text)) shadowed = true;
          if (!shadowed && enclosingFunction(id) !== null) classify(info, id, other, 0, null, seen);
        }
      });
    }

  const inLoop = (node: Node, fn: Node | null): boolean => {
    for (let current = node.parent; current !== null && current.id !== fn?.id; current = current.parent) {
      if (current.type === 'for_statement') return true;
      if (FUNCTION_TYPES.has(current.type)) return false;
    }
    return false;
  };
  const repeats = (op: ChannelOp, channel?: ChannelInfo): boolean => {
    if (inLoop(op.node, op.fn)) return true;
    if (op.fn === null || op.fn.type === 'func_literal') return false;
    // A local channel reaches the function through the calls its maker makes: only those calls count (the same
    // function called in a loop elsewhere sends on other channels).
    const maker = channel?.kind === 'local' ? enclosingFunction(channel.makes[0]?.node ?? op.node) : null;
    const all = callersOf(op.fn);
    const own =
      maker === null || maker.id === op.fn.id
        ? all
        : all.filter(({ call }) => call.startIndex >= maker.startIndex && call.endIndex <= maker.endIndex);
    // A plain call in a loop (a `go` statement in a loop starts a new goroutine per send instead).
    return (own.length > 0 ? own : all).some(
      ({ call }) => call.parent?.type !== 'go_statement' && inLoop(call, enclosingFunction(call)),
    );
  };
  const inventory: ChannelInventory = { channels, channelOf: (op) => byOp.get(op.id), repeats };
  inventories.set(pkg, inventory);
  return inventory;
}

/** The name of parameter `index` of a function; null for variadic, unnamed or missing ones. */
function parameterAt(fn: Node, index: number): string | null {
  let position = 0;
  for (const decl of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (decl === null) continue;
    if (decl.type === 'variadic_parameter_declaration') return null;
    if (decl.type !== 'parameter_declaration') continue;
    const names = decl.childrenForFieldName('name');
    if (names.length === 0) {
      if (position === index) return null;
      position++;
      continue;
    }
    for (const name of names) {
      if (position === index) return name?.text ?? null;
      position++;
    }
  }
  return null;
}

/** Whether `node` sits in a function literal or declaration nested in `fn` (another function's code). */
export function inNestedFunction(node: Node, fn: Node): boolean {
  for (let current = node.parent; current !== null && current.id !== fn.id; current = current.parent)
    if (FUNCTION_TYPES.has(current.type)) return true;
  return false;
}
