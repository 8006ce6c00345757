// The modeled first deploy as a Mermaid gantt chart (renders on GitHub): every step on the
// critical path, tagged `crit`, and the longer steps running beside it, one section per server,
// load balancers, DNS and certificate, Kubernetes and Helm.
import type { DeployEstimate, Step } from "./deploy";

/** Steps off the critical path shorter than this are left out (dozens of 2-second API calls). */
export const MIN_SECONDS_SHOWN = 10;

/** 0 → "00:00:00": gantt times are elapsed time from the start of `pulumi up`. */
export function clock(seconds: number): string {
  const s = Math.round(seconds);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

/** 75 → "1m15s", 45 → "45s". */
export function shortDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

/** Task text: Mermaid reads `:` as the start of the task's data and `#`/`;` as syntax. */
function taskText(text: string): string {
  return text.replace(/[:;#]/g, "-").replace(/\s+/g, " ").trim();
}

export function renderTimeline(estimate: DeployEstimate, title: string): string {
  const shown = estimate.steps.filter((s) => s.critical || s.seconds >= MIN_SECONDS_SHOWN);
  const sections = new Map<string, Step[]>();
  for (const s of [...shown].sort((a, b) => a.start - b.start)) {
    const list = sections.get(s.group) ?? [];
    list.push(s);
    sections.set(s.group, list);
  }
  const lines = [
    "gantt",
    `  title ${taskText(title)}`,
    // Wall-clock parsing and formatting in the same (local) time zone: the axis reads as
    // elapsed time whatever the reader's zone.
    "  dateFormat HH:mm:ss",
    "  axisFormat %H:%M",
    "  todayMarker off",
    `  %% Modeled estimate: typical durations per kind of step (plan/estimate/durations.ts) over`,
    `  %% the plan's dependency graph. crit = critical path; steps under ${MIN_SECONDS_SHOWN}s off it are left out.`,
  ];
  let id = 0;
  for (const [section, steps] of sections) {
    lines.push(`  section ${taskText(section)}`);
    for (const s of steps) {
      const text = taskText(`${s.name} ${s.label} ${shortDuration(s.seconds)}`);
      const tags = s.critical ? "crit, " : "";
      lines.push(`    ${text} :${tags}t${id++}, ${clock(s.start)}, ${clock(s.finish)}`);
    }
  }
  return lines.join("\n") + "\n";
}
