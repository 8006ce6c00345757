// What the restore reads from the stack through the Automation API: the `restoreTarget` output,
// the SSH key (a generated one is an output; a given one is config), and whether an update runs.
import { PROJECT } from "../../components/config";
import { automationEngine } from "../engine";
import { mapEngineError } from "../errors";
import { workspaceArgs, type StackOptions } from "../stack";
import type { StackStatus } from "./run";
import { parseRestoreTarget, RestoreTargetError, type RestoreTarget } from "./target";

export interface RestoreInputs {
  target: RestoreTarget;
  /** Secret; held in memory only, never printed. */
  sshPrivateKey?: string;
  /** `aws:profile` of the stack, for the S3 client (as Pulumi's AWS provider uses it). */
  awsProfile?: string;
  status: StackStatus;
}

export async function readRestoreInputs(
  stackName: string,
  options: StackOptions = {},
): Promise<RestoreInputs> {
  const engine = options.engine ?? automationEngine;
  const ws = await workspaceArgs(stackName, options);
  try {
    const stack = await engine.selectStack(ws);
    const outputs = await stack.outputs();
    const target = parseRestoreTarget(outputs.restoreTarget?.value);
    const config = await stack.getAllConfig();
    let key = outputs.sshPrivateKey?.value as unknown;
    if (typeof key !== "string" && target.nodeAccess !== "ssm") {
      key = config[`${PROJECT}:sshPrivateKey`]?.value;
    }
    const profile = config["aws:profile"]?.value;
    const summary = (await engine.listStacks(ws)).find((s) => s.name === stackName);
    return {
      target,
      ...(typeof key === "string" && key !== "" ? { sshPrivateKey: key } : {}),
      ...(profile ? { awsProfile: profile } : {}),
      status: {
        updateInProgress: summary?.updateInProgress === true,
        ...(summary?.lastUpdate ? { lastUpdate: new Date(summary.lastUpdate) } : {}),
      },
    };
  } catch (e) {
    if (e instanceof RestoreTargetError) {
      throw new RestoreTargetError(
        `stack ${stackName}: ${e.message}; deploy it with backups on first (npm run deploy -- --stack ${stackName} up)`,
      );
    }
    throw mapEngineError(e, { stackName, operation: "outputs" });
  }
}
