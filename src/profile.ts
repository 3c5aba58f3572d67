// The profile pipeline: read pprof files, rank hot spots in user code, optionally cross them with a
// crash or race log. Returns one ProfileResult for every renderer.
import { crossLink, profileReport } from './analyse/hotspots.js';
import { sourceContext } from './source/source-tree.js';
import { explain, openSourceTree } from './explain.js';
import type { ProfileData, ProfileResult, ProfileType } from './model.js';
import { readProfile } from './parse/pprof.js';

export interface ProfileOptions {
  /** Force the profile type when the file does not say (mutex and block profiles look alike). */
  type?: ProfileType;
  /** Crash or race logs to cross the hot spots with. */
  explainLogs?: string[];
  /** Hot spots kept per profile. */
  limit?: number;
  /** Local source tree for the hot spots' lines; false for none. Default: the Go module around cwd. */
  srcDir?: string | false;
  cwd?: string;
  /**
   * Only samples carrying all of these pprof labels count (protobuf sample labels, debug=1 `# labels:`, debug=2
   * headers).
   */
  labelFilter?: Record<string, string>;
  /** Receives each profile's full samples (for flame graphs, which need every stack, not only the hot spots). */
  onData?: (data: ProfileData) => void;
}

/** The profile restricted to samples that carry every label of the filter; the total follows. */
function withLabels(data: ProfileData, filter: Record<string, string> | undefined): ProfileData {
  if (filter === undefined) return data;
  const keys = Object.keys(filter);
  const samples = data.samples.filter((s) => keys.every((k) => s.labels?.[k] === filter[k]));
  let total = 0;
  for (const s of samples) total += s.value;
  return { ...data, samples, total };
}

export async function profile(files: string[], options: ProfileOptions = {}): Promise<ProfileResult> {
  const profiles = [];
  for (const file of files) {
    const data = withLabels(await readProfile(file, options.type), options.labelFilter);
    options.onData?.(data);
    profiles.push(profileReport(data, options.limit));
  }
  const tree = openSourceTree(options.srcDir, options.cwd ?? process.cwd());
  if (tree) {
    for (const report of profiles) {
      for (const hotspot of report.hotspots) {
        const context = sourceContext(tree, hotspot.file, hotspot.line);
        if (context) hotspot.context = context;
      }
    }
  }
  let conclusions: string[] = [];
  if (options.explainLogs && options.explainLogs.length > 0) {
    conclusions = crossLink(profiles, await explain(options.explainLogs, { srcDir: false }));
  }
  return { schemaVersion: 1, profiles, hotspots: profiles[0]?.hotspots ?? [], conclusions };
}
