// Tags and protection against deletion.
// Part of the configuration schema (../schema.ts): its "Tags and protection" section, in order.
import type { KeySpec } from "../keySpec";

export const TAG_KEYS = {
  tags: {
    type: "map",
    description: "Tags for every taggable AWS resource (a stack tag is always added).",
    unset: "{}",
    group: "Tags and protection",
    doc: {
      default: "`{}`",
      notes:
        "On every taggable AWS resource, plus `rancher-ha:project` / `rancher-ha:stack`. Keys 1-128 characters, not `aws:`; values up to 256.",
    },
  },
  protect: {
    type: "boolean",
    description:
      "Deletion protection on the load balancers and Pulumi protect on stateful resources.",
    default: false,
    group: "Tags and protection",
    doc: {
      notes:
        "Deletion protection on the load balancers, Pulumi `protect` on servers, load balancers, certificate, DNS record and the Rancher release.",
    },
  },
} as const satisfies Record<string, KeySpec & { group: "Tags and protection" }>;
