// The RKE2 servers have no public address unless the stack chose public servers (nodeAccess
// public, a sandbox mode): the server holding the keys to every downstream cluster stays off the
// internet. The bastion is not a server.
import { isBastion } from "./lb-deletion-protection-when-protected";
import { type Rule, TYPES } from "./types";
import { show } from "./values";

export const serversWithoutPublicIp: Rule = {
  name: "servers-without-public-ip",
  description:
    "EC2 server instances (not the bastion) do not ask for a public IP " +
    "(associatePublicIpAddress), unless allowPublicServers (policy config, default false; the " +
    "offline plan sets it for nodeAccess public).",
  enforcementLevel: "mandatory",
  resourceTypes: [TYPES.instance],
  configSchema: {
    properties: {
      allowPublicServers: {
        type: "boolean",
        default: false,
        description: "The stack is configured with rancher-ha:nodeAccess public (a sandbox).",
      },
    },
  },
  validate(r, options) {
    if (options.allowPublicServers === true || isBastion(r)) return [];
    const asked = r.props.associatePublicIpAddress;
    if (asked !== true) return [];
    return [
      `associatePublicIpAddress is ${show(asked)}: servers get no public IP; reach them through ` +
        "a bastion or SSM (rancher-ha:nodeAccess bastion or ssm)",
    ];
  },
};
