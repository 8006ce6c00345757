// The ingress controller a cluster runs is pinned in the stack's state: an RKE2 upgrade across
// the Traefik default (v1.36) keeps it; only setting `ingressController` changes it.
import * as assert from "node:assert/strict";
import { parse } from "yaml";
import type { Plan } from "../plan/run";
import { byName, plan, TYPES, unwrap } from "./helpers";

const PIN = "rancher-ingress-controller";
const V135 = "v1.35.7+rke2r1";
const V136 = "v1.36.3+rke2r1";

/** A previous deployment whose pin holds `controller`. */
const deployedWith = (controller: string) => ({
  previousInputs: { [PIN]: { keepers: { ingressController: controller } } },
});

/** Everything that must agree on the controller. */
function wiring(p: Plan) {
  const rke2 = parse(
    (byName(p, "rancher-rke2-1-config", TYPES.copy).inputs.source as { text: string }).text,
  );
  const tuning = Object.values(p.resources).find((r) => /^rancher-l[47]-ingress-1$/.test(r.name))!;
  const values = unwrap(byName(p, "rancher-install-rancher", TYPES.release).inputs.values) as {
    ingress: { ingressClassName: string };
  };
  const alb = p.resources.find((r) => r.name === "rancher-l7-http" && r.type === TYPES.targetGroup);
  return {
    rke2: (rke2 as Record<string, unknown>)["ingress-controller"],
    chart: (parse(tuning.inputs.stdin as string) as { metadata: { name: string } }).metadata.name,
    rancherClass: values.ingress.ingressClassName,
    healthPath: (alb?.inputs.healthCheck as { path?: string } | undefined)?.path,
    output: p.outputs.ingressController,
  };
}

describe("ingress controller across upgrades", function () {
  this.timeout(120_000);

  it("a new cluster gets the default of its RKE2 version, pinned in the state", async () => {
    const traefik = await plan("prod");
    assert.deepEqual(wiring(traefik), {
      rke2: ["traefik"],
      chart: "rke2-traefik",
      rancherClass: "traefik",
      healthPath: "/ping",
      output: "traefik",
    });
    const pin = byName(traefik, PIN, "random:index/randomId:RandomId");
    assert.deepEqual(pin.inputs.keepers, { ingressController: "traefik" });
    assert.deepEqual(pin.ignoreChanges, ["keepers"], "kept once created");
    const nginx = await plan("prod", [`rke2Version=${V135}`]);
    assert.deepEqual(wiring(nginx).rke2, ["ingress-nginx"]);
  });

  it("an upgrade across the Traefik default keeps ingress-nginx, everywhere, and says why", async () => {
    for (const stack of ["dev", "prod"]) {
      const p = await plan(stack, [`rke2Version=${V136}`], deployedWith("ingress-nginx"));
      assert.deepEqual(wiring(p), {
        rke2: ["ingress-nginx"],
        chart: "rke2-ingress-nginx",
        rancherClass: "nginx",
        healthPath: stack === "prod" ? "/healthz" : undefined,
        output: "ingress-nginx",
      });
      const notice = p.warnings.find((w) => w.includes("keeps ingress-nginx"));
      assert.ok(notice, p.warnings.join("\n"));
      assert.match(notice, /RKE2 v1\.36\.3\+rke2r1 installs traefik only on new clusters/);
      assert.match(notice, /set rancher-ha:ingressController=traefik/);
    }
  });

  it("setting ingressController switches on purpose, and the plan says what that does", async () => {
    const p = await plan("prod", ["ingressController=traefik"], deployedWith("ingress-nginx"));
    const pin = byName(p, PIN, "random:index/randomId:RandomId");
    // Not ignored: the new keepers replace the RandomId, so the pin follows the choice.
    assert.deepEqual(pin.ignoreChanges, []);
    assert.deepEqual(wiring(p).rke2, ["traefik"]);
    assert.equal(wiring(p).rancherClass, "traefik");
    const warning = p.warnings.find((w) => w.startsWith("rancher-ha:ingressController is set"));
    assert.ok(warning, p.warnings.join("\n"));
    assert.match(warning, /RKE2 blanks the ingress-nginx chart's manifest/);
    assert.match(warning, /Rancher is unreachable for a minute or two/);
    assert.match(warning, /Ingress moves to class "traefik"/);
  });

  it("unset again, the cluster keeps the last choice", async () => {
    const p = await plan("dev", [`rke2Version=${V135}`], deployedWith("traefik"));
    assert.equal(wiring(p).output, "traefik");
    assert.deepEqual(wiring(p).rke2, ["traefik"]);
  });
});
