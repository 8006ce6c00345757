// instanceType: a real EC2 type (from the vendored list), x86_64, at least RKE2's minimum size.
import data from "../data/ec2-instance-types.json";
import { nearest } from "./nearest";

export interface InstanceTypeInfo {
  arch: "x86_64" | "arm64";
  vcpus: number;
  memoryMiB: number;
}

let table: Map<string, InstanceTypeInfo> | undefined;

/** Every type of components/data/ec2-instance-types.json (see its `source`). */
export function knownInstanceTypes(): ReadonlyMap<string, InstanceTypeInfo> {
  if (!table) {
    table = new Map();
    for (const [family, line] of Object.entries(data.families as Record<string, string>)) {
      const [arch, ...sizes] = line.split(" ");
      for (const size of sizes) {
        const [name, vcpus, memoryMiB] = size.split(":");
        table.set(`${family}.${name}`, {
          arch: arch as InstanceTypeInfo["arch"],
          vcpus: Number(vcpus),
          memoryMiB: Number(memoryMiB),
        });
      }
    }
  }
  return table;
}

/** RKE2's minimum for a server (rke2-docs install/requirements). */
export const RKE2_MIN = { vcpus: 2, memoryMiB: 4096 } as const;

const ARM64 = (type: string) =>
  `${type} is an arm64 (Graviton) type but the servers run amd64 Ubuntu; use an x86 type such as m6i.xlarge`;

export function instanceTypeProblem(type: string): string | undefined {
  const m = /^([a-z][a-z0-9-]*)\.([a-z0-9-]+)$/.exec(type);
  if (!m) return `"${type}" is not an EC2 instance type like m6i.xlarge`;
  const info = knownInstanceTypes().get(type);
  if (!info) {
    // Graviton families carry a "g" right after the generation (m7g, c6gn, t4g, im4gn).
    if (/^[a-z]+\d+g/.test(m[1])) return ARM64(type);
    const family = [...knownInstanceTypes().keys()].filter((t) => t.startsWith(`${m[1]}.`));
    const near = nearest(type, family.length > 0 ? family : knownInstanceTypes().keys(), 2);
    return `"${type}" is not an EC2 instance type this program knows${near ? `; did you mean ${near}?` : ""} (the known types are in components/data/ec2-instance-types.json)`;
  }
  if (info.vcpus < RKE2_MIN.vcpus || info.memoryMiB < RKE2_MIN.memoryMiB) {
    return `${type} is below RKE2's minimum of 2 vCPU and 4 GiB (it has ${info.vcpus} vCPU, ${info.memoryMiB / 1024} GiB); use m6i.xlarge (recommended) or at least m6i.large`;
  }
  if (info.arch !== "x86_64") return ARM64(type);
  return undefined;
}
