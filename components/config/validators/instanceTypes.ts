// instanceType: a real EC2 type (from the vendored lists), x86_64, at least RKE2's minimum size.
import names from "../../data/ec2-instance-type-names.json";
import data from "../../data/ec2-instance-types.json";
import { nearest } from "../nearest";

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

let allNames: Set<string> | undefined;

/**
 * Every type name EC2's API model lists (components/data/ec2-instance-type-names.json): the
 * "is it a real type" check. The sized table above covers only what three US regions offer, so a
 * real type missing there (i3, t8i, mac*) is judged by its name instead of refused.
 */
export function instanceTypeNames(): ReadonlySet<string> {
  allNames ??= new Set(names.names);
  return allNames;
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
    if (!instanceTypeNames().has(type)) {
      const family = [...instanceTypeNames()].filter((t) => t.startsWith(`${m[1]}.`));
      const near = nearest(type, family.length > 0 ? family : instanceTypeNames(), 2);
      return `"${type}" is not an EC2 instance type${near ? `; did you mean ${near}?` : ""} (the known types are in components/data/ec2-instance-type-names.json)`;
    }
    return unsizedTypeProblem(type, m[1], m[2]);
  }
  if (info.vcpus < RKE2_MIN.vcpus || info.memoryMiB < RKE2_MIN.memoryMiB) {
    return `${type} is below RKE2's minimum of 2 vCPU and 4 GiB (it has ${info.vcpus} vCPU, ${info.memoryMiB / 1024} GiB); use m6i.xlarge (recommended) or at least m6i.large`;
  }
  if (info.arch !== "x86_64") return ARM64(type);
  return undefined;
}

/** A real type without size data: judged by its name (family and size conventions). */
function unsizedTypeProblem(type: string, family: string, size: string): string | undefined {
  if (family.startsWith("mac")) {
    return `${type} is a Mac instance (macOS on a dedicated host); use an x86 Linux type such as m6i.xlarge`;
  }
  // Graviton families carry a "g" right after the generation (m7g, c6gn, t4g, im4gn).
  if (/^[a-z]+\d+g/.test(family)) return ARM64(type);
  // t-family "medium" has 2 vCPU / 4 GiB; other families' medium has 1 vCPU.
  if (["nano", "micro", "small"].includes(size) || (size === "medium" && !/^t\d/.test(family))) {
    return `${type} is below RKE2's minimum of 2 vCPU and 4 GiB; use m6i.xlarge (recommended) or at least m6i.large`;
  }
  return undefined;
}

/**
 * The bastion's type: a real EC2 type that boots the servers' amd64 Ubuntu image (no arm64, no
 * Mac). No size minimum: it only forwards SSH.
 */
export function bastionInstanceTypeProblem(type: string): string | undefined {
  const m = /^([a-z][a-z0-9-]*)\.([a-z0-9-]+)$/.exec(type);
  if (!m) return `"${type}" is not an EC2 instance type like t3.micro`;
  if (!instanceTypeNames().has(type)) {
    const family = [...instanceTypeNames()].filter((t) => t.startsWith(`${m[1]}.`));
    const near = nearest(type, family.length > 0 ? family : instanceTypeNames(), 2);
    return `"${type}" is not an EC2 instance type${near ? `; did you mean ${near}?` : ""} (the known types are in components/data/ec2-instance-type-names.json)`;
  }
  if (m[1].startsWith("mac")) {
    return `${type} is a Mac instance (macOS on a dedicated host); use an x86 Linux type such as t3.micro`;
  }
  const arch = knownInstanceTypes().get(type)?.arch;
  if (arch === "arm64" || (arch === undefined && /^[a-z]+\d+g/.test(m[1]))) {
    return `${type} is an arm64 (Graviton) type but the bastion boots the servers' amd64 Ubuntu image; use an x86 type such as t3.micro`;
  }
  return undefined;
}
