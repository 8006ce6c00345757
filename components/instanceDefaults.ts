// What every EC2 instance of the stack (the servers, the bastion) is launched with; the policy
// pack checks the same (policy/rules/imdsv2-required.ts, encrypted-root-volume.ts).
import type * as aws from "@pulumi/aws";

/**
 * IMDSv2 only (session tokens required), and a hop limit of 1: only the host itself reaches the
 * metadata service, so pods cannot borrow the instance's identity.
 */
export const METADATA_OPTIONS = {
  httpEndpoint: "enabled",
  httpTokens: "required",
  httpPutResponseHopLimit: 1,
} as const satisfies aws.types.input.ec2.InstanceMetadataOptions;

/** An encrypted gp3 root volume of `sizeGiB`, gone with the instance. */
export function rootVolume(
  sizeGiB: number,
  tags: Record<string, string>,
): aws.types.input.ec2.InstanceRootBlockDevice {
  return {
    volumeType: "gp3",
    volumeSize: sizeGiB,
    encrypted: true,
    deleteOnTermination: true,
    tags,
  };
}
