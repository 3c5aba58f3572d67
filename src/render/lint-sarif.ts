// SARIF 2.1.0 for code-scanning services. Rule entries come from the rule metadata (the one catalogue).
import { createHash } from 'node:crypto';
import type { LintResult, RuleMeta } from '../model.js';

export interface SarifOptions {
  rules: RuleMeta[];
  version: string;
  /** The text of a file, for the line hash that keeps alerts stable when lines move. */
  source(file: string): string | undefined;
  /** Base URL of the rule docs, e.g. https://github.com/.../docs/rules/. */
  docsBase?: string;
}

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/** Hash of the finding's rule and trimmed line text plus an occurrence counter, in the form `hex:n`. */
function lineHash(rule: string, text: string, seen: Map<string, number>): string {
  const digest = createHash('sha256')
    .update(`${rule}\u0000${text.replace(/\s+/g, '')}`)
    .digest('hex')
    .slice(0, 16);
  const n = (seen.get(digest) ?? 0) + 1;
  seen.set(digest, n);
  return `${digest}:${n}`;
}

function uri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

export function renderSarif(result: LintResult, options: SarifOptions): string {
  const ruleIndex = new Map(options.rules.map((rule, index) => [rule.name, index] as const));
  const lines = new Map<string, string[]>();
  const seen = new Map<string, number>();
  const results = result.findings.map((finding) => {
    let fileLines = lines.get(finding.file);
    if (fileLines === undefined) {
      fileLines = options.source(finding.file)?.split('\n') ?? [];
      lines.set(finding.file, fileLines);
    }
    const out: Record<string, unknown> = {
      ruleId: finding.rule,
      level: LEVEL[finding.severity],
      message: { text: finding.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: uri(finding.file) },
            region: {
              startLine: finding.line,
              startColumn: finding.column,
              endLine: finding.endLine,
              endColumn: finding.endColumn,
            },
          },
        },
      ],
      partialFingerprints: { primaryLocationLineHash: lineHash(finding.rule, fileLines[finding.line - 1] ?? '', seen) },
    };
    const index = ruleIndex.get(finding.rule);
    if (index !== undefined) out['ruleIndex'] = index;
    if (finding.related.length > 0) {
      out['relatedLocations'] = finding.related.map((related, id) => ({
        id,
        message: { text: related.message },
        physicalLocation: {
          artifactLocation: { uri: uri(related.file) },
          region: { startLine: related.line, startColumn: related.column },
        },
      }));
    }
    if (finding.fix?.edits) {
      const byFile = new Map<string, typeof finding.fix.edits>();
      for (const edit of finding.fix.edits) byFile.set(edit.file, [...(byFile.get(edit.file) ?? []), edit]);
      out['fixes'] = [
        {
          description: { text: finding.fix.description },
          artifactChanges: [...byFile].map(([file, edits]) => ({
            artifactLocation: { uri: uri(file) },
            replacements: edits.map((edit) => ({
              deletedRegion: {
                startLine: edit.line,
                startColumn: edit.column,
                endLine: edit.endLine,
                endColumn: edit.endColumn,
              },
              insertedContent: { text: edit.newText },
            })),
          })),
        },
      ];
    }
    return out;
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'goroscope',
            version: options.version,
            informationUri: 'https://goroscope.invalid/',
            rules: options.rules.map((rule) => ({
              id: rule.name,
              name: rule.title.replace(/[^A-Za-z0-9]+(.)?/g, (_match, next: string | undefined) =>
                (next ?? '').toUpperCase(),
              ),
              shortDescription: { text: rule.summary },
              fullDescription: { text: rule.explanation },
              help: { text: `${rule.explanation}\n\n${rule.fix}`, markdown: `${rule.explanation}\n\n${rule.fix}` },
              ...(options.docsBase ? { helpUri: `${options.docsBase}${rule.name}.md` } : {}),
              defaultConfiguration: { level: LEVEL[rule.severity] },
              properties: { tags: ['concurrency', rule.runtimeEffect] },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
