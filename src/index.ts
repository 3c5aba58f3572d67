// The library API: the same pipelines the CLI runs, returning plain data; renderers turn it into text.
export { explain, Explainer, diagnose, type ExplainOptions } from './explain.js';
export { profile, type ProfileOptions } from './profile.js';
export { lintPackages } from './lint/driver/lint-packages.js';
export { loadPackages } from './lint/load/go-packages.js';
export { explainToJson } from './render/explain-json.js';
export { explainToMarkdown } from './render/explain-markdown.js';
export { explainToText, type TextOptions } from './render/explain-text.js';
export { renderHtml, type HtmlInput } from './render/html-report.js';
export { ExpectedError, InputError, UsageError, ConfigError, ToolError } from './errors.js';
export type * from './model.js';
