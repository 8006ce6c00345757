// SSH and the Kubernetes API never open to the world.
import { KUBE_API_PORT, SSH_PORT } from "../../components/ports";
import { worldOpenings, type WorldOpening } from "./permissions";
import { INGRESS_TYPES, type Rule } from "./types";

function coversTcpPort(o: WorldOpening, port: number): boolean {
  return (o.protocol === "all" || o.protocol === "tcp") && o.fromPort <= port && port <= o.toPort;
}

const ADMIN_PORTS: readonly { port: number; what: string }[] = [
  { port: SSH_PORT, what: "SSH" },
  { port: KUBE_API_PORT, what: "the Kubernetes API" },
];

export const adminPortsRestricted: Rule = {
  name: "admin-ports-restricted",
  description: "SSH (22) and the Kubernetes API (6443) are never open to the world.",
  enforcementLevel: "mandatory",
  resourceTypes: INGRESS_TYPES,
  validate(r) {
    const messages: string[] = [];
    for (const o of worldOpenings(r)) {
      for (const { port, what } of ADMIN_PORTS) {
        if (!coversTcpPort(o, port)) continue;
        messages.push(
          `${o.where}opens TCP ${port} (${what}) to ${o.source}: admin ports must be limited to ` +
            "admin networks (adminCidrs)",
        );
      }
    }
    return messages;
  },
};
