// The JSON output is a contract (docs/json.md): fields are only ever added, never renamed or removed,
// and schemaVersion changes if that promise has to be broken.
import type { ExplainResult } from '../model.js';

export function explainToJson(result: ExplainResult): string {
  return JSON.stringify(result, null, 2) + '\n';
}
