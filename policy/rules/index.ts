// The rancher-ha policies as pure functions over plain resource shapes, one rule per file.
//
// Nothing here imports Pulumi: the same rules run inside the policy engine (policy/policies.ts
// adapts the engine's arguments) and over the offline plan (policy/offline.ts), and tests call
// them directly. A rule returns violation messages; it never throws on odd input.
import { adminPortsRestricted } from "./admin-ports-restricted";
import { albDropsInvalidHeaders } from "./alb-drops-invalid-headers";
import { encryptedRootVolume } from "./encrypted-root-volume";
import { imdsv2Required } from "./imdsv2-required";
import { lbDeletionProtectionWhenProtected } from "./lb-deletion-protection-when-protected";
import { modernTlsPolicy } from "./modern-tls-policy";
import { noSecretsInUserData } from "./no-secrets-in-user-data";
import { noWorldIngressExceptWeb } from "./no-world-ingress-except-web";
import { nodeIngressLeastPrivilege } from "./node-ingress-least-privilege";
import { remoteCommandsNoSecretLogging } from "./remote-commands-no-secret-logging";
import { serversWithoutPublicIp } from "./servers-without-public-ip";
import type { PolicyResourceShape, Rule, RuleOptions } from "./types";

export * from "./types";
export { ingressPermissions, isWorldCidr, worldOpenings } from "./permissions";
export type { IngressPermission, IngressSource, WorldOpening } from "./permissions";
export { NODE_TO_NODE_PORTS, SERVER_PORTS } from "./node-ingress-least-privilege";
export type { PortSpec, ServerPorts, SourceKind } from "./node-ingress-least-privilege";
export { MAX_HOP_LIMIT } from "./imdsv2-required";
export { USER_DATA_SECRET_PATTERNS } from "./no-secrets-in-user-data";
export {
  isModernTlsPolicy,
  MODERN_TLS_POLICY_PATTERNS,
  RECOMMENDED_TLS_POLICY,
} from "./modern-tls-policy";
export { RANCHER_RELEASE_NAME } from "./lb-deletion-protection-when-protected";
export { DEFAULT_COMMAND_LOGGING, SAFE_COMMAND_LOGGING } from "./remote-commands-no-secret-logging";

/** Every rule, in reporting order. */
export const RULES: readonly Rule[] = [
  noWorldIngressExceptWeb,
  adminPortsRestricted,
  nodeIngressLeastPrivilege,
  serversWithoutPublicIp,
  imdsv2Required,
  encryptedRootVolume,
  noSecretsInUserData,
  albDropsInvalidHeaders,
  modernTlsPolicy,
  lbDeletionProtectionWhenProtected,
  remoteCommandsNoSecretLogging,
];

export const RULE_NAMES: readonly string[] = RULES.map((r) => r.name);

export function ruleByName(name: string): Rule {
  const rule = RULES.find((r) => r.name === name);
  if (!rule) throw new Error(`no policy rule named "${name}"`);
  return rule;
}

export interface Finding {
  rule: Rule;
  resource: PolicyResourceShape;
  message: string;
}

/** Runs rules (default: all) over a whole stack: each resource's checks, then the stack's. */
export function runRules(
  resources: readonly PolicyResourceShape[],
  options: RuleOptions = {},
  rules: readonly Rule[] = RULES,
): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
    if (rule.validate) {
      for (const resource of resources) {
        if (!rule.resourceTypes.includes(resource.type)) continue;
        for (const message of rule.validate(resource, options)) {
          findings.push({ rule, resource, message });
        }
      }
    }
    if (rule.validateStack) {
      for (const { resource, message } of rule.validateStack(resources, options)) {
        findings.push({ rule, resource, message });
      }
    }
  }
  return findings;
}
