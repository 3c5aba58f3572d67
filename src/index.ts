// The library API: the same pipelines the CLI runs, returning plain data; renderers turn it into text.
// Every type these functions take or return is exported too (test/library-api.test.ts checks it).
export { explain, Explainer, type ExplainOptions } from './explain.js';
export type { ParsedRegion, RegionPoolOptions } from './explain-region.js';
export type { RegionResult } from './input/read.js';
export { profile, type ProfileOptions } from './profile.js';
export { lintPackages, type LintBudget, type LintConfig, type LintParseOptions } from './lint/driver/lint-packages.js';
export {
  loadPackages,
  type FileOptions,
  type GoFile,
  type GoPackageFiles,
  type SkippedGoFile,
} from './lint/load/go-packages.js';
export type { BuildContext } from './lint/load/build-constraints.js';
export type { GoModule } from './source/go-mod.js';
export { openSourceTree } from './explain.js';
export type { SourceTree } from './source/source-tree.js';
export type { LineContext, LineSink } from './input/lines.js';
export type { GroupLevel } from './analyse/goroutine-groups.js';
export { explainToJson, explainToJsonChunks } from './render/explain-json.js';
export { explainToMarkdown } from './render/explain-markdown.js';
export { explainToText, type TextOptions } from './render/explain-text.js';
export { renderHtml, type HtmlInput, type HtmlFinding, type HtmlTestSummary } from './render/html-report.js';
export { ExpectedError, InputError, UsageError, ConfigError, ToolError } from './errors.js';
export type * from './model.js';
