// Runs one child process and pushes its output, split into lines, to a callback. The child gets its own
// process group so that stopping it also stops what it started (`go test` runs the test binary as a child).

import { spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { LineSplitter } from '../input/split.js';
import { ToolError } from '../errors.js';

export interface ProcessOutcome {
  /** null when the process was ended by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  durationMs: number;
  /** Stopped because the caller's signal was aborted. */
  interrupted: boolean;
  /** Still running when the per-run timeout passed (then sent SIGQUIT, or left running with keepHung). */
  timedOut?: boolean;
  /** keepHung: the process group left running for a debugger (the command's pid is the group id). */
  leftRunning?: { pid: number };
}

/** What to do with a run that outlives its time. */
export interface RunLimits {
  timeoutMs?: number;
  /** Leave a timed-out run running (for a debugger) instead of asking it for a goroutine dump and killing it. */
  keepHung?: boolean;
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
/** Time a timed-out child gets to print its goroutine dump after SIGQUIT: a dump of many goroutines takes a while. */
const DUMP_GRACE_MS = 10_000;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

function isGoCommand(command: string): boolean {
  const slash = Math.max(command.lastIndexOf('/'), command.lastIndexOf('\\'));
  const name = command.slice(slash + 1);
  return name === 'go' || name === 'go.exe';
}

/** The processes of a process group, from /proc (Linux); empty where /proc cannot be read. */
export function groupMembers(pgid: number): { pid: number; name: string }[] {
  const members: { pid: number; name: string }[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return members;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses, so split after the last ')'.
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    if (Number(fields[2]) !== pgid) continue;
    members.push({ pid: Number(entry), name: stat.slice(stat.indexOf('(') + 1, close) });
  }
  return members;
}

/**
 * Runs `spec` to completion. Lines arrive through `onLine` in the order each stream printed them. Rejects with
 * a ToolError when the command cannot be started (not installed, not executable).
 */
export function runProcess(
  spec: ProcessSpec,
  onLine: (stream: OutputStream, text: string, lineNo: number) => void,
  signal: AbortSignal,
  limits: RunLimits = {},
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
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    let timeoutTimer: NodeJS.Timeout | undefined;
    let settled = false;
    const onAbort = (): void => {
      if (child.pid === undefined || settled) return;
      if (timeoutTimer !== undefined) clearTimeout(timeoutTimer);
      interrupted = true;
      killGroup(child.pid, 'SIGINT');
      killTimer = setTimeout(() => {
        if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
      }, KILL_GRACE_MS);
    };
    const onTimeout = (): void => {
      if (child.pid === undefined) return;
      timedOut = true;
      if (limits.keepHung === true) {
        // Hand the process group over to the user: stop waiting for it and let goroscope exit while it runs.
        settled = true;
        signal.removeEventListener('abort', onAbort);
        child.unref();
        for (const stream of [child.stdout, child.stderr]) if (stream instanceof Socket) stream.unref();
        splitters.stdout.finish();
        splitters.stderr.finish();
        resolve({
          exitCode: null,
          signal: null,
          durationMs: Date.now() - started,
          interrupted: false,
          timedOut,
          leftRunning: { pid: child.pid },
        });
        return;
      }
      // A Go program answers SIGQUIT with a dump of every goroutine and exits. The go command (`go test`,
      // `go run`) catches SIGQUIT (cmd/go/internal/base/signal_unix.go) and then stops its child and drops its
      // buffered output, so under `go` only the processes it started get the signal and go prints their dump.
      const others = isGoCommand(spec.command) ? groupMembers(child.pid).filter((m) => m.pid !== child.pid) : [];
      if (others.length > 0) {
        for (const member of others) signalProcess(member.pid, 'SIGQUIT');
      } else killGroup(child.pid, 'SIGQUIT');
      killTimer = setTimeout(() => {
        if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
      }, DUMP_GRACE_MS);
    };
    if (limits.timeoutMs !== undefined) timeoutTimer = setTimeout(onTimeout, limits.timeoutMs);
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (timeoutTimer !== undefined) clearTimeout(timeoutTimer);
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
      if (timeoutTimer !== undefined) clearTimeout(timeoutTimer);
      if (killTimer !== undefined) clearTimeout(killTimer);
      if (settled) return;
      signal.removeEventListener('abort', onAbort);
      splitters.stdout.finish();
      splitters.stderr.finish();
      const outcome: ProcessOutcome = { exitCode: code, signal: sig, durationMs: Date.now() - started, interrupted };
      if (timedOut) outcome.timedOut = true;
      resolve(outcome);
    });
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
