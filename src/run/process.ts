// Runs one child process and pushes its output, split into lines, to a callback. The child gets its own
// process group so that stopping it also stops what it started (`go test` runs the test binary as a child).

import { spawn } from 'node:child_process';
import { LineSplitter } from '../input/split.js';
import { ToolError } from '../errors.js';

export interface ProcessOutcome {
  /** null when the process was ended by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  durationMs: number;
  /** Stopped because the caller's signal was aborted. */
  interrupted: boolean;
}

export interface ProcessSpec {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export type OutputStream = 'stdout' | 'stderr';

/** Time a stopped child gets to print what it has before it is killed. */
const KILL_GRACE_MS = 3000;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Runs `spec` to completion. Lines arrive through `onLine` in the order each stream printed them. Rejects with
 * a ToolError when the command cannot be started (not installed, not executable).
 */
export function runProcess(
  spec: ProcessSpec,
  onLine: (stream: OutputStream, text: string, lineNo: number) => void,
  signal: AbortSignal,
): Promise<ProcessOutcome> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const splitters = {
      stdout: new LineSplitter(
        (text, lineNo) => onLine('stdout', text, lineNo),
        () => {},
      ),
      stderr: new LineSplitter(
        (text, lineNo) => onLine('stderr', text, lineNo),
        () => {},
      ),
    };
    child.stdout.on('data', (chunk: Buffer) => splitters.stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => splitters.stderr.push(chunk));
    let interrupted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      if (child.pid === undefined) return;
      interrupted = true;
      killGroup(child.pid, 'SIGINT');
      killTimer = setTimeout(() => {
        if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
      }, KILL_GRACE_MS);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      signal.removeEventListener('abort', onAbort);
      if (error.code === 'ENOENT') {
        reject(
          new ToolError(`cannot run ${spec.command}: it is not installed or not on PATH`, {
            hint:
              spec.command === 'go'
                ? 'install Go from https://go.dev/dl/ and make sure `go` is on PATH'
                : 'check the command name',
            cause: error,
          }),
        );
      } else {
        reject(new ToolError(`cannot run ${spec.command}: ${error.message}`, { cause: error }));
      }
    });
    // 'close' fires after both pipes are drained, so every line has been delivered.
    child.once('close', (code, sig) => {
      signal.removeEventListener('abort', onAbort);
      if (killTimer !== undefined) clearTimeout(killTimer);
      splitters.stdout.finish();
      splitters.stderr.finish();
      resolve({ exitCode: code, signal: sig, durationMs: Date.now() - started, interrupted });
    });
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
