// What a rule is and how it reports. The metadata and findings it produces are plain data in ../../model.ts.
import type { Node } from '../load/tree-sitter-go.js';
import type { PackageFacts, FileFacts } from '../facts/package-facts.js';
import type { RuleMeta, Severity } from '../../model.js';

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
