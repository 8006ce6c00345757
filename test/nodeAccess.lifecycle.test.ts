// Issue 10: join order, Rancher after every join, replaceServer and destroy behave the same in
// every node access mode (the steps are remote commands over SSH, local commands over SSM).
import * as assert from "node:assert/strict";
import { ROLLED_PROPERTIES as ROLLED } from "../components/nodes";
import { byName, plan, servers, TYPES, waitsFor } from "./helpers";

const MODES = ["public", "bastion", "ssm"] as const;
const STEP_TYPE = { public: TYPES.command, bastion: TYPES.command, ssm: "command:local:Command" };

describe("nodeAccess: the cluster's lifecycle in every mode", function () {
  this.timeout(120_000);

  for (const mode of MODES) {
    it(`${mode}: joins one at a time after their membership, Rancher after every join`, async () => {
      const p = await plan("dev", [`nodeAccess=${mode}`]);
      const step = (i: number, role: string) =>
        byName(p, `rancher-rke2-${i}-${role}`, STEP_TYPE[mode]);
      for (const i of [2, 3]) {
        assert.ok(step(i, "start").dependsOn.includes(step(i - 1, "start").urn), `join ${i}`);
      }
      for (const i of [1, 2, 3]) {
        assert.ok(step(i, "start").dependsOn.includes(step(i, "member").urn), `member ${i}`);
      }
      const closure = waitsFor(p, byName(p, "rancher-install-rancher", TYPES.release));
      for (const i of [1, 2, 3]) assert.ok(closure.has(step(i, "start").urn), `Rancher after ${i}`);
    });

    it(`${mode}: replaceServer replaces that server only; destroy skips the leaves`, async () => {
      const p = await plan("dev", [
        `nodeAccess=${mode}`,
        "replaceServer=2",
        "instanceType=m6i.2xlarge",
      ]);
      for (const inst of servers(p)) {
        const two = inst.name.endsWith("-2");
        assert.deepEqual(inst.replaceOnChanges, two ? ROLLED : [], inst.name);
        assert.deepEqual(inst.ignoreChanges, two ? [] : ROLLED, inst.name);
      }
      const token = byName(p, "rancher-rke2-token").urn;
      const withDelete = p.resources.filter(
        (r) => r.type === STEP_TYPE[mode] && r.inputs.delete !== undefined,
      );
      assert.deepEqual(
        withDelete.map((c) => c.name).sort(),
        [1, 2, 3].map((i) => `rancher-rke2-${i}-member`),
      );
      for (const c of withDelete) assert.equal(c.deletedWith, token, c.name);
      const k8s = p.resources.filter((x) => x.type.startsWith("kubernetes:"));
      assert.ok(k8s.length >= 5, "cert-manager, Rancher and the backup objects");
      for (const r of k8s) assert.equal(r.deletedWith, token, r.name);
    });
  }
});
