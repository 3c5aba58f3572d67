// The lint config file: `.goroscope.json` in the working directory (or --config <file>):
//   { "lint": { "rules": { "copied-lock": "off", "goroutine-leak": "error" } } }
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../errors.js';
import { rules } from './rule-registry.js';
import type { LintConfig } from './lint-packages.js';
import { DIRECTIVE_RULE } from './suppressions.js';
import type { Severity } from '../../model.js';

function isSetting(value: unknown): value is Severity | 'off' {
  return value === 'off' || value === 'error' || value === 'warning' || value === 'info';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseLintConfig(text: string, path: string): LintConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON`, {
      cause: error,
      hint: 'fix the JSON syntax of the config file',
    });
  }
  if (!isRecord(parsed))
    throw new ConfigError(`${path}: expected a JSON object`, { hint: 'write { "lint": { "rules": { ... } } }' });
  const lint = parsed['lint'];
  if (lint === undefined) return {};
  if (!isRecord(lint))
    throw new ConfigError(`${path}: "lint" must be an object`, { hint: 'write { "lint": { "rules": { ... } } }' });
  const known = new Set([...rules.map((rule) => rule.meta.name), DIRECTIVE_RULE]);
  const out: Record<string, Severity | 'off'> = {};
  const ruleSettings = lint['rules'];
  if (ruleSettings !== undefined) {
    if (!isRecord(ruleSettings))
      throw new ConfigError(`${path}: "lint.rules" must be an object`, {
        hint: 'map rule names to "off", "error", "warning" or "info"',
      });
    for (const [name, value] of Object.entries(ruleSettings)) {
      if (!known.has(name))
        throw new ConfigError(`${path}: unknown rule "${name}"`, { hint: `known rules: ${[...known].join(', ')}` });
      if (!isSetting(value))
        throw new ConfigError(`${path}: rule "${name}" must be "off", "error", "warning" or "info"`, {
          hint: 'fix the value in the config file',
        });
      out[name] = value;
    }
  }
  const config: LintConfig = { rules: out };
  const toolchain = lint['goToolchain'];
  if (toolchain !== undefined) {
    if (typeof toolchain !== 'string' || !GO_VERSION.test(toolchain))
      throw new ConfigError(`${path}: "lint.goToolchain" must be a Go version such as "1.27.3"`, {
        hint: 'name the Go toolchain that builds the code, e.g. "1.26.8" or "go1.27.3"',
      });
    config.goToolchain = toolchain;
  }
  return config;
}

/** A Go release as `go env GOVERSION`, go.mod's `toolchain` line or a user writes it: 1.27, 1.27.3, go1.27.3. */
export const GO_VERSION = /^(go)?1\.\d+(\.\d+)?$/;

/** Reads the config named on the command line, else `.goroscope.json` in cwd, else none. */
export function loadLintConfig(cwd: string, explicit: string | undefined): LintConfig {
  const path = explicit === undefined ? join(cwd, '.goroscope.json') : join(cwd, explicit);
  if (!existsSync(path)) {
    if (explicit !== undefined)
      throw new ConfigError(`config file not found: ${explicit}`, { hint: 'check the --config path' });
    return {};
  }
  return parseLintConfig(readFileSync(path, 'utf8'), path);
}
