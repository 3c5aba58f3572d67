// The library API: the same pipeline the CLI runs, returning plain data.
export { explain, Explainer, diagnose, type ExplainOptions } from './explain.js';
export { explainToJson } from './render/json.js';
export { explainToMarkdown } from './render/markdown.js';
export { explainToText, type TextOptions } from './render/text.js';
export { ExpectedError, InputError, UsageError, ConfigError, ToolError } from './errors.js';
export type * from './model.js';
