// The GitHub Action (action.yml) and the pre-commit hook (.pre-commit-hooks.yaml), checked the way CI uses them:
// the definitions are parsed and their structure checked, then the action's shell steps run in order on the sample
// module (testdata/ci/module) as the runner runs them (`bash --noprofile --norc -eo pipefail`, with GITHUB_OUTPUT,
// GITHUB_PATH, GITHUB_STEP_SUMMARY and RUNNER_TEMP pointing at scratch files), and the annotations, step outputs,
// SARIF file and job summary they leave are asserted. `uses:` steps are not run (they are GitHub's own actions);
// the inputs they would get are checked instead. The install step's `npm ci` branch does not run here: the
// checkout under test is already built, which the step detects.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { CI_MODULE, hasGo, markedLines, scratchDir } from './ci-support.js';
import { repoRoot } from './helpers.js';

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  with?: Record<string, string>;
  shell?: string;
  run?: string;
  env?: Record<string, string>;
  'working-directory'?: string;
}

interface Action {
  name: string;
  description: string;
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as Action;
const scratch = scratchDir('goroscope-action-');
after(scratch.remove);

/** The actions the composite action may use, pinned to a major version. */
const ALLOWED_USES = new Set(['actions/setup-node@v4', 'github/codeql-action/upload-sarif@v3']);

interface StepResult {
  outcome: 'success' | 'failure' | 'skipped';
  outputs: Record<string, string>;
  stdout: string;
  stderr: string;
}

interface Runner {
  inputs: Record<string, string>;
  steps: Map<string, StepResult>;
  failed: boolean;
}

/** `${{ inputs.x }}`, `${{ steps.id.outputs.y }}`, `${{ steps.id.outcome }}`, `${{ github.action_path }}`. */
function value(expression: string, runner: Runner): string {
  const e = expression.trim();
  let m = /^inputs\.([\w-]+)$/.exec(e);
  if (m !== null) {
    const name = m[1] ?? '';
    assert.ok(name in action.inputs, `unknown input ${name}`);
    return runner.inputs[name] ?? action.inputs[name]?.default ?? '';
  }
  m = /^steps\.([\w-]+)\.(outputs\.([\w-]+)|outcome)$/.exec(e);
  if (m !== null) {
    const id = m[1] ?? '';
    assert.ok(
      action.runs.steps.some((s) => s.id === id),
      `unknown step ${id}`,
    );
    const step = runner.steps.get(id);
    if (m[2] === 'outcome') return step?.outcome ?? '';
    return step?.outputs[m[3] ?? ''] ?? '';
  }
  if (e === 'github.action_path') return repoRoot;
  throw new Error(`expression the test runner does not know: ${e}`);
}

function substitute(text: string, runner: Runner): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (_, expression: string) => value(expression, runner));
}

/** Conditions joined by &&: always(), `<value> == '<text>'`, `<value> != '<text>'`; without always(), success(). */
function condition(text: string | undefined, runner: Runner): boolean {
  const terms = (text ?? '')
    .split('&&')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  let always = false;
  for (const term of terms) {
    if (term === 'always()') {
      always = true;
      continue;
    }
    const m = /^(\S+) (==|!=) '([^']*)'$/.exec(term);
    assert.ok(m, `condition the test runner does not know: ${term}`);
    const equal = value(m[1] ?? '', runner) === m[3];
    if (equal !== (m[2] === '==')) return false;
  }
  return always || !runner.failed;
}

function readOutputs(file: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) outputs[line.slice(0, at)] = line.slice(at + 1);
  }
  return outputs;
}

/** Runs the action's steps as the runner would, with the given inputs; `uses:` steps are recorded, not run. */
function runAction(
  inputs: Record<string, string>,
  env: NodeJS.ProcessEnv,
): { runner: Runner; summary: string; uses: Step[] } {
  const dir = scratchDir('goroscope-action-run-');
  const temp = dir.dir;
  const summary = join(temp, 'step-summary.md');
  const pathFile = join(temp, 'path.txt');
  writeFileSync(summary, '');
  writeFileSync(pathFile, '');
  const runner: Runner = { inputs, steps: new Map(), failed: false };
  const uses: Step[] = [];
  let path = process.env['PATH'] ?? '';
  try {
    action.runs.steps.forEach((step, i) => {
      const id = step.id ?? `step${i}`;
      if (!condition(step.if, runner)) {
        runner.steps.set(id, { outcome: 'skipped', outputs: {}, stdout: '', stderr: '' });
        return;
      }
      if (step.uses !== undefined) {
        uses.push({
          ...step,
          with: Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, substitute(v, runner)])),
        });
        runner.steps.set(id, { outcome: 'success', outputs: {}, stdout: '', stderr: '' });
        return;
      }
      const script = join(temp, `${id}.sh`);
      const output = join(temp, `${id}.output`);
      writeFileSync(script, step.run ?? '');
      writeFileSync(output, '');
      const stepEnv: NodeJS.ProcessEnv = {
        ...process.env,
        ...env,
        PATH: path,
        GITHUB_OUTPUT: output,
        GITHUB_PATH: pathFile,
        GITHUB_STEP_SUMMARY: summary,
        GITHUB_WORKSPACE: repoRoot,
        RUNNER_TEMP: temp,
      };
      for (const [name, text] of Object.entries(step.env ?? {})) stepEnv[name] = substitute(text, runner);
      const cwd = join(repoRoot, substitute(step['working-directory'] ?? '.', runner));
      const run = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
        cwd,
        env: stepEnv,
        encoding: 'utf8',
      });
      const outcome = run.status === 0 ? 'success' : 'failure';
      if (outcome === 'failure') runner.failed = true;
      runner.steps.set(id, { outcome, outputs: readOutputs(output), stdout: run.stdout, stderr: run.stderr });
      // Lines added to GITHUB_PATH come first in PATH for the steps after.
      const added = readFileSync(pathFile, 'utf8')
        .split('\n')
        .filter((l) => l !== '');
      path = [...added.reverse(), process.env['PATH'] ?? ''].join(delimiter);
    });
    return { runner, summary: readFileSync(summary, 'utf8'), uses };
  } finally {
    dir.remove();
  }
}

describe('action.yml', () => {
  it('is a composite action whose inputs, outputs and steps are complete and consistent', () => {
    assert.equal(action.runs.using, 'composite');
    assert.ok(action.name && action.description);
    for (const [name, input] of Object.entries(action.inputs)) {
      assert.ok(input.description, `input ${name} has a description`);
      assert.equal(typeof input.default, 'string', `input ${name} has a string default`);
    }
    const ids = new Set(action.runs.steps.map((s) => s.id).filter((id) => id !== undefined));
    for (const [name, output] of Object.entries(action.outputs)) {
      const m = /^\$\{\{ steps\.([\w-]+)\.outputs\.[\w-]+ \}\}$/.exec(output.value);
      assert.ok(m && ids.has(m[1] ?? ''), `output ${name} reads a step's output`);
    }
    for (const step of action.runs.steps) {
      assert.ok(step.name, 'every step is named');
      if (step.uses !== undefined) {
        assert.ok(ALLOWED_USES.has(step.uses), `uses ${step.uses}`);
        assert.equal(step.run, undefined);
      } else {
        assert.equal(step.shell, 'bash', `${step.name ?? ''} declares its shell (required in composite actions)`);
        assert.ok(step.run);
        // Inputs reach scripts through env, never pasted into the script (no shell injection).
        assert.doesNotMatch(step.run ?? '', /\$\{\{/, `${step.name ?? ''} has no expression in its script`);
      }
    }
    assert.ok(action.runs.steps.some((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@')));
  });

  it(
    'runs on the sample module: SARIF for code scanning, annotations, outputs, one summary per command',
    { skip: hasGo ? false : 'go is not installed' },
    () => {
      const counter = join(scratch.dir, 'counter');
      const moduleDir = relative(repoRoot, CI_MODULE);
      const { runner, summary, uses } = runAction(
        { 'working-directory': moduleDir, 'test-args': '--count 2 ./...' },
        { GOFLAGS: '', GOTOOLCHAIN: 'local', GOROSCOPE_FLAKY_COUNTER: counter, NO_COLOR: '1' },
      );
      const install = runner.steps.get('install');
      assert.equal(install?.outcome, 'success', install?.stderr);

      const lint = runner.steps.get('lint');
      assert.equal(lint?.outcome, 'success', lint?.stderr);
      assert.equal(lint.outputs['exit-code'], '1');
      const sarifFile = lint.outputs['sarif-file'] ?? '';
      const [wanted] = markedLines('want "nil-map-write"');
      const [file, line] = (wanted ?? '').split(':');
      const workspaceFile = `${moduleDir}/${file ?? '?'}`;
      assert.match(
        lint.stdout,
        new RegExp(`^::error file=${workspaceFile},line=${line ?? '?'},.*title=goroscope nil-map-write::`, 'm'),
      );

      const upload = uses.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
      assert.equal(upload?.with?.['sarif_file'], sarifFile);
      assert.equal(upload.with['category'], 'goroscope');
      assert.ok(!existsSync(sarifFile), 'RUNNER_TEMP was cleaned up with the run');

      const test = runner.steps.get('test');
      assert.equal(test?.outcome, 'success', test?.stderr);
      assert.equal(test.outputs['exit-code'], '1');
      assert.match(
        test.stdout,
        /^::error title=Flaky test%3A TestFlaky::example.com\/ci\/store TestFlaky failed in 1 of 2 run\(s\)/m,
      );
      const [culprit] = markedLines('culprit');
      const [crashFile, crashLine] = (culprit ?? '').split(':');
      assert.match(
        test.stdout,
        new RegExp(
          `^::error file=${moduleDir}/${crashFile ?? '?'},line=${crashLine ?? '?'},title=TestBackground%3A `,
          'm',
        ),
      );

      assert.equal(summary.match(/^# goroscope lint$/gm)?.length, 1, 'lint adds its summary once');
      assert.equal(summary.match(/^# goroscope: `go test /gm)?.length, 1, 'test adds its summary once');
      assert.match(summary, /\| `example.com\/ci\/store` \| `TestFlaky` \| 1 \| 2 \| 50% \| 2 \|/);

      const verdict = [...runner.steps.values()].at(-1);
      assert.equal(verdict?.outcome, 'failure', 'findings fail the job by default');
      assert.match(verdict.stdout, /^::error title=goroscope::lint exit 1, test exit 1$/m);
    },
  );

  it('leaves notes to code scanning: no annotation, and they do not fail the step', () => {
    const module = join(scratch.dir, 'notes-module');
    mkdirSync(module, { recursive: true });
    writeFileSync(join(module, 'go.mod'), 'module example.com/notes\n\ngo 1.22\n');
    // A send that blocks only after the test has failed: goroutine-leak reports it as a note (info).
    writeFileSync(
      join(module, 'leak_test.go'),
      'package notes\n\nimport (\n\t"testing"\n\t"time"\n)\n\nfunc TestLeak(t *testing.T) {\n\tch := make(chan int)\n' +
        '\tgo func() { ch <- 1 }()\n\tselect {\n\tcase <-ch:\n\tcase <-time.After(time.Second):\n' +
        '\t\tt.Fatal("timed out")\n\t}\n}\n',
    );
    const workingDirectory = relative(repoRoot, module);
    const quiet = runAction({ 'working-directory': workingDirectory, test: 'false' }, { NO_COLOR: '1' });
    const lint = quiet.runner.steps.get('lint');
    assert.equal(lint?.outcome, 'success', lint?.stderr);
    assert.equal(lint.outputs['exit-code'], '0');
    assert.doesNotMatch(lint.stdout, /^::notice/m);
    assert.match(lint.stderr, /1 finding below warning not shown/);
    assert.equal(quiet.runner.failed, false);
    // Asked for, the notes are annotated and fail the step like any finding.
    const all = runAction(
      { 'working-directory': workingDirectory, test: 'false', 'lint-min-severity': 'info' },
      { NO_COLOR: '1' },
    );
    const noted = all.runner.steps.get('lint');
    assert.equal(noted?.outputs['exit-code'], '1');
    // Outside the workspace, an annotation has no file (docs/ci.md).
    assert.match(noted.stdout, /^::notice (file=[^,]*,)?line=9,.*title=goroscope goroutine-leak::/m);
    assert.equal(all.runner.failed, true);
  });

  it('with lint and test off, runs neither and passes', () => {
    const { runner, uses } = runAction({ lint: 'false', test: 'false' }, {});
    assert.equal(runner.steps.get('lint')?.outcome, 'skipped');
    assert.equal(runner.steps.get('test')?.outcome, 'skipped');
    assert.deepEqual(
      uses.map((s) => s.uses),
      ['actions/setup-node@v4'],
      'no SARIF upload without lint',
    );
    assert.equal(runner.failed, false);
  });
});

describe('.pre-commit-hooks.yaml', () => {
  const hooks = parse(readFileSync(join(repoRoot, '.pre-commit-hooks.yaml'), 'utf8')) as {
    id: string;
    entry: string;
    args?: string[];
    language: string;
    files?: string;
    pass_filenames?: boolean;
  }[];

  it('declares goroscope-lint as a node hook on Go files', () => {
    const hook = hooks.find((h) => h.id === 'goroscope-lint');
    assert.ok(hook);
    assert.equal(hook.language, 'node');
    assert.equal(hook.entry, 'goroscope lint');
    assert.ok(new RegExp(hook.files ?? '').test('store/store.go'));
    assert.ok(!new RegExp(hook.files ?? '').test('README.md'));
    const bin = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { bin: Record<string, string> })
      .bin;
    assert.ok(bin[hook.entry.split(' ')[0] ?? ''], 'the entry is a bin of the package pre-commit installs');
  });

  it('its command finds the marked bug in the sample module and fails the commit', () => {
    const hook = hooks.find((h) => h.id === 'goroscope-lint');
    const [, ...words] = (hook?.entry ?? '').split(' ');
    const run = spawnSync(process.execPath, [join(repoRoot, 'bin', 'goroscope'), ...words, ...(hook?.args ?? [])], {
      cwd: CI_MODULE,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '' },
    });
    assert.equal(run.status, 1, run.stderr);
    const [wanted] = markedLines('want "nil-map-write"');
    assert.ok(run.stdout.includes(`${wanted ?? '?'}:`), run.stdout);
  });

  it('leaves notes out, so that they never block a commit', () => {
    const hook = hooks.find((h) => h.id === 'goroscope-lint');
    assert.deepEqual(hook?.args?.slice(0, 2), ['--min-severity', 'warning']);
  });
});
