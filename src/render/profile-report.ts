// Text and Markdown reports for `profile`. JSON is the ProfileResult itself.
import type { Hotspot, ProfileReport, ProfileResult } from '../model.js';
import { codeBlock, escapeMarkdown, inlineCode } from './markdown-syntax.js';
import { codeFrame, sanitize, style } from './text-style.js';

const UNIT_SCALE: [number, string][] = [
  [3_600e9, 'h'],
  [60e9, 'min'],
  [1e9, 's'],
  [1e6, 'ms'],
  [1e3, 'µs'],
];

/** A value in the profile's unit, humanised: durations for nanoseconds, sizes for bytes. */
export function formatValue(value: number, unit: string): string {
  if (unit === 'nanoseconds') {
    for (const [scale, suffix] of UNIT_SCALE) if (value >= scale) return `${(value / scale).toFixed(2)} ${suffix}`;
    return `${value} ns`;
  }
  if (unit === 'bytes') {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let v = value;
    let i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
  }
  return String(value);
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function hotspotLines(hotspot: Hotspot, report: ProfileReport, rank: number, color: boolean): string[] {
  const s = style(color);
  const out = [
    `  ${String(rank).padStart(2)}. ${s.bold(percent(hotspot.share).padStart(6))}  ` +
      `${formatValue(hotspot.value, report.unit).padEnd(12)} ${s.cyan(sanitize(hotspot.function))}  ` +
      `${sanitize(hotspot.file)}:${hotspot.line}`,
  ];
  if (hotspot.context) out.push(codeFrame(hotspot.context, s, { indent: '        ' }));
  for (const link of hotspot.linkedTo ?? [])
    out.push(s.yellow(`        also the ${link.what} at ${sanitize(link.location.file)}:${link.location.line}`));
  return out;
}

export function profileToText(
  result: ProfileResult,
  options: { color: boolean; top?: number; stacks?: boolean },
): string {
  const s = style(options.color);
  const out: string[] = [];
  for (const report of result.profiles) {
    out.push(
      s.bold(`${report.type} profile`) + s.dim(`  ${report.file}  total ${formatValue(report.total, report.unit)}`),
    );
    if (report.typeGuessed !== undefined) out.push(s.dim(`  ${sanitize(report.typeGuessed)}`));
    if (report.hotspots.length === 0) out.push('  (no samples)');
    report.hotspots.slice(0, options.top ?? 10).forEach((hotspot, i) => {
      out.push(...hotspotLines(hotspot, report, i + 1, options.color));
      if (options.stacks) {
        const stack = hotspot.stacks[0];
        for (const frame of stack?.frames.slice(0, 12) ?? [])
          out.push(s.dim(`          ${sanitize(frame.function)}  ${sanitize(frame.file)}:${frame.line}`));
      }
    });
    out.push('');
  }
  if (result.conclusions.length > 0) {
    out.push(s.bold('Crossed with the crash/race log'));
    for (const conclusion of result.conclusions) out.push(`  - ${sanitize(conclusion)}`);
    out.push('');
  }
  return out.join('\n');
}

export function profileToMarkdown(result: ProfileResult): string {
  const out: string[] = ['# goroscope profile'];
  for (const report of result.profiles) {
    out.push(
      '',
      `## ${report.type} profile: ${inlineCode(report.file)}`,
      '',
      `Total: ${formatValue(report.total, report.unit)}`,
      '',
    );
    if (report.typeGuessed !== undefined) out.push(`Type: ${escapeMarkdown(report.typeGuessed)}`, '');
    out.push('| # | share | value | function | where |', '|---:|---:|---:|---|---|');
    report.hotspots.slice(0, 20).forEach((h, i) => {
      out.push(
        `| ${i + 1} | ${percent(h.share)} | ${formatValue(h.value, report.unit)} | ${inlineCode(h.function)} | ` +
          `${inlineCode(`${h.file}:${h.line}`)} |`,
      );
    });
    const top = report.hotspots[0]?.stacks[0];
    if (top) {
      out.push(
        '',
        'Heaviest stack:',
        '',
        codeBlock(top.frames.map((f) => `${f.function}\n\t${f.file}:${f.line}`).join('\n')),
      );
    }
  }
  if (result.conclusions.length > 0) {
    out.push('', '## Crossed with the crash/race log', '');
    for (const c of result.conclusions) out.push(`- ${escapeMarkdown(c)}`);
  }
  return out.join('\n') + '\n';
}
