// Static checks of the HTML report: self-contained, a CSP that forbids the network, input embedded safely.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { explain } from '../src/explain.js';
import { buildFlameGraph, renderHtml, scriptSafeJson } from '../src/render/html-report.js';
import { sourceLink } from '../src/render/pkgsite.js';
import { repoRoot } from './helpers.js';

describe('HTML report (static)', () => {
  it('embeds hostile log text only in escaped form', async () => {
    const result = await explain([join(repoRoot, 'testdata', 'html', 'hostile-panic', 'hostile-panic.log')], {
      srcDir: false,
    });
    const html = renderHtml({ title: 'x <script>alert(1)</script>', explain: result });
    // The only <script> elements are the data block and the page's own script.
    assert.equal(html.match(/<script/gi)?.length, 2);
    assert.equal(html.match(/<\/script/gi)?.length, 2);
    assert.ok(!html.includes('onerror="window'), 'no live attribute from the log');
    assert.ok(!html.includes('\u2028'), 'no raw line separator inside the script');
    assert.match(html, /<title>x &#60;script&#62;alert\(1\)&#60;\/script&#62;<\/title>/);
  });

  it('has a CSP with default-src none and loads nothing from outside', async () => {
    const result = await explain([join(repoRoot, 'examples', 'store-crash.log')], { srcDir: false });
    const html = renderHtml({ title: 't', explain: result });
    assert.match(
      html,
      /http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; script-src &#39;sha256-/,
    );
    assert.doesNotMatch(html, /\s(src|href)=["']?(https?:)?\/\//i);
    assert.doesNotMatch(html, /<link\b/i);
  });

  it('scriptSafeJson round-trips any value and never contains < > & or line separators', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = scriptSafeJson(value);
        assert.ok(!/[<>&\u2028\u2029]/.test(text));
        assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('builds icicle trees whose node values add up', () => {
    const graph = buildFlameGraph('g', 't', 'goroutines', [
      {
        frames: [
          { function: 'leaf', file: 'a.go', line: 1 },
          { function: 'main.main', file: 'm.go', line: 2 },
        ],
        value: 3,
      },
      {
        frames: [
          { function: 'other', file: 'b.go', line: 1 },
          { function: 'main.main', file: 'm.go', line: 2 },
        ],
        value: 2,
      },
    ]);
    const [, total, main] = graph.root;
    assert.equal(total, 5);
    assert.ok(Array.isArray(main));
    assert.equal(graph.strings[main[0]], 'main.main');
    assert.equal(main[1], 5);
    assert.equal(main.length - 2, 2, 'two children under main.main');
  });
});

describe('HTML report: frames link to pkg.go.dev at the printed version', () => {
  /** The data block the page renders from. */
  function pageData(html: string): {
    crashes: { groups: { frames: { function: string; file: string; href?: string }[] }[] }[];
  } {
    const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
    assert.ok(m?.[1]);
    return JSON.parse(m[1]) as ReturnType<typeof pageData>;
  }

  it('links standard-library frames of a Go 1.27.3 toolchain and module frames at their module version', async () => {
    const logs = [
      join(repoRoot, 'testdata', 'tools', 'logs', 'go-deadlock-panic.log'),
      join(repoRoot, 'testdata', 'profiles', 'leak', 'go1.27.3', 'goroutineleak.debug2.txt'),
    ];
    const result = await explain(logs, { srcDir: false });
    const html = renderHtml({ title: 't', explain: result });
    const frames = pageData(html).crashes.flatMap((c) => c.groups.flatMap((b) => b.frames));
    const module = frames.filter((f) => f.file.includes('/pkg/mod/github.com/sasha-s/go-deadlock@v0.3.9/'));
    const std = frames.filter((f) => f.file.includes('/toolchains/go1.27.3/src/'));
    assert.ok(module.length > 0 && std.length > 0);
    for (const f of module)
      assert.match(f.href ?? '', /^https:\/\/pkg\.go\.dev\/github\.com\/sasha-s\/go-deadlock@v0\.3\.9(#|$)/);
    assert.ok(module.some((f) => f.href === 'https://pkg.go.dev/github.com/sasha-s/go-deadlock@v0.3.9#Mutex.Lock'));
    for (const f of std) assert.match(f.href ?? '', /^https:\/\/pkg\.go\.dev\/[a-z/]+@go1\.27\.3(#|$)/, f.function);
    assert.ok(std.some((f) => f.href === 'https://pkg.go.dev/runtime/pprof@go1.27.3#Profile.WriteTo'));
    // No version in the path (GOPATH user code, /usr/local/go): no link rather than one to other code.
    for (const f of frames)
      if (f.file.startsWith('/tmp/') || f.file.startsWith('/usr/local/go/')) assert.equal(f.href, undefined);
    // Links are data for plain <a href> made on click; the page itself still references nothing outside.
    assert.doesNotMatch(html, /\s(src|href)=["']?(https?:)?\/\//i);
  });

  it('sourceLink reads module-cache escapes and refuses a frame from another module', () => {
    assert.equal(
      sourceLink({
        function: 'github.com/DataDog/lib/x.(*T).Run',
        file: '/h/go/pkg/mod/github.com/!data!dog/lib@v1.2.3/x/t.go',
        line: 1,
      }),
      'https://pkg.go.dev/github.com/DataDog/lib/x@v1.2.3#T.Run',
    );
    assert.equal(
      sourceLink({
        function: 'example.com/other.f',
        file: '/h/go/pkg/mod/github.com/!data!dog/lib@v1.2.3/x/t.go',
        line: 1,
      }),
      undefined,
    );
    assert.equal(
      sourceLink({
        function: 'sync.(*Mutex).lockSlow',
        file: '/x/golang.org/toolchain@v0.0.1-go1.27.3.linux-amd64/src/sync/mutex.go',
        line: 1,
      }),
      'https://pkg.go.dev/sync@go1.27.3',
    );
    assert.equal(
      sourceLink({ function: 'runtime.gopark', file: '/usr/local/go/src/runtime/proc.go', line: 1 }),
      undefined,
    );
  });
});
