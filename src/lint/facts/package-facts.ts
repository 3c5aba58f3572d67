// Facts built once per file and per package and shared by every rule: the tree, imports under any alias,
// struct types and their fields, which named types hold a lock by value, and per-type node lists picked by
// compiled queries (filter first, then walk).
import { relative, sep } from 'node:path';
import type { GoParser, Node, Tree } from '../load/tree-sitter-go.js';
import { goMinor } from '../../source/go-mod.js';
import type { GoPackageFiles } from '../load/go-packages.js';

export interface FileFacts {
  path: string;
  source: string;
  tree: Tree;
  root: Node;
  packageName: string;
  /** Local import name -> import path ("sync" -> "sync", "s" -> "sync" for `import s "sync"`). */
  imports: Map<string, string>;
  hasSyntaxError: boolean;
  /** All nodes of one type, in source order; kept for the indexed types, found afresh for the others. */
  nodes(type: string): Node[];
  /** Every function of the file: declarations, then methods, then literals (each in source order). */
  functions(): Node[];
  /** Start offset of each line (0-based index), for positions and fixes. */
  lineStarts: number[];
}

export interface FieldInfo {
  name: string;
  type: Node;
  embedded: boolean;
  /** Embedded through a pointer (`*T`): tree-sitter keeps the star outside the type node. */
  pointer: boolean;
  tag: string | undefined;
  node: Node;
}

export interface StructInfo {
  name: string;
  node: Node;
  fields: FieldInfo[];
  file: FileFacts;
}

export interface PackageFacts {
  dir: string;
  /** Import path: the module path and the directory below it (the standard library's module is `std`: none). */
  importPath: string;
  files: FileFacts[];
  /** Minor version from go.mod (22 for `go 1.22`); undefined when unknown. */
  goMinor: number | undefined;
  structs: Map<string, StructInfo>;
  /** Local type names whose values hold a sync lock (directly, embedded, in arrays or nested structs). */
  lockTypes: Set<string>;
  /** Type declarations that are aliases or defined from other types: name -> type node. */
  namedTypes: Map<string, Node>;
  /** Whether `typeNode` (as written in `file`) is a type that must not be copied; returns its description. */
  lockTypeName(typeNode: Node | null, file: FileFacts): string | null;
}

const SYNC_NO_COPY = new Set(['Mutex', 'RWMutex', 'WaitGroup', 'Once', 'Cond', 'Map', 'Pool']);
const ATOMIC_NO_COPY = new Set(['Int32', 'Int64', 'Uint32', 'Uint64', 'Uintptr', 'Bool', 'Pointer']);

function stringLiteralValue(node: Node): string {
  return node.text.slice(1, -1);
}

/**
 * Node types the rules ask for. One pass over the tree's type array fills every list, instead of one pass per
 * type.
 */
const INDEXED_TYPES = [
  'assignment_statement',
  'call_expression',
  'comment',
  'composite_literal',
  'const_spec',
  'dec_statement',
  'defer_statement',
  'field_declaration',
  'func_literal',
  'function_declaration',
  'go_statement',
  'import_spec',
  'inc_statement',
  'keyed_element',
  'method_declaration',
  'parameter_declaration',
  'range_clause',
  'receive_statement',
  'send_statement',
  'short_var_declaration',
  'type_alias',
  'type_spec',
  'unary_expression',
  'var_spec',
  'variadic_parameter_declaration',
];
const INDEXED = new Set(INDEXED_TYPES);

export function buildFileFacts(parser: GoParser, path: string, source: string): FileFacts;
export function buildFileFacts(parser: GoParser, path: string, source: string, deadline?: number): FileFacts | null;
/** The facts of one file; null when parsing was still running at `deadline` (a performance.now() time). */
export function buildFileFacts(parser: GoParser, path: string, source: string, deadline?: number): FileFacts | null {
  const tree = deadline === undefined ? parser.parse(source) : parser.parseUntil(source, deadline);
  if (tree === null) return null;
  return fileFactsOf(path, tree);
}

/** The facts of one parsed file. */
export function fileFactsOf(path: string, tree: Tree): FileFacts {
  const root = tree.rootNode;
  const cache = new Map<string, Node[]>();
  const fillIndex = (): void => {
    for (const type of INDEXED_TYPES) cache.set(type, []);
    for (const node of tree.nodesOfTypes(INDEXED_TYPES)) cache.get(node.type)?.push(node);
  };
  const facts: FileFacts = {
    path,
    source: tree.source,
    tree,
    root,
    packageName: '',
    imports: new Map(),
    hasSyntaxError: tree.hasError,
    lineStarts: tree.lineStarts,
    functions(): Node[] {
      return [
        ...facts.nodes('function_declaration'),
        ...facts.nodes('method_declaration'),
        ...facts.nodes('func_literal'),
      ];
    },
    nodes(type: string): Node[] {
      let list = cache.get(type);
      if (list === undefined && INDEXED.has(type)) {
        fillIndex();
        list = cache.get(type);
      }
      // Other types (identifiers, selectors: the most numerous nodes) are found afresh on each call.
      if (list === undefined) return tree.nodesOfTypes([type]);
      return list;
    },
  };
  for (const child of root.namedChildren) {
    if (child === null) continue;
    if (child.type === 'package_clause') facts.packageName = child.namedChild(0)?.text ?? '';
    if (child.type !== 'import_declaration') continue;
    for (const spec of facts.nodes('import_spec')) {
      const pathNode = spec.childForFieldName('path');
      if (pathNode === null) continue;
      const importPath = stringLiteralValue(pathNode);
      const nameNode = spec.childForFieldName('name');
      const local =
        nameNode?.text ??
        importPath
          .slice(importPath.lastIndexOf('/') + 1)
          .replace(/^go-/, '')
          .replace(/\.v\d+$/, '');
      facts.imports.set(local, importPath);
    }
    break;
  }
  return facts;
}

/** A qualified type `pkg.Name` resolved through the file's imports: ["sync", "Mutex"]. */
export function qualifiedType(typeNode: Node, file: FileFacts): [string, string] | null {
  if (typeNode.type !== 'qualified_type') return null;
  const pkg = typeNode.childForFieldName('package');
  const name = typeNode.childForFieldName('name');
  if (pkg === null || name === null) return null;
  const path = file.imports.get(pkg.text);
  return path === undefined ? null : [path, name.text];
}

/** The base name of a (generic) local type: `T`, `T[int]` -> "T". */
function localTypeName(typeNode: Node): string | null {
  if (typeNode.type === 'type_identifier') return typeNode.text;
  if (typeNode.type === 'generic_type') {
    const inner = typeNode.childForFieldName('type');
    return inner !== null && inner.type === 'type_identifier' ? inner.text : null;
  }
  return null;
}

/** `*T` embedded: the star is an anonymous child of the field declaration. */
function embeddedPointer(decl: Node): boolean {
  return decl.child(0)?.type === '*';
}

function structFields(structType: Node): Node[] {
  const list = structType.namedChildren.find((child) => child !== null && child.type === 'field_declaration_list');
  if (!list) return [];
  const out: Node[] = [];
  for (const child of list.namedChildren) if (child !== null && child.type === 'field_declaration') out.push(child);
  return out;
}

export function buildPackageFacts(pkg: GoPackageFiles, files: FileFacts[]): PackageFacts {
  const structs = new Map<string, StructInfo>();
  const namedTypes = new Map<string, Node>();
  const typeFile = new Map<string, FileFacts>();
  for (const file of files) {
    for (const spec of file.nodes('type_spec')) {
      // Only package-level types: a local type in a function may shadow a package-level one.
      if (spec.parent?.parent?.type !== 'source_file') continue;
      const name = spec.childForFieldName('name')?.text;
      const type = spec.childForFieldName('type');
      if (name === undefined || type === null) continue;
      typeFile.set(name, file);
      if (type.type === 'struct_type') {
        const fields: FieldInfo[] = [];
        for (const decl of structFields(type)) {
          const fieldType = decl.childForFieldName('type');
          if (fieldType === null) continue;
          const tag = decl.childForFieldName('tag')?.text;
          const names = decl.namedChildren.filter((child) => child !== null && child.type === 'field_identifier');
          if (names.length === 0) {
            // Embedded: `sync.Mutex`, `*T`, `T`.
            const base = fieldType.type === 'pointer_type' ? fieldType.namedChild(0) : fieldType;
            const name =
              base === null
                ? ''
                : base.type === 'qualified_type'
                  ? (base.childForFieldName('name')?.text ?? '')
                  : base.text;
            fields.push({ name, type: fieldType, embedded: true, pointer: embeddedPointer(decl), tag, node: decl });
          } else {
            for (const fieldName of names)
              if (fieldName !== null)
                fields.push({
                  name: fieldName.text,
                  type: fieldType,
                  embedded: false,
                  pointer: false,
                  tag,
                  node: decl,
                });
          }
        }
        structs.set(name, { name, node: spec, fields, file });
      } else {
        namedTypes.set(name, type);
      }
    }
    for (const alias of file.nodes('type_alias')) {
      if (alias.parent?.parent?.type !== 'source_file') continue;
      const name = alias.childForFieldName('name')?.text;
      const type = alias.childForFieldName('type');
      if (name !== undefined && type !== null) {
        namedTypes.set(name, type);
        typeFile.set(name, file);
      }
    }
  }

  const lockTypes = new Set<string>();
  const lockOf = (typeNode: Node | null, file: FileFacts, visiting: Set<string>): string | null => {
    if (typeNode === null) return null;
    if (typeNode.type === 'parenthesized_type') return lockOf(typeNode.namedChild(0), file, visiting);
    if (typeNode.type === 'array_type') return lockOf(typeNode.childForFieldName('element'), file, visiting);
    const qualified = qualifiedType(typeNode, file);
    if (qualified !== null) {
      const [path, name] = qualified;
      if (path === 'sync' && SYNC_NO_COPY.has(name)) return `sync.${name}`;
      if (path === 'sync/atomic' && ATOMIC_NO_COPY.has(name)) return `atomic.${name}`;
      return null;
    }
    if (typeNode.type === 'struct_type') {
      for (const decl of structFields(typeNode)) {
        if (embeddedPointer(decl)) continue;
        const inner = lockOf(decl.childForFieldName('type'), file, visiting);
        if (inner !== null) return inner;
      }
      return null;
    }
    const local = localTypeName(typeNode);
    if (local === null || visiting.has(local)) return null;
    visiting.add(local);
    try {
      const info = structs.get(local);
      if (info) {
        for (const field of info.fields) {
          if (!field.pointer && lockOf(field.type, info.file, visiting) !== null) return local;
        }
        return null;
      }
      const named = namedTypes.get(local);
      const namedFile = typeFile.get(local);
      if (named !== undefined && namedFile !== undefined && lockOf(named, namedFile, visiting) !== null) return local;
      return null;
    } finally {
      visiting.delete(local);
    }
  };
  for (const [name, info] of structs)
    if (lockOf(info.node.childForFieldName('type'), info.file, new Set()) !== null) lockTypes.add(name);
  for (const [name, type] of namedTypes) {
    const file = typeFile.get(name);
    if (file !== undefined && lockOf(type, file, new Set([name])) !== null) lockTypes.add(name);
  }

  const below = relative(pkg.module.dir, pkg.dir).split(sep).join('/');
  const importPath =
    pkg.module.path === 'std' || pkg.module.path === ''
      ? below
      : below === ''
        ? pkg.module.path
        : `${pkg.module.path}/${below}`;
  return {
    dir: pkg.dir,
    importPath,
    files,
    goMinor: goMinor(pkg.module.goVersion),
    structs,
    lockTypes,
    namedTypes,
    lockTypeName(typeNode: Node | null, file: FileFacts): string | null {
      // Local named types were settled above; only literal types need the walk.
      const local = typeNode === null ? null : localTypeName(typeNode);
      if (local !== null) return lockTypes.has(local) ? local : null;
      return lockOf(typeNode, file, new Set());
    },
  };
}
