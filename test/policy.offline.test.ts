// checkPlan over the real program's offline plans: the dev stack passes in both modes, and
// plans changed to break a rule are reported with the rule and resource named.
import * as assert from "node:assert/strict";
import type { RecordedResource } from "../plan/mocks";
import { Plan, runPlan } from "../plan/run";
import { Secret, UNKNOWN } from "../plan/values";
import { checkPlan, formatViolation, toPolicyResource, Violation } from "../policy/offline";
import { ingressPermissions, runRules, TYPES, worldOpenings } from "../policy/rules";
import { FIXTURE_STACKS } from "./helpers";

type Resources = Pick<Plan, "resources">;

function find(plan: Resources, name: string): RecordedResource {
  const r = plan.resources.find((x) => x.name === name);
  assert.ok(r, `plan has no resource ${name}`);
  return r;
}

/** A copy of the plan with one resource's inputs (and optionally more) changed. */
function changed(
  plan: Resources,
  name: string,
  change: (
    inputs: Record<string, unknown>,
    r: RecordedResource,
  ) => Partial<RecordedResource> | void,
): Resources {
  find(plan, name);
  return {
    resources: plan.resources.map((r) => {
      if (r.name !== name) return r;
      const inputs = { ...r.inputs };
      const more = change(inputs, r) ?? {};
      return { ...r, inputs, ...more };
    }),
  };
}

function pairs(vs: Violation[]): string[] {
  return vs.map((v) => `${v.policy} ${v.resourceName}`);
}

describe("policy: checkPlan on the offline plan", () => {
  let l4: Plan;
  let l7: Plan;
  /** Public servers (nodeAccess public): SSH to the servers' own group from admin networks. */
  let pub: Plan;
  before(async () => {
    l4 = await runPlan({ stack: "dev", stackDir: FIXTURE_STACKS });
    l7 = await runPlan({ stack: "dev", overrides: ["loadBalancer=l7"], stackDir: FIXTURE_STACKS });
    pub = await runPlan({
      stack: "dev",
      overrides: ["nodeAccess=public"],
      stackDir: FIXTURE_STACKS,
    });
  });

  it("the plans hold what the rules look at (so passing means something)", () => {
    for (const plan of [l4, l7]) {
      const shapes = plan.resources.map(toPolicyResource);
      const world = shapes.flatMap((r) =>
        worldOpenings(r).map((o) => `${o.protocol} ${o.fromPort}`),
      );
      // 80/443 and the ICMP path MTU discovery needs, on the public load balancer's group.
      assert.deepEqual(world.sort(), ["icmp 3", "tcp 443", "tcp 80"]);
      // Three servers and the bastion.
      assert.equal(shapes.filter((r) => r.type === TYPES.instance).length, 4);
      const start = shapes.find((r) => r.name === "rancher-rke2-1-start");
      assert.deepEqual(start?.secretProps?.includes("stdin"), true);
      assert.equal(typeof start?.props.stdin, "string", "secrets are unwrapped for the rules");
    }
    const listeners = l7.resources.filter((r) => r.type === TYPES.lbListener);
    assert.ok(listeners.some((r) => r.inputs.protocol === "HTTPS"));
    assert.ok(
      l7.resources.some(
        (r) => r.type === TYPES.lbLoadBalancer && r.inputs.loadBalancerType === "application",
      ),
    );
  });

  it("the dev stack passes every policy in L4 and L7, with private or public servers", () => {
    assert.deepEqual(checkPlan(l4), []);
    assert.deepEqual(checkPlan(l7), []);
    assert.deepEqual(checkPlan(pub, { allowPublicServers: true }), []);
    assert.deepEqual(
      [...new Set(checkPlan(pub).map((v) => v.policy))],
      ["servers-without-public-ip"],
      "public servers are what the stack chose, not a default",
    );
  });

  it("reports SSH opened to the world, by all three group rules, naming the resource", () => {
    const plan = changed(pub, "rancher-sec-ssh-admin-203-0-113-0-24", (i) => {
      i.cidrIpv4 = "0.0.0.0/0";
    });
    const vs = checkPlan(plan, { allowPublicServers: true });
    assert.deepEqual(pairs(vs), [
      "no-world-ingress-except-web rancher-sec-ssh-admin-203-0-113-0-24",
      "admin-ports-restricted rancher-sec-ssh-admin-203-0-113-0-24",
      "node-ingress-least-privilege rancher-sec-ssh-admin-203-0-113-0-24",
    ]);
    assert.equal(vs[0].resourceUrn, find(pub, "rancher-sec-ssh-admin-203-0-113-0-24").urn);
    assert.equal(vs[0].resourceType, TYPES.ingressRule);
    assert.equal(
      vs[1].message,
      "opens TCP 22 (SSH) to 0.0.0.0/0: admin ports must be limited to admin networks (adminCidrs)",
    );
  });

  it("reports 443 from the world moved onto the nodes' group (a stack check)", () => {
    const nodes = find(l4, "rancher-sec-nodes");
    const plan = changed(l4, "rancher-l4-https-0-0-0-0-0", (i, r) => {
      i.securityGroupId = "rancher-sec-nodes-id";
      return {
        propertyDependencies: { ...r.propertyDependencies, securityGroupId: [nodes.urn] },
      };
    });
    const vs = checkPlan(plan);
    assert.deepEqual(pairs(vs), [
      "no-world-ingress-except-web rancher-l4-https-0-0-0-0-0",
      "node-ingress-least-privilege rancher-l4-https-0-0-0-0-0",
    ]);
    assert.match(
      vs[0].message,
      /^opens TCP 443 to 0\.0\.0\.0\/0 on a security group that no internet-facing/,
    );
  });

  describe("node-ingress-least-privilege", () => {
    const POLICY = "node-ingress-least-privilege";
    const WEB =
      "80 and 443 on the servers may only be opened to a load balancer's security group, never to a CIDR";

    /** A copy of the plan with one rule on the servers' group opened to a CIDR instead. */
    const toCidr = (plan: Resources, name: string, cidr: string) =>
      changed(plan, name, (i, r) => {
        assert.equal(i.securityGroupId, "rancher-sec-nodes-id", `${name} is on the servers`);
        delete i.referencedSecurityGroupId;
        i.cidrIpv4 = cidr;
        const deps = { ...r.propertyDependencies };
        delete deps.referencedSecurityGroupId;
        return { propertyDependencies: deps };
      });

    it("the plans open the servers' ports the way the rule allows (so passing means something)", () => {
      /** `protocol ports <- source` for every permission on the instances' group. */
      const onServers = (plan: Plan) => {
        const shapes = plan.resources.map(toPolicyResource);
        const groups = new Set(
          shapes
            .filter((r) => r.type === TYPES.instance && r.name.startsWith("rancher-server-"))
            .flatMap((r) => r.props.vpcSecurityGroupIds),
        );
        assert.deepEqual([...groups], ["rancher-sec-nodes-id"]);
        return shapes
          .filter((r) => r.type === TYPES.ingressRule && groups.has(r.props.securityGroupId))
          .flatMap(ingressPermissions)
          .map((p) => {
            const s = p.source;
            const from = s.kind === "cidr" ? s.cidr : s.kind === "group" ? s.label : s.kind;
            return `${p.protocol} ${p.fromPort}-${p.toPort} <- ${from}`;
          });
      };
      const l4Rules = onServers(l4);
      for (const expected of [
        "tcp 80-80 <- rancher-cp-nlb-id",
        "tcp 443-443 <- rancher-cp-nlb-id",
        "tcp 10250-10250 <- rancher-sec-nodes-id",
        "udp 8472-8472 <- rancher-sec-nodes-id",
        "tcp 6443-6443 <- rancher-cp-int-id",
        "tcp 9345-9345 <- rancher-cp-int-id",
        "tcp 9345-9345 <- rancher-sec-nodes-id",
        // Private servers: SSH from the bastion only, the API only through the load balancers.
        "tcp 22-22 <- rancher-bastion-sg-id",
      ]) {
        assert.ok(l4Rules.includes(expected), `l4: ${expected}`);
      }
      assert.ok(!l4Rules.some((r) => r.includes("<- 203.0.113.0/24")), "no range on the servers");
      const publicRules = onServers(pub);
      for (const expected of ["tcp 6443-6443 <- 203.0.113.0/24", "tcp 22-22 <- 203.0.113.0/24"]) {
        assert.ok(publicRules.includes(expected), `public: ${expected}`);
      }
      const l7Rules = onServers(l7);
      assert.ok(l7Rules.includes("tcp 80-80 <- rancher-l7-alb-id"));
      assert.ok(!l7Rules.some((r) => r.startsWith("tcp 443-443")), "L7 keeps 443 closed");
    });

    it("the dev (L4, L7) and prod plans pass it", async () => {
      const prod = await runPlan({ stack: "prod", stackDir: FIXTURE_STACKS });
      for (const [what, plan] of [
        ["dev", l4],
        ["dev l7", l7],
        ["prod", prod],
      ] as const) {
        assert.deepEqual(checkPlan(plan, { policies: [POLICY] }), [], what);
        assert.deepEqual(checkPlan(plan, { requireProtection: plan.config.protect }), [], what);
      }
    });

    it("reports 443 on the servers' group opened to a CIDR, naming the rule and resource", () => {
      const plan = toCidr(l4, "rancher-l4-from-lb-https", "10.0.0.0/8");
      const vs = checkPlan(plan);
      assert.deepEqual(vs.map(formatViolation), [
        `[${POLICY}] rancher-l4-from-lb-https (${TYPES.ingressRule}): opens TCP 443 on the ` +
          `servers' security group to 10.0.0.0/8: ${WEB}`,
      ]);
      assert.equal(vs[0].resourceUrn, find(l4, "rancher-l4-from-lb-https").urn);
      // From the world, the world rule (443 off a public LB's group) reports it too.
      const world = toCidr(l4, "rancher-l4-from-lb-https", "0.0.0.0/0");
      assert.deepEqual(pairs(checkPlan(world)), [
        "no-world-ingress-except-web rancher-l4-from-lb-https",
        `${POLICY} rancher-l4-from-lb-https`,
      ]);
      // L7: plain HTTP from the ALB, opened to a CIDR.
      const http = toCidr(l7, "rancher-l7-from-alb-http", "10.0.0.0/8");
      assert.deepEqual(pairs(checkPlan(http)), [`${POLICY} rancher-l7-from-alb-http`]);
    });

    it("reports the supervisor opened to the admin networks and kubelet to the public NLB", () => {
      let plan = toCidr(l4, "rancher-sec-self-supervisor", "203.0.113.0/24");
      plan = changed(plan, "rancher-sec-self-kubelet", (i, r) => {
        i.referencedSecurityGroupId = "rancher-cp-nlb-id";
        const nlb = find(l4, "rancher-cp-nlb");
        const group = nlb.propertyDependencies.securityGroups;
        return {
          propertyDependencies: { ...r.propertyDependencies, referencedSecurityGroupId: group },
        };
      });
      assert.deepEqual(
        checkPlan(plan).map((v) => `${v.resourceName}: ${v.message.split(":")[0]}`),
        [
          "rancher-sec-self-supervisor: opens TCP 9345 on the servers' security group to 203.0.113.0/24",
          "rancher-sec-self-kubelet: opens TCP 10250 on the servers' security group to load balancer group rancher-cp-nlb-id",
        ],
      );
    });

    it("links the groups by URN when every ID is unknown (a first preview)", () => {
      /** Every mock ID ("<name>-id") replaced by the plan's unknown marker. */
      const unknownIds = (v: unknown): unknown => {
        if (typeof v === "string" && /^rancher-[a-z0-9-]+-id$/.test(v)) return UNKNOWN;
        if (Array.isArray(v)) return v.map(unknownIds);
        if (v instanceof Secret) return v;
        if (v !== null && typeof v === "object") {
          return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unknownIds(x)]));
        }
        return v;
      };
      const preview = (plan: Resources): Resources => ({
        resources: plan.resources.map((r) => ({
          ...r,
          inputs: unknownIds(r.inputs) as Record<string, unknown>,
        })),
      });
      const pending = preview(l4);
      const server = toPolicyResource(find(pending, "rancher-server-1"));
      assert.deepEqual(server.props.vpcSecurityGroupIds, [Symbol.for("rancher-ha.policy.unknown")]);
      assert.deepEqual(checkPlan(pending, { policies: [POLICY] }), []);
      assert.deepEqual(checkPlan(preview(l7), { policies: [POLICY] }), []);
      const opened = preview(toCidr(l4, "rancher-l4-from-lb-https", "10.0.0.0/8"));
      assert.deepEqual(pairs(checkPlan(opened, { policies: [POLICY] })), [
        `${POLICY} rancher-l4-from-lb-https`,
      ]);
    });
  });

  it("reports IMDSv1 left on, an unencrypted root volume and secrets in user data", () => {
    let plan = changed(l4, "rancher-server-2", (i) => {
      i.metadataOptions = { ...(i.metadataOptions as object), httpTokens: "optional" };
      i.rootBlockDevice = { ...(i.rootBlockDevice as object), encrypted: false };
      i.userData = new Secret("#cloud-config\nwrite_files:\n- content: 'token: abc'\n");
    });
    plan = changed(plan, "rancher-server-3", (i) => {
      i.metadataOptions = { ...(i.metadataOptions as object), httpPutResponseHopLimit: 3 };
    });
    assert.deepEqual(
      checkPlan(plan).map((v) => `${v.policy} ${v.resourceName}: ${v.message.split(":")[0]}`),
      [
        'imdsv2-required rancher-server-2: metadataOptions.httpTokens is "optional"',
        "imdsv2-required rancher-server-3: metadataOptions.httpPutResponseHopLimit is 3",
        "encrypted-root-volume rancher-server-2: rootBlockDevice.encrypted is false",
        "no-secrets-in-user-data rancher-server-2: userData is marked secret, but EC2 stores user data in clear text",
        "no-secrets-in-user-data rancher-server-2: userData contains what looks like a token (`token",
      ],
    );
  });

  it("reports a dropped TLS policy and an ALB that keeps invalid headers (L7)", () => {
    let plan = changed(l7, "rancher-l7-https", (i) => {
      delete i.sslPolicy;
    });
    plan = changed(plan, "rancher-l7-alb", (i) => {
      i.dropInvalidHeaderFields = false;
    });
    const vs = checkPlan(plan);
    assert.deepEqual(pairs(vs), [
      "alb-drops-invalid-headers rancher-l7-alb",
      "modern-tls-policy rancher-l7-https",
    ]);
    assert.equal(
      vs[1].message,
      "HTTPS listener has no sslPolicy: AWS then applies ELBSecurityPolicy-2016-08 (TLS 1.0+); set sslPolicy to ELBSecurityPolicy-TLS13-1-2-2021-06",
    );
    const old = changed(l7, "rancher-l7-https", (i) => {
      i.sslPolicy = "ELBSecurityPolicy-2016-08";
    });
    assert.deepEqual(pairs(checkPlan(old)), ["modern-tls-policy rancher-l7-https"]);
  });

  it("reports the join token's command logging stdout; a secret stdin counts as secret", () => {
    const plan = changed(l4, "rancher-rke2-1-start", (i) => {
      delete i.logging;
    });
    assert.ok(find(plan, "rancher-rke2-1-start").inputs.stdin instanceof Secret);
    const kube = changed(l4, "rancher-rke2-kubeconfig", (i) => {
      i.logging = "stdoutAndStderr";
    });
    assert.deepEqual(pairs(checkPlan(plan)), [
      "remote-commands-no-secret-logging rancher-rke2-1-start",
    ]);
    assert.deepEqual(checkPlan(kube).map(formatViolation), [
      '[remote-commands-no-secret-logging] rancher-rke2-kubeconfig (command:remote:Command): stdout is an additional secret output, but logging is "stdoutAndStderr": set logging to "stderr" or "none" so stdout is never logged',
    ]);
    // The same stdin without the secret mark is not a secret here.
    const plain = changed(plan, "rancher-rke2-1-start", (i) => {
      i.stdin = (i.stdin as Secret).value;
    });
    assert.deepEqual(checkPlan(plain), []);
  });

  describe("requireProtection", () => {
    it("the dev stack (protect false) violates it on every stateful resource", async () => {
      const vs = checkPlan(l7, { requireProtection: true });
      assert.ok(vs.every((v) => v.policy === "lb-deletion-protection-when-protected"));
      // The bastion is not stateful: switching nodeAccess removes it.
      const stateful = (r: RecordedResource) =>
        ([TYPES.lbLoadBalancer, TYPES.instance, TYPES.certificate].includes(r.type as never) &&
          r.name !== "rancher-bastion") ||
        (r.type === TYPES.helmRelease && r.inputs.name === "rancher");
      const expected = l7.resources.filter(stateful).map((r) => r.name);
      assert.deepEqual([...new Set(vs.map((v) => v.resourceName))].sort(), expected.sort());
      // Every kind is there: servers, the load balancers, the certificate, the Rancher release.
      for (const name of [
        "rancher-server-1",
        "rancher-cp-nlb",
        "rancher-l7-alb",
        "rancher-l7-cert",
      ]) {
        assert.ok(expected.includes(name), name);
      }
      assert.ok(expected.includes("rancher-install-rancher"));
      assert.ok(!vs.some((v) => v.resourceName.includes("cert-manager")));
      assert.equal(
        checkPlan(await runPlan({ stack: "dev", stackDir: FIXTURE_STACKS }), {
          requireProtection: false,
        }).length,
        0,
      );
    });

    it("protect=true passes it, in both modes", async () => {
      for (const mode of ["l4", "l7"]) {
        const plan = await runPlan({
          stack: "dev",
          overrides: [`loadBalancer=${mode}`, "protect=true"],
          stackDir: FIXTURE_STACKS,
        });
        assert.deepEqual(checkPlan(plan, { requireProtection: true }), [], mode);
        // And protect=true changed the plan: without it the rule fails (see above).
        assert.ok(
          plan.resources.some((r) => r.protect),
          mode,
        );
      }
    });
  });

  it("runs a subset of the policies by name and rejects unknown names", () => {
    const plan = changed(pub, "rancher-sec-ssh-admin-203-0-113-0-24", (i) => {
      i.cidrIpv4 = "0.0.0.0/0";
    });
    assert.deepEqual(pairs(checkPlan(plan, { policies: ["admin-ports-restricted"] })), [
      "admin-ports-restricted rancher-sec-ssh-admin-203-0-113-0-24",
    ]);
    assert.throws(
      () => checkPlan(plan, { policies: ["no-such-policy"] }),
      /unknown policies: no-such-policy/,
    );
  });

  it("sees the same shapes the rules get directly", () => {
    const shapes = l4.resources.map(toPolicyResource);
    assert.deepEqual(runRules(shapes), []);
  });
});
