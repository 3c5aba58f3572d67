import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { IdSet } from '../src/parse/id-set.js';

test('property: IdSet answers as a Set of numbers does, for small, huge and odd ids', () => {
  const id = fc.oneof(
    fc.integer({ min: 0, max: 5000 }),
    fc.integer({ min: 0, max: 2 ** 31 }),
    fc.constantFrom(1, 2 ** 24 - 1, 2 ** 24, 2 ** 53 + 2, -1, 1.5),
  );
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.constantFrom('add', 'has', 'clear'), id), { maxLength: 200 }), (ops) => {
      const ours = new IdSet();
      const theirs = new Set<number>();
      for (const [op, n] of ops) {
        if (op === 'add') {
          ours.add(n);
          theirs.add(n);
        } else if (op === 'clear') {
          ours.clear();
          theirs.clear();
        } else {
          assert.equal(ours.has(n), theirs.has(n), `has(${n})`);
        }
      }
      for (const [, n] of ops) assert.equal(ours.has(n), theirs.has(n), `has(${n}) at the end`);
    }),
    { numRuns: 300 },
  );
});
