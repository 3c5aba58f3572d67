import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { LintResult, LintSkip, Severity } from '../../model.js';
import type { EmptyPattern, LoadReport, SkippedGoFile } from '../../lint/load/go-packages.js';
import { skipNotes } from '../../render/lint-text.js';
import type { CliContext } from '../context.js';
import { wantsColor, write } from '../context.js';
import { addOutputOptions, type OutputFlags } from '../options.js';
import { checkOutput, writeOutput } from '../output.js';
import { noSummaryOption, summaryOption, workspacePath, writeJobSummary, type SummaryFlag } from '../github-actions.js';
import { findModuleRoot } from '../../source/go-mod.js';
import type { CommandModule } from './all-commands.js';
import { packageVersion } from '../version.js';

interface LintOptions extends OutputFlags {
  fix?: boolean;
  config?: string;
  rule?: string[];
  allModules?: boolean;
  includeGenerated?: boolean;
  maxFileSize: string;
  fileTimeout: string;
  summary?: SummaryFlag;
  baseline?: string;
  writeBaseline?: string;
  newFromRev?: string;
  goToolchain?: string;
  minSeverity: Severity;
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/**
 * The findings at `minimum` or above: what is reported, fixed, written to a baseline and counted in the exit;
 * and how many were left out.
 */
function atLeast(result: LintResult, minimum: Severity): { result: LintResult; hidden: number } {
  const findings = result.findings.filter((finding) => SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[minimum]);
  return { result: { ...result, findings }, hidden: result.findings.length - findings.length };
}

/**
 * The installed Go (`go1.26.8`), asked with GOTOOLCHAIN=local so that asking never downloads a toolchain;
 * undefined when go is missing. go.mod's `toolchain` line is taken into account per module by the driver.
 */
function installedGo(cwd: string, env: NodeJS.ProcessEnv): string | undefined {
  try {
    const version = execFileSync('go', ['env', 'GOVERSION'], {
      cwd,
      env: { ...env, GOTOOLCHAIN: 'local' },
      encoding: 'utf8',
      timeout: 60_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return /^go1\.\d+/.test(version) ? version : undefined;
  } catch {
    return undefined;
  }
}

/** A pattern that matched no Go package is a mistake on the command line, as it is for go vet. */
function emptyPatternError(empty: EmptyPattern, nestedModules: number): UsageError {
  const recursive = empty.pattern === '...' || empty.pattern.endsWith('/...');
  if (recursive && nestedModules > 0)
    return new UsageError(`${empty.pattern} matched no packages outside the ${nestedModules} nested module(s)`, {
      hint: 'add --all-modules to lint nested modules too',
    });
  return new UsageError(`${empty.reason} in ${empty.pattern}${recursive ? ' or below' : ''}`, {
    hint: 'pass a Go package directory, ./..., or .go files',
  });
}

/** Rewrites absolute paths relative to cwd, as `go vet` prints them. */
function relativise(result: LintResult, cwd: string): LintResult {
  const rel = (file: string): string => {
    const path = relative(cwd, file);
    return path.startsWith('..') ? file : path;
  };
  return {
    ...result,
    filesWithSyntaxErrors: result.filesWithSyntaxErrors.map(rel),
    skipped: result.skipped.map((skip) => ({ ...skip, file: rel(skip.file) })),
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

function nonNegative(value: string, flag: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0)
    throw new UsageError(`${flag} needs a number, got "${value}"`, {
      hint: `e.g. ${flag} 20, or ${flag} 0 for no limit`,
    });
  return number;
}

function loadSkip(skip: SkippedGoFile, maxMegabytes: number): LintSkip {
  if (skip.reason === 'generated')
    return { file: skip.path, reason: 'generated', message: 'generated file (--include-generated lints it)' };
  if (skip.reason === 'too-large')
    return {
      file: skip.path,
      reason: 'too-large',
      message:
        `not linted: ${((skip.bytes ?? 0) / 1e6).toFixed(1)} MB is over the ${maxMegabytes} MB limit ` +
        `(--max-file-size)`,
    };
  return { file: skip.path, reason: 'unreadable', message: 'not linted: cannot read the file' };
}

export const lintCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    const command = program
      .command('lint')
      .description('find concurrency bugs in Go source: map races, nil maps, channel and lock misuse')
      .argument('[packages...]', 'Go packages like go vet takes them: ./..., dir, dir/..., or .go files', [])
      .option('--fix', 'apply the fixes that are mechanical and safe')
      .option('-c, --config <file>', 'config file (default: .goroscope.json when present)')
      .option('-r, --rule <names...>', 'run only these rules')
      .option('--baseline <file>', 'report only findings not in this baseline (see --write-baseline)')
      .option('--write-baseline <file>', 'write every current finding to a baseline file and report nothing')
      .option('--new-from-rev <rev>', 'report only findings on lines changed since this git revision')
      .addOption(
        new Option(
          '--min-severity <level>',
          'report (and exit 1 for) only findings of this severity or higher: warning leaves out the notes',
        )
          .choices(['error', 'warning', 'info'])
          .default('info'),
      )
      .option(
        '--go-toolchain <version>',
        "the Go release that builds the code (default: go.mod's toolchain line or the installed go, the newer)",
      )
      .addOption(summaryOption())
      .addOption(noSummaryOption())
      .option('--all-modules', 'with ./... or dir/..., also lint nested modules (directories with their own go.mod)')
      .option('--include-generated', 'also lint files marked "// Code generated ... DO NOT EDIT."')
      .option('--max-file-size <MB>', 'skip (and name) .go files larger than this; 0 for no limit', '10')
      .option(
        '--file-timeout <seconds>',
        'give up (and name the file) when one file takes longer; 0 for no limit',
        '60',
      );
    addOutputOptions(command, ['text', 'json', 'sarif', 'markdown', 'html', 'codeclimate', 'github'])
      .addHelpText(
        'after',
        '\nExit status: 0 no findings, 1 findings (notes count unless --min-severity warning), 2 usage or input ' +
          'error (also: a pattern with no Go files), 130 interrupted.',
      )
      .action(async (patterns: string[], options: LintOptions) => {
        // The Go parser and the rules load only when lint runs, so other commands start without them.
        const [{ loadLintConfig, GO_VERSION }, { applyFixes }, { lintParallel }, { rules }, { loadPackagesReport }] =
          await Promise.all([
            import('../../lint/driver/lint-config.js'),
            import('../../lint/driver/apply-fixes.js'),
            import('../../lint/driver/lint-parallel.js'),
            import('../../lint/driver/rule-registry.js'),
            import('../../lint/load/go-packages.js'),
          ]);
        const config = loadLintConfig(context.cwd, options.config);
        if (options.rule) {
          const known = new Set(rules.map((rule) => rule.meta.name));
          for (const name of options.rule)
            if (!known.has(name))
              throw new UsageError(`unknown rule "${name}"`, { hint: `known rules: ${[...known].join(', ')}` });
          config.only = options.rule;
        }
        if (options.goToolchain !== undefined) {
          if (!GO_VERSION.test(options.goToolchain))
            throw new UsageError(`--go-toolchain ${options.goToolchain} is not a Go version`, {
              hint: 'write it like go env GOVERSION prints it, e.g. --go-toolchain go1.27.3 (or 1.27.3)',
            });
          config.goToolchain = options.goToolchain;
        }
        // Only rules whose Go behaviour changed with the toolchain need it (time-tick-leak).
        if (config.goToolchain === undefined && rules.some((rule) => rule.meta.onlyBeforeToolchain !== undefined))
          config.installedGo = installedGo(context.cwd, context.env);
        // The named .go files are checked before loading; every loaded file again below (a .go file in a package).
        const explicitFiles = patterns.filter((pattern) => pattern.endsWith('.go'));
        let target = options.output === undefined ? undefined : checkOutput(options.output, explicitFiles, context.cwd);
        const maxMegabytes = nonNegative(options.maxFileSize, '--max-file-size');
        const timeoutSeconds = nonNegative(options.fileTimeout, '--file-timeout');
        const budget = timeoutSeconds === 0 ? {} : { fileTimeoutMs: timeoutSeconds * 1000 };
        const load = (): LoadReport & { skipped: LintSkip[] } => {
          const passedOver: SkippedGoFile[] = [];
          const report = loadPackagesReport(patterns, context.cwd, {
            allModules: options.allModules === true,
            includeGenerated: options.includeGenerated === true,
            ...(maxMegabytes === 0 ? {} : { maxFileBytes: maxMegabytes * 1_000_000 }),
            skipped: passedOver,
          });
          return { ...report, skipped: passedOver.map((skip) => loadSkip(skip, maxMegabytes)) };
        };
        const loaded = load();
        const [empty] = loaded.emptyPatterns;
        if (empty !== undefined) throw emptyPatternError(empty, loaded.nestedModules.length);
        const packages = loaded.packages;
        const sources = new Map<string, string>();
        for (const pkg of packages) for (const file of pkg.files) sources.set(file.path, file.source);
        if (options.output !== undefined) target = checkOutput(options.output, [...sources.keys()], context.cwd);
        if (loaded.nestedModules.length > 0 && options.allModules !== true) {
          const n = loaded.nestedModules.length;
          context.stderr.write(
            `goroscope: skipped ${n} nested module${n === 1 ? '' : 's'} (directories with their own go.mod)\n` +
              'hint: add --all-modules to lint them too\n',
          );
        }
        const lint = async (report: typeof loaded): Promise<LintResult> => {
          const linted = await lintParallel(report.packages, config, undefined, undefined, budget);
          const kept = atLeast({ ...linted, skipped: [...report.skipped, ...linted.skipped] }, options.minSeverity);
          hidden = kept.hidden;
          return kept.result;
        };
        let hidden = 0;
        let result = await lint(loaded);
        if (options.fix) {
          const outcome = applyFixes(result.findings, (file) => sources.get(file) ?? readFileSync(file, 'utf8'));
          for (const [file, text] of outcome.changed) await writeOutput({ path: file }, text);
          if (outcome.applied > 0) {
            context.stderr.write(
              `goroscope: applied ${outcome.applied} fix${outcome.applied === 1 ? '' : 'es'} in ` +
                `${outcome.changed.size} file${outcome.changed.size === 1 ? '' : 's'}\n`,
            );
            // Report what is left after the fixes.
            result = await lint(load());
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
          await import('../../lint/driver/baseline.js');
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
        for (const line of skipNotes(shown.skipped)) context.stderr.write(`goroscope: ${line}\n`);
        if (hidden > 0)
          context.stderr.write(
            `goroscope: ${hidden} finding${hidden === 1 ? '' : 's'} below ${options.minSeverity} not shown ` +
              `(--min-severity)\n`,
          );
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
          import('../../render/html-report.js'),
          import('../../render/lint-sarif.js'),
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
        if (target !== undefined) await writeOutput(target, text);
        else await write(context.stdout, text);
        await writeJobSummary(options.summary, context, () =>
          renderLintMarkdown(shown, { rules: rules.map((rule) => rule.meta) }),
        );
        context.exitCode = context.signal.aborted ? 130 : result.findings.length > 0 ? 1 : 0;
      });
  },
};
