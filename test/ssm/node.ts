// Runs a script the way the SSM agent runs AWS-RunShellScript's `commands` (writes _script.sh
// 0700 and runs `sh -c <file>`: amazon-ssm-agent plugins/runscript), inside a test sandbox, and
// reports what GetCommandInvocation would: the status, exit code, and stdout/stderr cut like the
// agent cuts them (pluginutil.StringPrefix at 24,000 / 8,000 with its suffix).
import * as fs from "node:fs";
import * as path from "node:path";
import { TRUNCATED_SUFFIX } from "../../ssm/invoke";
import type { RunResult, Sandbox } from "../sandbox/sandbox";
import type { Invocation } from "./fake";

/** The node's real paths live under the sandbox root, as a chroot would put them. */
const ROOTED = ["/opt/rancher-ha", "/var/lib/rancher"];

export function rootScript(sb: Sandbox, script: string): string {
  return ROOTED.reduce((s, p) => s.split(p).join(sb.rootPath(p)), script);
}

function prefix(text: string, max: number): string {
  return Buffer.byteLength(text) < max
    ? text
    : text.slice(0, max - TRUNCATED_SUFFIX.length) + TRUNCATED_SUFFIX;
}

let n = 0;

export async function runOnNode(
  sb: Sandbox,
  script: string,
): Promise<{ result: RunResult; invocation: Invocation }> {
  const dir = path.join(sb.dir, "agent", String(++n));
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "_script.sh");
  fs.writeFileSync(file, rootScript(sb, script), { mode: 0o700 });
  const result = await sb.runShell(`sh -c '${file}'`, { timeoutMs: 60_000 });
  const invocation: Invocation = {
    Status: result.code === 0 ? "Success" : "Failed",
    StatusDetails: result.code === 0 ? "Success" : "Failed",
    ResponseCode: result.code ?? -1,
    StandardOutputContent: prefix(result.stdout, 24_000),
    StandardErrorContent: prefix(result.stderr, 8_000),
  };
  return { result, invocation };
}
