// The node side of every step, as text: the same string runs over SSH and over SSM, so the two
// transports differ only in how it reaches the node.
import * as pulumi from "@pulumi/pulumi";
import { nodeScript } from "./nodePaths";
import type { NodeCommand, ScriptCall, StepSpec } from "./types";

export {
  CLUSTER_PARAMS_ON_NODE,
  NODE_SCRIPTS_DIR,
  nodeScript,
  PARAMS_ON_NODE,
  SCRIPTS_ON_NODE,
  STAGING_DIR,
} from "./nodePaths";

const PATH_RE = /^(\/[A-Za-z0-9._-]+)+$/;

/** A NodeCommand running `scripts` in order. */
export function scripts(first: ScriptCall | string, ...rest: (ScriptCall | string)[]): NodeCommand {
  const call = (c: ScriptCall | string): ScriptCall => (typeof c === "string" ? { script: c } : c);
  return { kind: "scripts", calls: [call(first), ...rest.map(call)] };
}

/** The command line a NodeCommand runs on the node (stdin, if any, is the step's input). */
export function renderNodeCommand(cmd: NodeCommand): pulumi.Input<string> {
  switch (cmd.kind) {
    case "scripts":
      return cmd.calls.map((c) => nodeScript(c.script, c.args)).join(" && ");
    case "writeFile":
      // The content arrives on stdin; the command line is fixed text.
      return pulumi.output(cmd.path).apply((p) => {
        if (!PATH_RE.test(p)) throw new Error(`writeFile: not a plain absolute path: ${p}`);
        return `sudo -n install -D -m ${cmd.mode} /dev/stdin ${p}`;
      });
    default: {
      const unknown: never = cmd;
      throw new Error(`unknown node command ${JSON.stringify(unknown)}`);
    }
  }
}

/** Spec mistakes that would put a secret where it does not belong; both transports refuse them. */
export function checkStepSpec(name: string, spec: StepSpec): void {
  if (spec.secretStdin !== undefined && spec.input !== undefined) {
    throw new Error(`${name}: a step takes either secretStdin or input, not both`);
  }
  if (spec.secretStdout && spec.logging !== "none" && spec.logging !== "stderr") {
    throw new Error(
      `${name}: a step with secret stdout must not log stdout (logging "none" or "stderr")`,
    );
  }
}
