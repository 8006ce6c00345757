// Waits until the instance's SSM agent is Online before a command is sent: a command sent to an
// instance that never registers would only fail after its delivery timeout, with no hint why.
import { DescribeInstanceInformationCommand, type Clock, type Log, type SsmApi } from "./api";

/** Seconds between DescribeInstanceInformation calls. */
export const REGISTRATION_POLL_SECONDS = 5;

export interface NodeRef {
  step: string;
  node: string;
  instanceId: string;
}

/** The node as messages name it: "rancher-server-2 (i-0abc…)". */
export const nodeLabel = (n: NodeRef): string => `${n.node} (${n.instanceId})`;

/**
 * Resolves once DescribeInstanceInformation reports the instance with PingStatus Online; throws
 * the likely causes after `boundSeconds`.
 */
export async function waitForRegistration(
  api: SsmApi,
  n: NodeRef,
  boundSeconds: number,
  clock: Clock,
  log: Log,
): Promise<void> {
  const deadline = clock.now() + boundSeconds * 1000;
  let last = "<none>";
  let announced = false;
  for (;;) {
    // "InstanceIds" is a documented filter key (client-ssm InstanceInformationStringFilter).
    const out = await api.send(
      new DescribeInstanceInformationCommand({
        Filters: [{ Key: "InstanceIds", Values: [n.instanceId] }],
      }),
    );
    const info = (out.InstanceInformationList ?? []).find((i) => i.InstanceId === n.instanceId);
    last = info?.PingStatus ?? "<none>";
    if (last === "Online") {
      if (announced) log(`${nodeLabel(n)} is Online in SSM`);
      return;
    }
    if (clock.now() >= deadline) throw new Error(registrationMessage(n, boundSeconds, last));
    if (!announced) {
      log(`waiting up to ${boundSeconds}s for ${nodeLabel(n)} to register with SSM (now: ${last})`);
      announced = true;
    }
    await clock.sleep(REGISTRATION_POLL_SECONDS * 1000);
  }
}

/**
 * Sources for the causes: the Ubuntu snap unit name (amazon-ssm-agent
 * Tools/src/update/ubuntu/snap-install.sh); the agent's back-off after AccessDenied
 * (core/app/credentialrefresher) and its hibernation of up to 60 minutes
 * (agent/hibernation/hibernation.go).
 */
export function registrationMessage(n: NodeRef, boundSeconds: number, last: string): string {
  return [
    `server ${nodeLabel(n)} did not register with SSM within ${boundSeconds}s (last state: ${last}); step ${n.step} was not run.`,
    "Likely causes:",
    "  - no egress to SSM: the private subnets need a NAT route (rancher-ha:natGateways) or VPC endpoints ssm, ssmmessages, ec2messages",
    "  - no instance profile with AmazonSSMManagedInstanceCore on the instance",
    "  - the SSM agent is missing or stopped (Canonical Ubuntu ships it as the snap service snap.amazon-ssm-agent.amazon-ssm-agent)",
    "  - the agent started without permissions and is backing off (25-30 min after AccessDenied, up to 60 min",
    "    in hibernation): re-run `pulumi up` later, or restart the agent (`sudo snap restart amazon-ssm-agent`)",
  ].join("\n");
}
