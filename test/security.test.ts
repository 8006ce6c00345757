// Security-group rules: named by what they permit (never by list position), one resource per AWS
// permission, and the ICMP path MTU discovery needs on the public load balancers' groups.
import * as assert from "node:assert/strict";
import { cidrKey } from "../components/cidr";
import { uniqueCidrs } from "../components/security";
import type { RecordedResource } from "../plan/mocks";
import type { Plan } from "../plan/run";
import { checkPlan } from "../policy/offline";
import { ofType, plan, TYPES } from "./helpers";

const A = "198.51.100.0/24";
const B = "203.0.113.0/24";
const C = "192.0.2.0/24";

/** What AWS identifies a rule by: group, protocol, ports and source. */
function permission(r: RecordedResource): string {
  const i = r.inputs;
  const cidr = (i.cidrIpv4 ?? i.cidrIpv6) as string | undefined;
  const source = cidr !== undefined ? cidrKey(cidr) : String(i.referencedSecurityGroupId);
  return [i.securityGroupId, i.ipProtocol, i.fromPort, i.toPort, source].join("|");
}

function rulesFrom(p: Plan, cidr: string): RecordedResource[] {
  return ofType(p, TYPES.ingress).filter((r) => r.inputs.cidrIpv4 === cidr);
}

/** Every rule of `before` whose range is still listed in `after` is there with the same URN and inputs. */
function assertKept(before: Plan, after: Plan, kept: string[]): void {
  const afterByUrn = new Map(ofType(after, TYPES.ingress).map((r) => [r.urn, r]));
  let compared = 0;
  for (const cidr of kept) {
    for (const r of rulesFrom(before, cidr)) {
      const same = afterByUrn.get(r.urn);
      assert.ok(same, `${r.name} (${cidr}) kept its URN`);
      assert.deepEqual(same.inputs, r.inputs, `${r.name} kept its inputs`);
      compared++;
    }
  }
  assert.ok(compared > 0, "compared some rules");
}

describe("security group rules", function () {
  this.timeout(120_000);

  it("key a range by a stable, name-safe form; one entry per range", () => {
    assert.equal(cidrKey("203.0.113.0/24"), "203-0-113-0-24");
    assert.equal(cidrKey("0.0.0.0/0"), "0-0-0-0-0");
    assert.equal(cidrKey("2001:DB8:0:0::/32"), "2001-db8---32");
    assert.equal(cidrKey("2001:db8::/32"), cidrKey("2001:0db8:0000::/032"));
    assert.notEqual(cidrKey("2001:db8::/32"), cidrKey("2001:db8::/48"));
    for (const key of [cidrKey("::/0"), cidrKey("10.0.0.0/8")])
      assert.match(key, /^[0-9a-f-]+$/, "only a-z, 0-9 and '-'");
    assert.deepEqual(
      uniqueCidrs([B, A, B, "2001:db8::/32", "2001:0DB8::/32"]).map((u) => u.cidr),
      [B, A, "2001:db8::/32"],
    );
    assert.throws(() => cidrKey("203.0.113.0"), /not a CIDR/);
  });

  it("adding, removing or reordering an admin range leaves every other rule's URN and inputs", async () => {
    const base = await plan("prod", [`adminCidrs=${JSON.stringify([A, B])}`]);
    const reordered = await plan("prod", [`adminCidrs=${JSON.stringify([B, A])}`]);
    const added = await plan("prod", [`adminCidrs=${JSON.stringify([C, A, B])}`]);
    const removed = await plan("prod", [`adminCidrs=${JSON.stringify([B])}`]);
    assertKept(base, reordered, [A, B]);
    assertKept(base, added, [A, B]);
    assertKept(base, removed, [B]);
    // SSH and the API on the servers, 6443 and path MTU ICMP on the public NLB.
    assert.equal(rulesFrom(base, A).length, 4);
    assert.equal(rulesFrom(added, C).length, 4);
    assert.equal(rulesFrom(removed, A).length, 0);
  });

  it("adding, removing or reordering a client range leaves every other rule's URN and inputs", async () => {
    for (const mode of ["l4", "l7"]) {
      const lb = `loadBalancer=${mode}`;
      const base = await plan("dev", [lb, `ingressCidrs=${JSON.stringify([A, C])}`]);
      const reordered = await plan("dev", [lb, `ingressCidrs=${JSON.stringify([C, A])}`]);
      const added = await plan("dev", [lb, `ingressCidrs=${JSON.stringify([B, A, C])}`]);
      const removed = await plan("dev", [lb, `ingressCidrs=${JSON.stringify([C])}`]);
      assertKept(base, reordered, [A, C]);
      assertKept(base, added, [A, C]);
      assertKept(base, removed, [C]);
      // 80, 443 and path MTU ICMP on the front end's group.
      assert.equal(rulesFrom(base, A).length, 3, mode);
    }
  });

  it("adopts the rules of stacks deployed before: position names are aliases", async () => {
    // One range: the rule was "<component>-<role>" (SSH to public servers, the earlier layout).
    const dev = await plan("dev", ["nodeAccess=public"]);
    const ssh = ofType(dev, TYPES.ingress).find(
      (r) => r.name === `rancher-sec-ssh-admin-${cidrKey(B)}`,
    )!;
    assert.ok(ssh, "named by what it permits");
    assert.ok((ssh.aliases ?? []).includes(ssh.urn.replace(/::[^:]+$/, "::rancher-sec-ssh-admin")));
    // Several ranges: "<component>-<role>-<position>".
    const prod = await plan("prod"); // adminCidrs [198.51.100.0/24, 203.0.113.0/24]
    for (const [cidr, position] of [
      [A, 1],
      [B, 2],
    ] as const) {
      const api = rulesFrom(prod, cidr).find((r) => r.name.startsWith("rancher-cp-api-admin-"))!;
      assert.equal(api.name, `rancher-cp-api-admin-${cidrKey(cidr)}`);
      const legacy = api.urn.replace(/::[^:]+$/, `::rancher-cp-api-admin-${position}`);
      assert.ok((api.aliases ?? []).includes(legacy), `${api.name} was ${legacy}`);
    }
  });

  it("never gives two rule resources the same permission (AWS InvalidPermission.Duplicate)", async () => {
    const cases: [string, string[]][] = [
      ["dev", []],
      ["prod", []],
      // An admin range that is also a client range: one path MTU rule on the public NLB.
      ["dev", [`adminCidrs=${JSON.stringify([B])}`, `ingressCidrs=${JSON.stringify([B, A])}`]],
      ["prod", [`ingressCidrs=${JSON.stringify([A, B])}`]],
      // Two spellings of one IPv6 range.
      ["dev", [`ingressCidrs=${JSON.stringify(["2001:db8::/32", "2001:0db8::/32", A])}`]],
    ];
    for (const [stack, overrides] of cases) {
      const p = await plan(stack, overrides);
      const seen = new Map<string, string>();
      for (const r of ofType(p, TYPES.ingress)) {
        const key = permission(r);
        assert.ok(!seen.has(key), `${r.name} and ${seen.get(key)} both permit ${key}`);
        seen.set(key, r.name);
      }
    }
  });

  it("keeps a range's path MTU rule when it moves between the client and admin lists", async () => {
    const clientOnly = await plan("dev", [`ingressCidrs=${JSON.stringify([A])}`]);
    const both = await plan("dev", [
      `ingressCidrs=${JSON.stringify([A])}`,
      `adminCidrs=${JSON.stringify([B, A])}`,
    ]);
    const pmtu = (p: Plan) =>
      rulesFrom(p, A).filter((r) => r.inputs.ipProtocol === "icmp" && r.name.includes("-nlb-"));
    const [before] = pmtu(clientOnly);
    const [after] = pmtu(both);
    assert.match(before.urn, /NlbFrontEnd\$/, "the front end holds a client range's rule");
    assert.match(after.urn, /ControlPlaneEndpoint\$/, "the control plane holds an admin range's");
    assert.equal(pmtu(both).length, 1);
    // The engine adopts the existing rule under its new parent instead of creating a duplicate.
    assert.ok((after.aliases ?? []).includes(before.urn), "moved, not re-created");
    assert.deepEqual(after.inputs, before.inputs);
    const back = pmtu(clientOnly)[0];
    assert.ok((back.aliases ?? []).includes(after.urn), "and back");
  });

  it("lets path MTU discovery through to the public load balancers (ICMP type 3 code 4)", async () => {
    const icmp = (p: Plan, sg: string) =>
      ofType(p, TYPES.ingress)
        .filter(
          (r) => r.inputs.securityGroupId === sg && String(r.inputs.ipProtocol).startsWith("icmp"),
        )
        .map((r) => [
          r.inputs.ipProtocol,
          r.inputs.fromPort,
          r.inputs.toPort,
          r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6,
        ])
        .sort();
    // l4: the public NLB serves the clients (80/443) and the admins (6443).
    const l4 = await plan("dev", [`ingressCidrs=${JSON.stringify([A, "2001:db8::/32"])}`]);
    assert.deepEqual(icmp(l4, "rancher-cp-nlb-id"), [
      ["icmp", 3, 4, A],
      ["icmp", 3, 4, B],
      ["icmpv6", 2, 0, "2001:db8::/32"],
    ]);
    // l7: clients reach the ALB; the public NLB serves only the admins.
    const l7 = await plan("prod");
    assert.deepEqual(icmp(l7, "rancher-l7-alb-id"), [["icmp", 3, 4, "0.0.0.0/0"]]);
    assert.deepEqual(icmp(l7, "rancher-cp-nlb-id"), [
      ["icmp", 3, 4, A],
      ["icmp", 3, 4, B],
    ]);
    assert.deepEqual(icmp(l7, "rancher-sec-nodes-id"), [], "nothing new on the servers");
    // The policy pack admits it (world-open on a public load balancer's group only).
    for (const p of [l4, l7, await plan("dev")]) {
      assert.deepEqual(
        checkPlan(p).filter((v) => v.policy === "no-world-ingress-except-web"),
        [],
      );
    }
  });
});
