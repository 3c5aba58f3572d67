// The lint vocabulary: rule metadata (the one catalogue docs, SARIF and the terminal read from) and findings.
import type { Node } from '../../parse/gosource/treesitter.js';
import type { PackageFacts, FileFacts } from './facts.js';

export type Severity = 'error' | 'warning' | 'info';

/** How a positive case shows itself at run time; the execution test tier proves each non-static one. */
export type RuntimeEffect = 'crash' | 'race' | 'block' | 'static';

export interface RuleMeta {
  /** Stable kebab-case name, also the file name and the testdata folder. */
  name: string;
  title: string;
  severity: Severity;
  /** One sentence for `--help`, SARIF shortDescription and the docs index. */
  summary: string;
  /** Markdown: why it is a bug and what Go does at run time. */
  explanation: string;
  /** Markdown: how to fix it, with Go code. */
  fix: string;
  runtimeEffect: RuntimeEffect;
  /** Markdown: what happens at run time for findings that `runtimeEffect` does not describe. */
  runtimeNote?: string;
  /** The rule applies only to modules whose go.mod `go` line is below this minor version (loop vars: 22). */
  onlyBeforeGo?: number;
}

export interface RelatedLocation {
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface TextEdit {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** JavaScript string offsets into the file's text, for applying the edit. */
  startOffset: number;
  endOffset: number;
  newText: string;
}

export interface LintFix {
  description: string;
  /** Present when the fix is mechanical and safe: `--fix` applies exactly these edits. */
  edits?: TextEdit[];
}

export interface LintFinding {
  rule: string;
  severity: Severity;
  file: string;
  /** 1-based line; columns are 1-based byte columns like the Go toolchain prints. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  related: RelatedLocation[];
  fix?: LintFix;
}

export interface ReportOptions {
  node: Node;
  message: string;
  /**
   * A finding milder than the rule's default (a rule with a crash case and a slow-code case); a severity the
   * user sets for the rule in the config wins over both.
   */
  severity?: Severity;
  related?: { node: Node; message: string; file?: FileFacts }[];
  fix?: {
    description: string;
    edits?: { node: Node; newText: string }[] | { startOffset: number; endOffset: number; newText: string }[];
  };
}

export interface RuleContext {
  pkg: PackageFacts;
  report(file: FileFacts, options: ReportOptions): void;
}

export interface Rule {
  meta: RuleMeta;
  check(context: RuleContext): void;
}

/** A file goroscope did not lint (or not completely), and why; `message` is the line the CLI prints. */
export interface LintSkip {
  file: string;
  /** `rules-timeout`: parsed, but not every rule ran on it; the others were not analysed at all. */
  reason: 'generated' | 'too-large' | 'unreadable' | 'parse-timeout' | 'rules-timeout';
  message: string;
}

/** Per-file limits, so one huge or pathological file is reported instead of holding up the run. */
export interface LintBudget {
  /** Milliseconds a file may take to parse, and a package's rules may take per file; unlimited when absent. */
  fileTimeoutMs?: number;
}

export interface LintResult {
  schemaVersion: 1;
  findings: LintFinding[];
  /** Files analysed, and files whose syntax errors were passed over (the rest of the file is still checked). */
  files: number;
  filesWithSyntaxErrors: string[];
  packages: number;
  /** Files passed over (generated, over the size or time budget, unreadable); they are not in `files`. */
  skipped: LintSkip[];
}
