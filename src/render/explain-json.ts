// The JSON output is a contract (docs/json.md): fields are only ever added, never renamed or removed,
// and schemaVersion changes if that promise has to be broken.
import type { ExplainResult } from '../model.js';

export function explainToJson(result: ExplainResult): string {
  return JSON.stringify(result, null, 2) + '\n';
}

/** Indents every line after the first (JSON text never holds a raw newline inside a string). */
function indentRest(json: string, indent: string): string {
  return json.replaceAll('\n', `\n${indent}`);
}

/**
 * The same text as explainToJson, one crash, race, input or skipped part at a time, so a writer never holds the
 * whole report as one string.
 */
export function* explainToJsonChunks(result: ExplainResult): Generator<string> {
  const entries: [string, unknown][] = Object.entries(result).filter(([, value]) => value !== undefined);
  yield '{\n';
  for (let i = 0; i < entries.length; i++) {
    const [key, value]: [string, unknown] = entries[i] ?? ['', null];
    const tail = i < entries.length - 1 ? ',\n' : '\n';
    if (Array.isArray(value) && value.length > 0) {
      yield `  ${JSON.stringify(key)}: [\n`;
      for (let j = 0; j < value.length; j++) {
        const item: unknown = value[j];
        yield `    ${indentRest(JSON.stringify(item, null, 2), '    ')}${j < value.length - 1 ? ',\n' : '\n'}`;
      }
      yield `  ]${tail}`;
    } else {
      yield `  ${JSON.stringify(key)}: ${indentRest(JSON.stringify(value, null, 2), '  ')}${tail}`;
    }
  }
  yield '}\n';
}
