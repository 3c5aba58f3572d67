// The library API: the same pipelines the CLI runs, returning plain data; renderers turn it into text.
export { explain, Explainer, diagnose, type ExplainOptions } from './explain.js';
export { profile, type ProfileOptions } from './profile.js';
export { lintPackages } from './analyse/lint/run.js';
export { loadPackages } from './parse/gosource/load.js';
export type { LintFinding, LintResult } from './analyse/lint/types.js';
export { explainToJson, explainToJsonChunks } from './render/json.js';
export { explainToMarkdown } from './render/markdown.js';
export { explainToText, type TextOptions } from './render/text.js';
export { renderHtml, type HtmlInput } from './render/html.js';
export { ExpectedError, InputError, UsageError, ConfigError, ToolError } from './errors.js';
export type * from './model.js';
