// Static checks of the HTML report: self-contained, a CSP that forbids the network, input embedded safely.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { explain } from '../src/explain.js';
import { buildFlameGraph, renderHtml, scriptSafeJson } from '../src/render/html-report.js';
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
