// Every recorded sample (test/parser-samples-support.ts) parses cleanly; traceback.test.ts asserts details.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { parseTracebacks } from '../src/parse/traceback.js';
import { SAMPLES } from './parser-samples-support.js';

test('every recorded sample parses without skipped input and ends at its exit status line', () => {
  assert.equal(Object.keys(SAMPLES).length, 66, 'all recorded samples were found');
  for (const [key, text] of Object.entries(SAMPLES)) {
    const tbs = parseTracebacks(text, key);
    assert.ok(tbs.length >= 1, key);
    for (const tb of tbs) assert.deepEqual(tb.skipped, [], key);
    // go test prints the test binary's `exit status` itself, then FAIL lines.
    const last = tbs[tbs.length - 1];
    const endText = text.split('\n')[(last?.endLine ?? 0) - 1] ?? '';
    assert.ok(endText.startsWith('exit status '), key);
    assert.equal(last?.exitStatus, Number(endText.slice('exit status '.length)), key);
  }
});
