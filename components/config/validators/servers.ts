// The servers: how many, what they run on, how they are reached, which one is replaced.
import { problem, type Finding, type Validator, warning } from "../problems";
import type { ServerCount } from "../resolved";
import { DEFAULTS, type RancherHaSettings } from "../schema";
import { instanceTypeProblem } from "./instanceTypes";

const SERVER_COUNTS: readonly number[] = [1, 3, 5, 7] satisfies ServerCount[];

export function isServerCount(n: number): n is ServerCount {
  return SERVER_COUNTS.includes(n);
}

/** The number of servers the stack asks for (the default when unset). */
export function serverCountOf(s: RancherHaSettings): number {
  return s.serverCount ?? DEFAULTS.serverCount;
}

export const checkServers: Validator = (s) => {
  const out: Finding[] = [];
  const serverCount = serverCountOf(s);
  if (!isServerCount(serverCount)) {
    const why =
      serverCount < 0
        ? ": a number of servers cannot be negative"
        : serverCount === 0
          ? ": the cluster needs at least one server"
          : "";
    out.push(
      problem(
        "serverCount",
        `${serverCount} is not supported${why}; use an odd count of 3, 5 or 7 (etcd quorum), or 1 for a sandbox`,
      ),
    );
  } else if (serverCount === 1) {
    out.push(warning("rancher-ha:serverCount is 1: a sandbox without high availability"));
  }
  const itProblem = instanceTypeProblem(s.instanceType ?? DEFAULTS.instanceType);
  if (itProblem) out.push(problem("instanceType", itProblem));
  const rootVolumeGiB = s.rootVolumeGiB ?? DEFAULTS.rootVolumeGiB;
  if (!Number.isInteger(rootVolumeGiB) || rootVolumeGiB < 30 || rootVolumeGiB > 16384) {
    out.push(
      problem(
        "rootVolumeGiB",
        `${rootVolumeGiB} is out of range; use 30 to 16384 GiB (100 recommended)`,
      ),
    );
  }
  if (s.amiId !== undefined && !/^ami-[0-9a-f]{8}([0-9a-f]{9})?$/.test(s.amiId)) {
    out.push(problem("amiId", `"${s.amiId}" is not an AMI ID like ami-0123456789abcdef0`));
  }
  const sshUser = s.sshUser ?? DEFAULTS.sshUser;
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(sshUser)) {
    out.push(problem("sshUser", `"${sshUser}" is not a valid Linux user name`));
  }
  if (
    s.sshPrivateKey !== undefined &&
    !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(s.sshPrivateKey)
  ) {
    out.push(
      problem(
        "sshPrivateKey",
        "is not a PEM or OpenSSH private key (-----BEGIN … PRIVATE KEY-----)",
      ),
    );
  }
  // Against a bad serverCount the range would read "use 1 to -3": that key is reported already.
  if (
    s.replaceServer !== undefined &&
    isServerCount(serverCount) &&
    (!Number.isInteger(s.replaceServer) || s.replaceServer < 1 || s.replaceServer > serverCount)
  ) {
    out.push(
      problem(
        "replaceServer",
        `${s.replaceServer} is not a server; use 1 to ${serverCount}, or unset it`,
      ),
    );
  }
  return out;
};
