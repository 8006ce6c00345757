// The policy pack: its policy list and its adapter over the engine's arguments (secrets
// unwrapped, preview unknowns behind a throwing proxy). The pack as Pulumi's own policy runner
// serves it: policy.runner.test.ts.
import { PolicyResource, ResourceValidationArgs, unknownCheckingProxy } from "@pulumi/policy";
import * as assert from "node:assert/strict";
import { PackPolicy, policies, toPlain } from "../policy/policies";
import { RULE_NAMES, RULES, TYPES, UNKNOWN } from "../policy/rules";

/** The engine's wire sentinel (pulumi sdk) for an unknown string. */
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const urnOf = (type: string, name: string) => `urn:pulumi:dev::rancher-ha::${type}::${name}`;

function resourceArgs(
  type: string,
  name: string,
  props: Record<string, unknown>,
  opts: { protect?: boolean; additionalSecretOutputs?: string[]; config?: object } = {},
): ResourceValidationArgs {
  const notApplicable = (reason?: string): never => {
    throw new Error(`not applicable: ${reason ?? ""}`);
  };
  return {
    type,
    name,
    urn: urnOf(type, name),
    props: unknownCheckingProxy(props),
    opts: {
      protect: opts.protect ?? false,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: opts.additionalSecretOutputs ?? [],
    },
    stackTags: new Map(),
    isType: (cls) => (cls as unknown as { __pulumiType?: string }).__pulumiType === type,
    asType: () => undefined,
    getConfig: <T extends object>() => (opts.config ?? {}) as T,
    notApplicable,
  };
}

function policy(name: string): PackPolicy {
  const p = policies.find((x) => x.name === name);
  assert.ok(p, name);
  return p;
}

/** Runs one policy's resource validation the way the SDK's server does. */
async function validateResource(name: string, args: ResourceValidationArgs): Promise<string[]> {
  const v = policy(name).validateResource;
  assert.ok(typeof v === "function", `${name} validates resources with one function`);
  const messages: string[] = [];
  await v(args, (message) => messages.push(String(message)));
  return messages;
}

describe("policy pack", () => {
  it(`declares the pack "rancher-ha" with every rule, in order, mandatory`, () => {
    assert.deepEqual(
      policies.map((p) => p.name),
      RULE_NAMES,
    );
    for (const p of policies) {
      const rule = RULES.find((r) => r.name === p.name);
      assert.equal(p.enforcementLevel, "mandatory");
      assert.equal(p.description, rule?.description);
    }
  });

  it("runs resource checks in the resource phase and the group/LB link in the stack phase", () => {
    const world = policy("no-world-ingress-except-web");
    assert.equal(typeof world.validateResource, "function");
    assert.equal(typeof world.validateStack, "function");
    // Which group is the servers' is only known from the whole stack.
    const nodes = policy("node-ingress-least-privilege");
    assert.equal(nodes.validateResource, undefined);
    assert.equal(typeof nodes.validateStack, "function");
    const stackOnly = ["no-world-ingress-except-web", "node-ingress-least-privilege"];
    for (const p of policies.filter((x) => !stackOnly.includes(x.name))) {
      assert.equal(typeof p.validateResource, "function", p.name);
      assert.equal(p.validateStack, undefined, p.name);
    }
  });

  it("declares requireProtection (default false) as the protection policy's config", () => {
    assert.deepEqual(policy("lb-deletion-protection-when-protected").configSchema, {
      properties: {
        requireProtection: {
          type: "boolean",
          default: false,
          description: "The stack is configured with protect: true (rancher-ha:protect).",
        },
      },
    });
  });

  describe("adapter over the engine's arguments", () => {
    it("copies props out of the preview proxy, unknowns as UNKNOWN", () => {
      const props = unknownCheckingProxy({
        a: UNKNOWN_STRING,
        b: [1, UNKNOWN_STRING, { c: "x" }],
        d: { e: UNKNOWN_STRING, f: true },
      });
      assert.throws(() => (props as { a: unknown }).a, /can't be known during preview/);
      assert.deepEqual(toPlain(props), {
        a: UNKNOWN,
        b: [1, UNKNOWN, { c: "x" }],
        d: { e: UNKNOWN, f: true },
      });
    });

    it("reports through validateResourceOfType for the rule's resource type", async () => {
      const bad = resourceArgs(TYPES.instance, "server-1", {
        ami: UNKNOWN_STRING,
        metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 1 },
      });
      assert.deepEqual(await validateResource("imdsv2-required", bad), [
        'metadataOptions.httpTokens is "optional": set it to "required" so the metadata service only answers IMDSv2 session requests',
      ]);
      const good = resourceArgs(TYPES.instance, "server-1", {
        ami: UNKNOWN_STRING,
        metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
      });
      assert.deepEqual(await validateResource("imdsv2-required", good), []);
      const other = resourceArgs(TYPES.certificate, "cert", {});
      await assert.rejects(validateResource("imdsv2-required", other), /not applicable/);
    });

    it("dispatches multi-type rules to the resource's type, once", async () => {
      const alias = resourceArgs(TYPES.albLoadBalancer, "alb", { loadBalancerType: "application" });
      assert.deepEqual(await validateResource("alb-drops-invalid-headers", alias), [
        "dropInvalidHeaderFields is not set: an application load balancer must set dropInvalidHeaderFields: true",
      ]);
      const instance = resourceArgs(TYPES.instance, "server-1", {});
      await assert.rejects(
        validateResource("alb-drops-invalid-headers", instance),
        /not applicable: Policy only applies to resources of type aws:lb\/loadBalancer:LoadBalancer, aws:alb\/loadBalancer:LoadBalancer/,
      );
    });

    it("reads requireProtection from the policy config and protect from the options", async () => {
      const lb = (protect: boolean, config: object) =>
        resourceArgs(
          TYPES.lbLoadBalancer,
          "nlb",
          { enableDeletionProtection: protect },
          { protect, config },
        );
      const name = "lb-deletion-protection-when-protected";
      assert.deepEqual(await validateResource(name, lb(false, {})), []);
      assert.equal(
        (await validateResource(name, lb(false, { requireProtection: true }))).length,
        2,
      );
      assert.deepEqual(await validateResource(name, lb(true, { requireProtection: true })), []);
    });

    it("treats any command stdin as secret (the SDK unwraps secrets before policies run)", async () => {
      const cmd = (logging?: string) =>
        resourceArgs(TYPES.remoteCommand, "start", {
          create: "x",
          stdin: "t",
          ...(logging ? { logging } : {}),
        });
      const name = "remote-commands-no-secret-logging";
      assert.equal((await validateResource(name, cmd())).length, 1);
      assert.deepEqual(await validateResource(name, cmd("stderr")), []);
    });

    it("links groups to load balancers through property dependencies in the stack phase", async () => {
      const sgUrn = urnOf(TYPES.securityGroup, "lb-sg");
      const stackResource = (
        type: string,
        name: string,
        props: Record<string, unknown>,
        deps: Record<string, string[]> = {},
      ): PolicyResource => ({
        type,
        name,
        urn: urnOf(type, name),
        props: unknownCheckingProxy(props),
        opts: resourceArgs(type, name, {}).opts,
        dependencies: [],
        propertyDependencies: Object.fromEntries(
          Object.entries(deps).map(([k, urns]) => [
            k,
            urns.map((u) => ({ urn: u }) as PolicyResource),
          ]),
        ),
        isType: () => false,
        asType: () => undefined,
      });
      const lb = stackResource(
        TYPES.lbLoadBalancer,
        "nlb",
        { internal: false, securityGroups: [UNKNOWN_STRING] },
        {
          securityGroups: [sgUrn],
        },
      );
      const https = (groupUrn: string) =>
        stackResource(
          TYPES.ingressRule,
          "https",
          {
            securityGroupId: UNKNOWN_STRING,
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrIpv4: "0.0.0.0/0",
          },
          { securityGroupId: [groupUrn] },
        );
      const run = async (resources: PolicyResource[]) => {
        const found: { message: string; urn?: string }[] = [];
        await policy("no-world-ingress-except-web").validateStack?.(
          {
            resources,
            stackTags: new Map(),
            getConfig: <T extends object>() => ({}) as T,
            notApplicable: () => {
              throw new Error("n/a");
            },
          },
          (message, urn) => found.push({ message: String(message), ...(urn ? { urn } : {}) }),
        );
        return found;
      };
      assert.deepEqual(await run([lb, https(sgUrn)]), []);
      const other = https(urnOf(TYPES.securityGroup, "nodes"));
      assert.deepEqual(await run([lb, other]), [
        {
          message:
            "opens TCP 443 to 0.0.0.0/0 on a security group that no internet-facing load balancer uses: 80/443 may be open to the world only on a public load balancer's group",
          urn: other.urn,
        },
      ]);
    });
  });
});
