// Builds a very large goroutine dump cheaply from a real one, for the scale test and the benchmark.
//
// The result is CONSTRUCTED from a real dump, not printed by the Go runtime: the template's preamble and all of
// its goroutines are written once as printed; then its goroutine blocks (all but the first block and any
// `goroutine 0` block, which a dump has once per thread) are repeated with their ids renumbered,
// id + k * stride for copy k, so every goroutine id stays unique; `created by ... in goroutine N` parent ids are
// renumbered the same way. The template's trailer (the register dump after a SIGQUIT) comes last. So the output
// is one dump, in the exact line format the runtime printed, with `goroutines` goroutines.
//
// Usage: node bench/big-dump.mjs --template FILE [--bytes 1000000000] [--out FILE|-]
// Prints a JSON line to stderr: { goroutines, bytes, copies, templateGoroutines, complete }.

import { open, readFile } from 'node:fs/promises';
import { once } from 'node:events';

const HEADER = /^goroutine (\d+)( .*)$/;
const CREATED_IN = /^(created by .* in goroutine )(\d+)$/;

/**
 * Splits a dump into the text before the first goroutine, the goroutine blocks (header to the blank line that
 * ends them, inclusive) and the text after the last block.
 * @param {string} text
 */
export function splitDump(text) {
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length && !HEADER.test(lines[i])) i++;
  const preamble = lines.slice(0, i).join('\n') + (i > 0 ? '\n' : '');
  /** @type {{ id: number, lines: string[] }[]} */
  const blocks = [];
  let trailerStart = lines.length;
  while (i < lines.length) {
    const m = HEADER.exec(lines[i]);
    if (m === null) {
      trailerStart = i;
      break;
    }
    const start = i;
    i++;
    while (i < lines.length && lines[i] !== '') i++;
    // The blank line that ends a goroutine belongs to it.
    if (i < lines.length) i++;
    blocks.push({ id: Number(m[1]), lines: lines.slice(start, i) });
  }
  for (const b of blocks) if (b.lines[b.lines.length - 1] !== '') b.lines.push('');
  // Text ending in a newline splits into a last empty string, which is not part of the trailer.
  const trailer = trailerStart >= lines.length - 1 ? '' : lines.slice(trailerStart).join('\n');
  return { preamble, blocks, trailer };
}

/** Resolves when `out` wants more data, or can take no more (closed, failed). */
function drained(out) {
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      out.off('error', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
    out.on('error', done);
  });
}

/** Renders a block with its ids shifted by `offset` (0: as printed). */
function renderBlock(block, offset) {
  let out = '';
  for (let j = 0; j < block.lines.length; j++) {
    const line = block.lines[j];
    if (offset !== 0 && j === 0) {
      const m = HEADER.exec(line);
      out += 'goroutine ' + (Number(m[1]) + offset) + m[2] + '\n';
      continue;
    }
    if (offset !== 0 && line.startsWith('created by ')) {
      const m = CREATED_IN.exec(line);
      if (m !== null) {
        out += m[1] + (Number(m[2]) + offset) + '\n';
        continue;
      }
    }
    out += line + '\n';
  }
  return out;
}

/**
 * Writes a dump of about `targetBytes` built from `templateText` to `out` (honouring backpressure).
 * @param {string} templateText a real goroutine dump
 * @param {number} targetBytes stop adding copies once this many bytes were written
 * @param {import('node:stream').Writable} out
 * @returns {Promise<{ goroutines: number, bytes: number, copies: number, templateGoroutines: number, complete: boolean
 * }>}
 * (bytes and goroutines count what was handed to `out`; complete is false when it failed before the end)
 */
export async function writeBigDump(templateText, targetBytes, out) {
  const { preamble, blocks, trailer } = splitDump(templateText);
  if (blocks.length === 0) throw new Error('big-dump: the template has no "goroutine N [...]:" blocks');
  let maxId = 0;
  for (const b of blocks) if (b.id > maxId) maxId = b.id;
  const repeatable = blocks.filter((b, index) => index > 0 && b.id !== 0);
  if (repeatable.length === 0) throw new Error('big-dump: the template has only one goroutine');
  const stride = maxId + 1;

  let bytes = 0;
  let goroutines = 0;
  // The reader went away (EPIPE) or the file failed: stop. (process.stdout ignores destroy(), so keep a flag.)
  let broken = false;
  out.on('error', () => {
    broken = true;
  });
  const write = async (s) => {
    if (broken) return;
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await drained(out);
  };
  let first = preamble;
  for (const b of blocks) first += renderBlock(b, 0);
  goroutines += blocks.length;
  await write(first);
  const trailerText = trailer === '' ? '' : trailer + (trailer.endsWith('\n') ? '' : '\n');
  const trailerBytes = Buffer.byteLength(trailerText);
  let copies = 1;
  while (bytes + trailerBytes < targetBytes && !broken) {
    const offset = copies * stride;
    // Whole copies keep the count exact; one copy is a few MB, so the overshoot is small.
    let s = '';
    for (const b of repeatable) s += renderBlock(b, offset);
    goroutines += repeatable.length;
    copies++;
    await write(s);
    // Pipe writes to stdout are synchronous on Linux: yield so a reader's EPIPE can stop the loop.
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (trailerText !== '') await write(trailerText);
  return { goroutines, bytes, copies, templateGoroutines: blocks.length, complete: !broken };
}

async function main(argv) {
  let template;
  let targetBytes = 1e9;
  let outPath = '-';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--template') template = argv[++i];
    else if (a === '--bytes') targetBytes = Number(argv[++i]);
    else if (a === '--out') outPath = argv[++i];
    else throw new Error(`big-dump: unknown argument ${a}`);
  }
  if (template === undefined || !(targetBytes > 0)) {
    process.stderr.write('usage: node bench/big-dump.mjs --template FILE [--bytes N] [--out FILE|-]\n');
    process.exit(2);
  }
  const text = await readFile(template, 'utf8');
  let out = process.stdout;
  let handle;
  if (outPath !== '-') {
    handle = await open(outPath, 'w');
    out = handle.createWriteStream();
    out.on('error', (error) => {
      process.stderr.write(`big-dump: ${error.message}\n`);
      process.exit(1);
    });
  }
  const result = await writeBigDump(text, targetBytes, out);
  if (handle !== undefined) {
    out.end();
    await once(out, 'close');
  }
  process.stderr.write(JSON.stringify(result) + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}
