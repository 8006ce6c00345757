// The rancher-ha policy pack, as the Pulumi CLI runs it:
//   pulumi preview --policy-pack policy      (from the repository root; see policy/README.md)
// Serving starts here, so tests import ./policies instead of this module.
import { PolicyPack } from "@pulumi/policy";
import { packPolicies, POLICY_PACK_NAME } from "./policies";

new PolicyPack(POLICY_PACK_NAME, {
  description:
    "rancher-ha guardrails: no world-open ports but 80/443 on a public load balancer, admin " +
    "ports restricted, the servers' ports open only to load balancers, each other and admins, " +
    "IMDSv2, encrypted volumes, no secrets in user data or command logs, TLS 1.2+ listeners, " +
    "ALB header hygiene, and protection when the stack asks for it.",
  enforcementLevel: "mandatory",
  policies: packPolicies,
});
