// The self-contained HTML report: one file, inline CSS and JS, no request to any network. The data is
// embedded as JSON (read with JSON.parse) and the page script builds the DOM with textContent only, so a log
// that contains <script> or <img onerror> shows as text. A Content-Security-Policy admits only the page's own
// script and style, by hash: even an injection that got past the escaping could not run.

import { sourceLink } from './pkgsite.js';
import { createHash } from 'node:crypto';
import { isStdlibFrame } from '../knowledge/std-frames.js';
import type { LintFinding, Crash, ExplainResult, Location, ProfileData, ProfileResult, Race } from '../model.js';
import { codeWindow, splitSourceLines } from '../source/code-frame.js';
import { HTML_CLIENT_SCRIPT, HTML_STYLE } from './html-client.js';

/** A lint finding as the report shows it; the lint renderer maps its own results onto this. */
export interface HtmlFinding {
  rule: string;
  severity: string;
  file: string;
  line: number;
  column: number;
  message: string;
  related: { file: string; line: number; message?: string }[];
  /** Source lines around the finding, if known. */
  codeFrame?: { firstLine: number; lines: string[]; focusLine: number };
  fix?: string;
}

/** Lint findings as the report shows them, with a few source lines around each when the file can be read. */
export function lintFindingsForHtml(
  findings: LintFinding[],
  source: (file: string) => string | undefined,
): HtmlFinding[] {
  const lines = new Map<string, string[] | undefined>();
  return findings.map((finding) => {
    let text = lines.get(finding.file);
    if (!lines.has(finding.file)) {
      const content = source(finding.file);
      text = content === undefined ? undefined : splitSourceLines(content);
      lines.set(finding.file, text);
    }
    const out: HtmlFinding = {
      rule: finding.rule,
      severity: finding.severity,
      file: finding.file,
      line: finding.line,
      column: finding.column,
      message: finding.message,
      related: finding.related.map((r) => ({ file: r.file, line: r.line, message: r.message })),
    };
    const window = text && codeWindow(finding.file, text, finding.line, 2);
    if (window) out.codeFrame = { firstLine: window.firstLine, lines: window.lines, focusLine: window.focusLine };
    if (finding.fix) out.fix = finding.fix.description;
    return out;
  });
}

export interface HtmlTestSummary {
  runs: number;
  tests: { package: string; name: string; runs: number; failures: number }[];
}

export interface HtmlInput {
  title: string;
  explain?: ExplainResult;
  profile?: ProfileResult;
  /** Every sample of each profile, in the order of profile.profiles, for complete flame graphs. */
  profileData?: ProfileData[];
  findings?: HtmlFinding[];
  test?: HtmlTestSummary;
}

/** Icicle node: [name index in the string table, value, ...children]. Compact for 100k+ frames. */
type FlameNode = [number, number, ...FlameNode[]];

export interface FlameGraph {
  id: string;
  title: string;
  unit: string;
  strings: string[];
  root: FlameNode;
}

/** A frame as the page shows it: `u` marks user code (outside the runtime and standard library). */
interface PageFrame extends Location {
  u: boolean;
  /** pkg.go.dev page of the frame's package at the version its path shows (render/pkgsite.ts). */
  href?: string;
}

function pageFrames(frames: Location[]): PageFrame[] {
  return frames.map((f) => {
    const frame: PageFrame = { function: f.function, file: f.file, line: f.line, u: !isStdlibFrame(f) };
    const href = sourceLink(f);
    if (href !== undefined) frame.href = href;
    return frame;
  });
}

/** Builds an icicle tree from leaf-first stacks, merging equal prefixes from the root. O(total frames). */
export function buildFlameGraph(
  id: string,
  title: string,
  unit: string,
  stacks: { frames: Location[]; value: number }[],
): FlameGraph {
  const strings: string[] = ['all'];
  const index = new Map<string, number>([['all', 0]]);
  const intern = (name: string): number => {
    let i = index.get(name);
    if (i === undefined) {
      i = strings.length;
      strings.push(name);
      index.set(name, i);
    }
    return i;
  };
  const root: FlameNode = [0, 0];
  // Children are found by name through a side map per node, dropped once the tree is built.
  const childIndex = new Map<FlameNode, Map<number, FlameNode>>();
  for (const stack of stacks) {
    root[1] += stack.value;
    let node = root;
    for (let i = stack.frames.length - 1; i >= 0; i--) {
      const frame = stack.frames[i];
      if (frame === undefined) continue;
      const name = intern(frame.function);
      let children = childIndex.get(node);
      if (children === undefined) {
        children = new Map();
        childIndex.set(node, children);
      }
      let child = children.get(name);
      if (child === undefined) {
        child = [name, 0];
        children.set(name, child);
        node.push(child);
      }
      child[1] += stack.value;
      node = child;
    }
  }
  return { id, title, unit, strings, root };
}

function crashForPage(crash: Crash): unknown {
  return {
    ...crash,
    groups: crash.groups.map((b) => ({ ...b, frames: pageFrames(b.frames) })),
  };
}

function raceForPage(race: Race): unknown {
  return {
    ...race,
    current: {
      ...race.current,
      frames: pageFrames(race.current.frames),
      createdAt: pageFrames(race.current.createdAt ?? []),
    },
    previous: {
      ...race.previous,
      frames: pageFrames(race.previous.frames),
      createdAt: pageFrames(race.previous.createdAt ?? []),
    },
  };
}

/** JSON that is safe inside a <script> element: no `<`, `>`, `&` or line separators survive literally. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export function renderHtml(input: HtmlInput): string {
  const flames: FlameGraph[] = [];
  input.explain?.crashes.forEach((crash, i) => {
    if (crash.groups.length > 0) {
      flames.push(
        buildFlameGraph(
          `crash-${i}`,
          `Goroutines of crash ${i + 1} (${crash.goroutineCount})`,
          'goroutines',
          crash.groups.map((b) => ({ frames: b.frames, value: b.count })),
        ),
      );
    }
  });
  const profileSamples = input.profile?.profiles ?? [];
  profileSamples.forEach((report, i) => {
    // All samples when given; otherwise the hot spots' heaviest stacks are what is known.
    const stacks = input.profileData?.[i]?.samples ?? report.hotspots.flatMap((h) => h.stacks);
    flames.push(buildFlameGraph(`profile-${i}`, `${report.type} profile (${report.file})`, report.unit, stacks));
  });

  const data = {
    title: input.title,
    crashes: input.explain?.crashes.map(crashForPage) ?? [],
    races: input.explain?.races.map(raceForPage) ?? [],
    inputs: input.explain?.inputs ?? [],
    groups: input.explain?.distinctCrashes ?? [],
    findings: input.findings ?? [],
    profiles: input.profile?.profiles ?? [],
    conclusions: input.profile?.conclusions ?? [],
    test: input.test ?? null,
    lint: input.findings !== undefined,
    flames,
  };
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${sha256(HTML_CLIENT_SCRIPT)}'`,
    `style-src 'sha256-${sha256(HTML_STYLE)}'`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(input.title)}</title>
<style>${HTML_STYLE}</style>
</head>
<body>
<header><h1 id="title"></h1><nav id="tabs" role="tablist" aria-label="Report sections"></nav></header>
<main id="app"><noscript>This report needs JavaScript to display its data.</noscript></main>
<div id="tooltip" role="tooltip" hidden></div>
<script type="application/json" id="report-data">${scriptSafeJson(data)}</script>
<script>${HTML_CLIENT_SCRIPT}</script>
</body>
</html>
`;
}
