import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { findModuleRoot } from '../../analyse/source-context.js';
import { UsageError } from '../../errors.js';
import type { LintResult } from '../../analyse/lint/types.js';
import type { CliContext } from '../context.js';
import { wantsColor, write } from '../context.js';
import { noSummaryOption, summaryOption, workspacePath, writeJobSummary, type SummaryFlag } from '../github-actions.js';
import type { CommandModule } from './index.js';
import { packageVersion } from '../version.js';

interface LintOptions {
  format: string;
  output?: string;
  fix?: boolean;
  config?: string;
  rule?: string[];
  color?: boolean;
  summary?: SummaryFlag;
  baseline?: string;
  writeBaseline?: string;
  newFromRev?: string;
}

const FORMATS = new Set(['text', 'json', 'sarif', 'markdown', 'html', 'codeclimate', 'github']);

/** Rewrites absolute paths relative to cwd, as `go vet` prints them. */
function relativise(result: LintResult, cwd: string): LintResult {
  const rel = (file: string): string => {
    const path = relative(cwd, file);
    return path.startsWith('..') ? file : path;
  };
  return {
    ...result,
    filesWithSyntaxErrors: result.filesWithSyntaxErrors.map(rel),
    findings: result.findings.map((finding) => ({
      ...finding,
      file: rel(finding.file),
      related: finding.related.map((related) => ({ ...related, file: rel(related.file) })),
      ...(finding.fix
        ? {
            fix: {
              ...finding.fix,
              ...(finding.fix.edits
                ? { edits: finding.fix.edits.map((edit) => ({ ...edit, file: rel(edit.file) })) }
                : {}),
            },
          }
        : {}),
    })),
  };
}

export const lintCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    program
      .command('lint')
      .description('find concurrency bugs in Go source: map races, nil maps, channel and lock misuse')
      .argument('[packages...]', 'Go packages like go vet takes them: ./..., dir, dir/..., or .go files', [])
      .option('-f, --format <format>', 'text, json, sarif, markdown, html, codeclimate or github (annotations)', 'text')
      .option('-o, --output <file>', 'write the report to a file instead of standard output')
      .option('--fix', 'apply the fixes that are mechanical and safe')
      .option('-c, --config <file>', 'config file (default: .goroscope.json when present)')
      .option('-r, --rule <names...>', 'run only these rules')
      .option('--color', 'colour the text output')
      .option('--no-color', 'never colour the text output')
      .option('--baseline <file>', 'report only findings not in this baseline (see --write-baseline)')
      .option('--write-baseline <file>', 'write every current finding to a baseline file and report nothing')
      .option('--new-from-rev <rev>', 'report only findings on lines changed since this git revision')
      .addOption(summaryOption())
      .addOption(noSummaryOption())
      .action(async (patterns: string[], options: LintOptions) => {
        if (!FORMATS.has(options.format))
          throw new UsageError(`unknown format "${options.format}"`, {
            hint: `use --format ${[...FORMATS].join(', ')}`,
          });
        // The Go parser and the rules load only when lint runs, so other commands start without them.
        const [{ loadLintConfig }, { applyFixes }, { lintParallel }, { rules }, { loadPackages }] = await Promise.all([
          import('../../analyse/lint/config.js'),
          import('../../analyse/lint/fix.js'),
          import('../../analyse/lint/parallel.js'),
          import('../../analyse/lint/registry.js'),
          import('../../parse/gosource/load.js'),
        ]);
        const config = loadLintConfig(context.cwd, options.config);
        if (options.rule) {
          const known = new Set(rules.map((rule) => rule.meta.name));
          for (const name of options.rule)
            if (!known.has(name))
              throw new UsageError(`unknown rule "${name}"`, { hint: `known rules: ${[...known].join(', ')}` });
          config.only = options.rule;
        }
        const packages = loadPackages(patterns, context.cwd);
        const sources = new Map<string, string>();
        for (const pkg of packages) for (const file of pkg.files) sources.set(file.path, file.source);
        let result = await lintParallel(packages, config);
        if (options.fix) {
          const outcome = applyFixes(result.findings, (file) => sources.get(file) ?? readFileSync(file, 'utf8'));
          for (const [file, text] of outcome.changed) writeFileSync(file, text);
          if (outcome.applied > 0) {
            context.stderr.write(
              `goroscope: applied ${outcome.applied} fix${outcome.applied === 1 ? '' : 'es'} in ${outcome.changed.size} file${outcome.changed.size === 1 ? '' : 's'}\n`,
            );
            // Report what is left after the fixes.
            result = await lintParallel(loadPackages(patterns, context.cwd), config);
          }
        }
        const source = (file: string): string | undefined => {
          const absolute = resolve(context.cwd, file);
          if (!options.fix && sources.has(absolute)) return sources.get(absolute);
          try {
            return readFileSync(absolute, 'utf8');
          } catch {
            return undefined;
          }
        };
        const { fingerprintFindings, makeBaseline, readBaseline, writeBaseline } =
          await import('../../analyse/lint/baseline.js');
        const root = findModuleRoot(context.cwd) ?? context.cwd;
        // Fingerprints cost a hash per finding: only the formats and flags that use them compute them.
        const needFingerprints =
          options.format === 'codeclimate' || options.baseline !== undefined || options.writeBaseline !== undefined;
        let fingerprints = needFingerprints ? fingerprintFindings(result.findings, { root, source }) : [];
        if (options.writeBaseline !== undefined) {
          writeBaseline(resolve(context.cwd, options.writeBaseline), makeBaseline(result.findings, fingerprints, root));
          const n = result.findings.length;
          context.stderr.write(
            `goroscope: wrote ${n} finding${n === 1 ? '' : 's'} to the baseline ${options.writeBaseline}\n`,
          );
          context.exitCode = 0;
          return;
        }
        const known = options.baseline === undefined ? undefined : readBaseline(context.cwd, options.baseline);
        const changed =
          options.newFromRev === undefined
            ? undefined
            : (await import('../../source/changed-lines.js')).changedLinesSince(options.newFromRev, root);
        if (known !== undefined || changed !== undefined) {
          const { touchesChange } = await import('../../source/changed-lines.js');
          const keep = result.findings.map(
            (finding, i) =>
              !(known?.has(fingerprints[i] ?? '') ?? false) &&
              (changed === undefined || touchesChange(changed, finding.file, finding.line, finding.endLine)),
          );
          result = { ...result, findings: result.findings.filter((_, i) => keep[i]) };
          if (needFingerprints) fingerprints = fingerprints.filter((_, i) => keep[i]);
        }
        const shown = relativise(result, context.cwd);
        const fingerprintOf = new Map(shown.findings.map((finding, i) => [finding, fingerprints[i] ?? ''] as const));
        const [
          { renderLintJson },
          { renderLintMarkdown },
          { renderLintText },
          { lintFindingsForHtml, renderHtml },
          { renderSarif },
          { renderLintCodeclimate },
          { lintToAnnotations, renderAnnotations },
        ] = await Promise.all([
          import('../../render/lint-json.js'),
          import('../../render/lint-markdown.js'),
          import('../../render/lint-text.js'),
          import('../../render/html.js'),
          import('../../render/sarif.js'),
          import('../../render/lint-codeclimate.js'),
          import('../../render/github-annotations.js'),
        ]);
        let text: string;
        if (options.format === 'json') text = renderLintJson(shown);
        else if (options.format === 'sarif')
          text = renderSarif(shown, { rules: rules.map((rule) => rule.meta), version: packageVersion(), source });
        else if (options.format === 'markdown')
          text = renderLintMarkdown(shown, { rules: rules.map((rule) => rule.meta) });
        else if (options.format === 'codeclimate')
          text = renderLintCodeclimate(shown, { fingerprint: (finding) => fingerprintOf.get(finding) ?? '' });
        else if (options.format === 'github')
          text = renderAnnotations(lintToAnnotations(shown, { path: workspacePath(context) }));
        else if (options.format === 'html') {
          const title = `goroscope lint: ${patterns.length > 0 ? patterns.join(' ') : './...'}`;
          text = renderHtml({ title, findings: lintFindingsForHtml(shown.findings, source) });
        } else
          text = renderLintText(shown, {
            color: options.output === undefined && wantsColor(context, options.color),
            source,
          });
        if (options.output !== undefined) writeFileSync(options.output, text);
        else await write(context.stdout, text);
        await writeJobSummary(options.summary, context, () =>
          renderLintMarkdown(shown, { rules: rules.map((rule) => rule.meta) }),
        );
        context.exitCode = result.findings.length > 0 ? 1 : 0;
      });
  },
};
