import { basename } from 'node:path';
import type { Command } from 'commander';
import { findModuleRoot } from '../../source/go-mod.js';
import { UsageError } from '../../errors.js';
import {
  addFlakeHuntingOptions,
  addSessionOptions,
  runSession,
  type SessionExtras,
  type SessionOptions,
} from '../session.js';
import { execFileSync } from 'node:child_process';
import { prepareLeakOverlay } from '../../run/test-leaks.js';
import type { CliContext } from '../context.js';
import { wordsAfterDashDash } from '../options.js';
import type { CommandModule } from './all-commands.js';

interface TestOptions extends SessionOptions {
  race: boolean;
  leaks?: boolean;
}

/** `go test` arguments for one run: JSON events, no test cache (every run must really run), -race by default. */
export function goTestArgs(packages: string[], goFlags: string[], race: boolean): string[] {
  const args = ['test', '-json', '-count=1'];
  if (race) args.push('-race');
  args.push(...(packages.length === 0 ? ['./...'] : packages), ...goFlags);
  return args;
}

export const testCommand: CommandModule = {
  register(program: Command, context: CliContext, argv: readonly string[]): void {
    const command = program
      .command('test')
      .description('run go test -race repeatedly and explain every race, crash and flaky test')
      .argument('[packages...]', 'packages to test (default ./...); go test flags go after --')
      .option('--no-race', 'run without the race detector');
    addSessionOptions(command);
    // Flake hunting (issue 12): per-run timeout, --failure/--ignore, kept output, --perturb, raced tests skipped.
    addFlakeHuntingOptions(command)
      .option('--retry-raced', 'keep running a test in later runs after it raced (by default it is skipped)')
      .option('--leaks', 'after each package, report goroutines its tests left behind and the test that started them')
      .addHelpText(
        'after',
        '\nExamples:\n  goroscope test --count 20 ./store/...\n  goroscope test --duration 10m --parallel 4 -- -run ' +
          'TestCache',
      )
      .action(async (_packages: string[], options: TestOptions, cmd: Command) => {
        const goFlags = wordsAfterDashDash(argv, cmd.args);
        const packages = cmd.args.slice(0, cmd.args.length - goFlags.length);
        if (findModuleRoot(context.cwd) === undefined) {
          throw new UsageError(`no go.mod in ${context.cwd} or any parent directory`, {
            hint: 'run goroscope test inside a Go module',
          });
        }
        const spec = {
          command: 'go',
          args: goTestArgs(packages, goFlags, options.race),
          cwd: context.cwd,
          env: context.env,
        };
        // go test reads the module's Go files and go.mod/go.sum: -o must not name one of them.
        const output = options.output;
        const goInput = output !== undefined && /(\.go|^go\.(mod|sum|work))$/.test(basename(output)) ? [output] : [];
        const extras: SessionExtras = { goTest: true };
        if (goMinorVersion(context.cwd, context.env) >= 20) extras.skipRaced = skipArgs;
        if (options.leaks !== true) {
          await runSession(spec, options, context, goInput, extras);
          return;
        }
        // The generated TestMain goes in through -overlay; the user's files stay as they are.
        const setup = await prepareLeakOverlay(packages, context.cwd, context.env);
        try {
          spec.args.splice(1, 0, ...setup.args);
          spec.env = { ...spec.env, GODEBUG: setup.godebug };
          for (const skipped of setup.notChecked) {
            context.stderr.write(`--leaks: ${skipped.package} not checked: ${skipped.reason}\n`);
          }
          await runSession(spec, options, context, goInput, { ...extras, leaks: true });
        } finally {
          setup.cleanup();
        }
      });
  },
};

/** `go test -skip` (Go 1.20+) for tests that raced: a later run where the race does not happen would hide it. */
export function skipArgs(tests: readonly string[]): string[] {
  const top = [...new Set(tests.map((t) => t.split('/')[0] ?? t))];
  // -skip splits its pattern at slashes like -run, so only top-level names are given.
  const names = top.map((t) => t.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&'));
  return ['-skip', `^(${names.join('|')})$`];
}

/** The minor version of the `go` that will run (go1.22.3 -> 22), or 0 when it cannot be told. */
function goMinorVersion(cwd: string, env: NodeJS.ProcessEnv): number {
  try {
    const version = execFileSync('go', ['env', 'GOVERSION'], { cwd, env, encoding: 'utf8', timeout: 60_000 });
    const m = /^go1\.(\d+)/.exec(version.trim());
    return m === null ? 0 : Number(m[1]);
  } catch {
    return 0;
  }
}
