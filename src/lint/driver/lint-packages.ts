// Runs the rules over loaded packages: builds file and package facts once, lets each enabled rule report,
// applies suppression directives and the config's severities, and returns findings sorted by position.
import type { LintFinding, LintResult, Severity, TextEdit, LintSkip } from '../../model.js';
import { createGoParser } from '../load/tree-sitter-go.js';
import type { GoParser, Node, Tree } from '../load/tree-sitter-go.js';
import { parseInWorkers } from '../load/parse-pool.js';
import type { GoModule, GoPackageFiles } from '../load/go-packages.js';
import { goMinor } from '../../source/go-mod.js';
import { buildFileFacts, buildPackageFacts, fileFactsOf } from '../facts/package-facts.js';
import type { FileFacts } from '../facts/package-facts.js';
import { rules as allRules } from './rule-registry.js';
import { DIRECTIVE_RULE, parseDirectives } from './suppressions.js';
import type { Directive } from './suppressions.js';
import type { ReportOptions, Rule } from '../framework/rule.js';

/** Per-file limits, so one huge or pathological file is reported instead of holding up the run. */
export interface LintBudget {
  /** Milliseconds a file may take to parse, and a package's rules may take per file; unlimited when absent. */
  fileTimeoutMs?: number;
}

export interface LintConfig {
  /** Rule name -> "off" or a severity. Rules not named keep their default. */
  rules?: Record<string, Severity | 'off'>;
  /** Only these rules (after `rules` is applied); all when absent. */
  only?: string[];
  /** The Go toolchain the user says builds the code ("1.27.3" or "go1.27.3"): wins over what go.mod says. */
  goToolchain?: string;
  /** The installed Go (`go env GOVERSION` with GOTOOLCHAIN=local), when the CLI found one. */
  installedGo?: string;
}

/**
 * Minor version of the toolchain that builds `module`: the user's setting, else the newer of the installed Go and
 * go.mod's `toolchain` line (with the default GOTOOLCHAIN=auto, go switches to that line when it is newer).
 */
export function toolchainMinor(config: LintConfig, module: GoModule): number | undefined {
  const setting = goMinor(config.goToolchain?.replace(/^go/, ''));
  if (setting !== undefined) return setting;
  const installed = goMinor(config.installedGo?.replace(/^go/, ''));
  const line = goMinor(module.toolchain);
  if (installed === undefined) return line;
  return line === undefined ? installed : Math.max(installed, line);
}

/** Byte column (1-based) of a string offset, like the Go toolchain counts. */
export function byteColumn(file: FileFacts, row: number, offset: number): number {
  const start = file.lineStarts[row] ?? 0;
  return Buffer.byteLength(file.source.slice(start, offset), 'utf8') + 1;
}

function position(file: FileFacts, node: Node): { line: number; column: number; endLine: number; endColumn: number } {
  return {
    line: node.startPosition.row + 1,
    column: byteColumn(file, node.startPosition.row, node.startIndex),
    endLine: node.endPosition.row + 1,
    endColumn: byteColumn(file, node.endPosition.row, node.endIndex),
  };
}

function editFor(file: FileFacts, startOffset: number, endOffset: number, newText: string): TextEdit {
  const startRow = file.tree.pointAt(startOffset).row;
  const endRow = file.tree.pointAt(endOffset).row;
  return {
    file: file.path,
    line: startRow + 1,
    column: byteColumn(file, startRow, startOffset),
    endLine: endRow + 1,
    endColumn: byteColumn(file, endRow, endOffset),
    startOffset,
    endOffset,
    newText,
  };
}

/** The rules to run and their severities; `configured` is set when the user's config chose the severity. */
export function enabledRules(config: LintConfig): { rule: Rule; severity: Severity; configured: boolean }[] {
  const out: { rule: Rule; severity: Severity; configured: boolean }[] = [];
  for (const rule of allRules) {
    const setting = config.rules?.[rule.meta.name];
    if (setting === 'off') continue;
    if (config.only !== undefined && !config.only.includes(rule.meta.name)) continue;
    out.push({ rule, severity: setting ?? rule.meta.severity, configured: setting !== undefined });
  }
  return out;
}

/**
 * Lints one package with an existing parser. Exposed for the rule tester and the worker. `parsed` holds the
 * files' trees when they were parsed elsewhere (parse-pool.ts), in the order of `pkg.files`, null for a file whose
 * parse ran out of time.
 */
export function lintPackage(
  parser: GoParser,
  pkg: GoPackageFiles,
  config: LintConfig = {},
  budget: LintBudget = {},
  parsed?: (Tree | null)[],
): { findings: LintFinding[]; syntaxErrors: string[]; skipped: LintSkip[] } {
  const skipped: LintSkip[] = [];
  const timeout = budget.fileTimeoutMs;
  const files: FileFacts[] = [];
  pkg.files.forEach((file, index) => {
    const facts =
      parsed === undefined
        ? buildFileFacts(
            parser,
            file.path,
            file.source,
            timeout === undefined ? undefined : performance.now() + timeout,
          )
        : fileFactsOrNull(file.path, parsed[index] ?? null);
    if (facts !== null) files.push(facts);
    else
      skipped.push({
        file: file.path,
        reason: 'parse-timeout',
        message: `not linted: parsing took longer than ${seconds(timeout ?? 0)} (--file-timeout)`,
      });
  });
  // The rules see the package as a whole; they get the time budget of its parsed files together.
  const rulesDeadline = timeout === undefined ? Infinity : performance.now() + timeout * Math.max(1, files.length);
  const facts = buildPackageFacts(pkg, files);
  const findings: LintFinding[] = [];
  const enabled = enabledRules(config);
  for (const [index, { rule, severity, configured }] of enabled.entries()) {
    if (performance.now() > rulesDeadline) {
      const notRun = enabled.slice(index).map((entry) => entry.rule.meta.name);
      for (const file of files)
        skipped.push({
          file: file.path,
          reason: 'rules-timeout',
          message:
            `partly linted: the rules took longer than ${seconds(timeout ?? 0)} per file (--file-timeout); ` +
            `not run: ${notRun.join(', ')}`,
        });
      break;
    }
    const only = rule.meta.onlyBeforeGo;
    if (only !== undefined && (facts.goMinor === undefined || facts.goMinor >= only)) continue;
    const beforeToolchain = rule.meta.onlyBeforeToolchain;
    if (beforeToolchain !== undefined && (toolchainMinor(config, pkg.module) ?? 0) >= beforeToolchain) continue;
    const seen = new Set<string>();
    const report = (file: FileFacts, options: ReportOptions): void => {
      const key = `${file.path}:${options.node.startIndex}:${options.message}`;
      if (seen.has(key)) return;
      seen.add(key);
      const finding: LintFinding = {
        rule: rule.meta.name,
        severity: configured ? severity : (options.severity ?? severity),
        file: file.path,
        ...position(file, options.node),
        message: options.message,
        related: (options.related ?? []).map((related) => {
          const relatedFile = related.file ?? file;
          const at = position(relatedFile, related.node);
          return { file: relatedFile.path, line: at.line, column: at.column, message: related.message };
        }),
      };
      if (options.fix) {
        const edits = options.fix.edits?.map((edit) =>
          'node' in edit
            ? editFor(file, edit.node.startIndex, edit.node.endIndex, edit.newText)
            : editFor(file, edit.startOffset, edit.endOffset, edit.newText),
        );
        finding.fix =
          edits === undefined
            ? { description: options.fix.description }
            : { description: options.fix.description, edits };
      }
      findings.push(finding);
    };
    rule.check({ pkg: facts, report });
  }
  const known = new Set(allRules.map((rule) => rule.meta.name));
  const directives: Directive[] = [];
  for (const file of files) directives.push(...parseDirectives(file, known));
  const kept = findings.filter((finding) => {
    for (const directive of directives) {
      if (directive.file !== finding.file || directive.target !== finding.line) continue;
      if (directive.rules.has('*') || directive.rules.has(finding.rule)) {
        directive.used = true;
        return false;
      }
    }
    return true;
  });
  const directiveEnabled =
    config.rules?.[DIRECTIVE_RULE] !== 'off' && (config.only === undefined || config.only.includes(DIRECTIVE_RULE));
  if (directiveEnabled) {
    for (const directive of directives) {
      if (!directive.ours) continue;
      const message =
        directive.problem ?? (directive.used ? undefined : 'suppression directive matches no finding; remove it');
      if (message === undefined) continue;
      kept.push({
        rule: DIRECTIVE_RULE,
        severity: 'warning',
        file: directive.file,
        line: directive.line,
        column: directive.column,
        endLine: directive.line,
        endColumn: directive.column,
        message,
        related: [],
      });
    }
  }
  return {
    findings: kept,
    syntaxErrors: files.filter((file) => file.hasSyntaxError).map((file) => file.path),
    skipped,
  };
}

function fileFactsOrNull(path: string, tree: Tree | null): FileFacts | null {
  return tree === null ? null : fileFactsOf(path, tree);
}

export function sortFindings(findings: LintFinding[]): LintFinding[] {
  return findings.sort((a, b) =>
    a.file < b.file
      ? -1
      : a.file > b.file
        ? 1
        : a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0),
  );
}

export interface LintParseOptions {
  /** Worker threads that parse a large package's files before its rules run here; 1 parses on this thread. */
  parseThreads?: number;
  /** A package this large (in characters) or larger is parsed on the workers; 2 MB by default. */
  parallelParseBytes?: number;
}

/**
 * Lints packages on this thread. The CLI uses lintParallel for many packages; with `parseThreads` above 1, a
 * large package's files are parsed on that many worker threads first.
 */
export async function lintPackages(
  packages: GoPackageFiles[],
  config: LintConfig = {},
  budget: LintBudget = {},
  { parseThreads = 1, parallelParseBytes = 2_000_000 }: LintParseOptions = {},
): Promise<LintResult> {
  const parser = await createGoParser();
  const findings: LintFinding[] = [];
  const syntax: string[] = [];
  const skipped: LintSkip[] = [];
  let files = 0;
  for (const pkg of packages) {
    let size = 0;
    for (const file of pkg.files) size += file.source.length;
    const parsed =
      parseThreads > 1 && size >= parallelParseBytes
        ? await parseInWorkers(
            pkg.files.map((file) => file.source),
            parser.grammar,
            parseThreads,
            budget.fileTimeoutMs,
          )
        : undefined;
    const result = lintPackage(parser, pkg, config, budget, parsed);
    findings.push(...result.findings);
    syntax.push(...result.syntaxErrors);
    skipped.push(...result.skipped);
    files += pkg.files.length;
  }
  return {
    schemaVersion: 1,
    findings: sortFindings(findings),
    files: files - countNotParsed(skipped),
    filesWithSyntaxErrors: syntax,
    packages: packages.length,
    skipped,
  };
}

/** Files that were not analysed at all (a partly linted file still counts as analysed). */
export function countNotParsed(skipped: LintSkip[]): number {
  let count = 0;
  for (const skip of skipped) if (skip.reason === 'parse-timeout') count++;
  return count;
}

export function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}
