// isStdlibFrame / isRuntimeFrame / packagePath on frames copied from real tracebacks printed here:
// go1.26.8 at /usr/local/go, GOTOOLCHAIN downloads in the module cache, toolchain copies under
// ~/.cache/goroscope/toolchains, a GOPATH build (go1.16.15), a -trimpath build and a module using
// golang.org/x/sync from the module cache.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STD_ROOTS } from '../src/knowledge/std-roots.js';
import { gorootOfFrame, isRuntimeFrame, isStdlibFrame, packagePath } from '../src/knowledge/std-frames.js';
import type { Location } from '../src/model.js';

const at = (fn: string, file: string, line = 1): Location => ({ function: fn, file, line });

describe('packagePath', () => {
  it('splits at the first dot after the last slash', () => {
    assert.equal(packagePath('golang.org/x/sync/errgroup.(*Group).Go.func1'), 'golang.org/x/sync/errgroup');
    assert.equal(packagePath('myapp/internal/store.(*Store).Put'), 'myapp/internal/store');
    assert.equal(packagePath('main.main.func7'), 'main');
    assert.equal(packagePath('internal/runtime/maps.fatal'), 'internal/runtime/maps');
    // The runtime escapes dots in the last element of an import path.
    assert.equal(packagePath('gopkg.in/yaml%2ev3.(*decoder).unmarshal'), 'gopkg.in/yaml%2ev3');
    assert.equal(packagePath('panic'), '');
  });
});

describe('std roots list', () => {
  it('holds the roots `go list std` prints and no module-looking names', () => {
    for (const root of ['runtime', 'sync', 'testing', 'internal', 'net', 'vendor', 'iter'])
      assert.ok(STD_ROOTS.has(root), root);
    for (const root of STD_ROOTS) assert.ok(!root.includes('.'), root);
    assert.ok(!STD_ROOTS.has('main') && !STD_ROOTS.has('myapp') && !STD_ROOTS.has('cmd'));
  });
});

describe('isStdlibFrame', () => {
  const goroots = { goroots: ['/usr/local/go'] };

  it('GOROOT frames are std, including linknamed ones that live in another package directory', () => {
    assert.ok(isStdlibFrame(at('runtime.gopark', '/usr/local/go/src/runtime/proc.go'), goroots));
    assert.ok(isStdlibFrame(at('internal/runtime/maps.fatal', '/usr/local/go/src/runtime/panic.go'), goroots));
    assert.ok(isStdlibFrame(at('internal/sync.(*Mutex).lockSlow', '/usr/local/go/src/internal/sync/mutex.go')));
    assert.ok(isStdlibFrame(at('sync.fatal', '/usr/local/go/src/runtime/panic.go')));
    assert.ok(isStdlibFrame(at('testing.tRunner', '/usr/local/go/src/testing/testing.go'), goroots));
    assert.ok(isStdlibFrame(at('panic', '/usr/local/go/src/runtime/panic.go')));
  });

  it('toolchains in the module cache and in other directories', () => {
    const f = at(
      'internal/sync.runtime_SemacquireMutex',
      '/root/go/pkg/mod/golang.org/toolchain@v0.0.1-go1.25.9.linux-amd64/src/runtime/sema.go',
    );
    assert.ok(isStdlibFrame(f));
    assert.equal(gorootOfFrame(f), '/root/go/pkg/mod/golang.org/toolchain@v0.0.1-go1.25.9.linux-amd64');
    const old = at('sync.runtime_SemacquireMutex', '/root/.cache/goroscope/toolchains/go1.9.7/src/runtime/sema.go');
    assert.ok(isStdlibFrame(old));
    assert.equal(gorootOfFrame(old), '/root/.cache/goroscope/toolchains/go1.9.7');
  });

  it('user code: main, dotless module paths, third-party modules, GOPATH', () => {
    assert.ok(!isStdlibFrame(at('main.main', '/tmp/az/crash/main.go'), goroots));
    assert.ok(!isStdlibFrame(at('myapp/internal/store.Run.func1', '/tmp/az/tp/internal/store/store.go'), goroots));
    assert.ok(
      !isStdlibFrame(
        at(
          'golang.org/x/sync/errgroup.(*Group).Go.func1',
          '/root/go/pkg/mod/golang.org/x/sync@v0.10.0/errgroup/errgroup.go',
        ),
      ),
    );
    assert.ok(!isStdlibFrame(at('main.writer', '/tmp/az/gp/src/example.com/gpapp/main.go')));
  });

  it('a GOPATH package that shares a std name is user code once the real GOROOT is known', () => {
    const frame = at('sync/pool.Get', '/home/dev/go/src/sync/pool/pool.go');
    assert.ok(!isStdlibFrame(frame, goroots));
  });

  it('-trimpath paths', () => {
    // go1.26.8 -trimpath: std files relative to GOROOT/src, user files as <module>/<file>.
    assert.ok(isStdlibFrame(at('internal/sync.runtime_SemacquireMutex', 'runtime/sema.go')));
    assert.ok(isStdlibFrame(at('sync.(*Mutex).Lock', 'sync/mutex.go')));
    assert.ok(!isStdlibFrame(at('main.main', 'crashdemo/main.go')));
  });

  it('the go test generated main is not user code', () => {
    assert.ok(isStdlibFrame(at('main.main', '_testmain.go')));
  });

  it('Windows paths (the forward-slash form Go prints, and backslashes)', () => {
    // Not produced by a run here (no Windows machine): Go prints GOROOT paths with forward slashes.
    const win = { goroots: ['C:/Program Files/Go'] };
    assert.ok(isStdlibFrame(at('runtime.main', 'C:/Program Files/Go/src/runtime/proc.go'), win));
    assert.ok(isStdlibFrame(at('runtime.main', 'c:/program files/go/src/runtime/proc.go'), win));
    assert.ok(isStdlibFrame(at('sync.(*Mutex).Lock', 'C:\\Go\\src\\sync\\mutex.go')));
    assert.ok(!isStdlibFrame(at('main.main', 'C:/Users/dev/app/main.go'), win));
    assert.equal(gorootOfFrame(at('runtime.main', 'C:/Program Files/Go/src/runtime/proc.go')), 'C:/Program Files/Go');
  });
});

describe('isRuntimeFrame', () => {
  it('runtime and internal/runtime, not other std packages', () => {
    assert.ok(isRuntimeFrame(at('runtime.throw', '/usr/local/go/src/runtime/panic.go')));
    assert.ok(isRuntimeFrame(at('internal/runtime/maps.fatal', '/usr/local/go/src/runtime/panic.go')));
    assert.ok(isRuntimeFrame(at('panic', '/usr/local/go/src/runtime/panic.go')));
    assert.ok(!isRuntimeFrame(at('sync.(*WaitGroup).Add', '/usr/local/go/src/sync/waitgroup.go')));
    assert.ok(!isRuntimeFrame(at('main.main', '/tmp/az/crash/main.go')));
  });
});
