// Upgrades, replacement and destroy, proven on the dependency graph the engine would see.
import * as assert from "node:assert/strict";
import { ConfigError } from "../components/config";
import { ROLLED_PROPERTIES as ROLLED } from "../components/nodes";
import { planConfig } from "../plan/run";
import { byName, FIXTURE_STACKS, ofType, plan, servers, TYPES, unwrap, waitsFor } from "./helpers";

describe("lifecycle", function () {
  this.timeout(120_000);

  it("an RKE2 upgrade re-runs install, image staging and start, keeping instances, membership and the init", async () => {
    const before = await plan("dev");
    const after = await plan("dev", ["rke2Version=v1.36.4+rke2r1"]);
    for (const i of [1, 2, 3]) {
      // Staging the new release's archives (rke2-images.sh) never touches rke2-server: like
      // install it runs on every server in parallel; only start restarts, one at a time.
      for (const step of ["install", "images", "start"]) {
        const a = byName(before, `rancher-rke2-${i}-${step}`, TYPES.command);
        const b = byName(after, `rancher-rke2-${i}-${step}`, TYPES.command);
        assert.equal(a.urn, b.urn);
        // The command provider replaces on a trigger change (replaceOnChanges triggers[*]).
        // With no delete command and the same script for create and update, replacing is
        // exactly "run the step again": nothing is torn down.
        assert.deepEqual(b.replaceOnChanges, ["triggers[*]"]);
        assert.equal(b.inputs.delete, undefined, `${step} ${i} has nothing to undo`);
        assert.equal(b.inputs.update, b.inputs.create);
        assert.notDeepEqual(a.inputs.triggers, b.inputs.triggers, `${step} ${i} re-runs`);
        assert.deepEqual(a.inputs.connection, b.inputs.connection);
      }
      const member = (p: typeof before) =>
        byName(p, `rancher-rke2-${i}-member`, TYPES.command).inputs;
      assert.deepEqual(member(before), member(after), "membership untouched: nobody leaves");
    }
    for (const inst of servers(before)) {
      assert.deepEqual(byName(after, inst.name, TYPES.instance).inputs, inst.inputs);
    }
    // The servers' RKE2 config and cluster.env are unchanged (no re-init); only params (the
    // version) differ.
    for (const i of [1, 2, 3]) {
      for (const name of [`rancher-rke2-${i}-config`, `rancher-rke2-${i}-cluster`]) {
        assert.deepEqual(byName(after, name).inputs, byName(before, name).inputs);
      }
    }
    assert.notDeepEqual(
      byName(after, "rancher-rke2-1-params").inputs,
      byName(before, "rancher-rke2-1-params").inputs,
    );
  });

  it("every copy to a server follows its instance, so a replacement gets its files", async () => {
    const p = await plan("dev");
    for (const c of ofType(p, TYPES.copy)) {
      const i = /rancher-rke2-(\d)-/.exec(c.name)![1];
      assert.deepEqual(c.inputs.triggers, [`rancher-server-${i}-id`], c.name);
      assert.deepEqual(c.replaceOnChanges, ["triggers[*]"], c.name);
    }
  });

  it("restarts servers one at a time, and upgrades Rancher after the cluster", async () => {
    // Another known Rancher release with an RKE2 it admits (rancherVersion must be a known one).
    const p = await plan("dev", ["rke2Version=v1.35.7+rke2r1", "rancherVersion=2.14.4"]);
    const starts = [1, 2, 3].map((i) => byName(p, `rancher-rke2-${i}-start`, TYPES.command));
    assert.ok(waitsFor(p, starts[2]).has(starts[1].urn));
    assert.ok(waitsFor(p, starts[1]).has(starts[0].urn));
    // Every server's new archives are staged before the first restart, and staging waits for
    // no restart: the chain of restarts stays the only serial part.
    for (const i of [1, 2, 3]) {
      const images = byName(p, `rancher-rke2-${i}-images`, TYPES.command);
      assert.ok(waitsFor(p, starts[i - 1]).has(images.urn));
      for (const s of starts) assert.ok(!waitsFor(p, images).has(s.urn), `images ${i}`);
    }
    const rancher = byName(p, "rancher-install-rancher", TYPES.release);
    assert.equal(rancher.inputs.version, "2.14.4");
    const closure = waitsFor(p, rancher);
    for (const s of starts) assert.ok(closure.has(s.urn));
  });

  it("refuses unsupported upgrades when the previous version is known", () => {
    const attempt = (to: string, from: string) => () =>
      planConfig({
        stack: "dev",
        overrides: [`rke2Version=${to}`],
        previousRke2Version: from,
        stackDir: FIXTURE_STACKS,
      });
    assert.throws(
      attempt("v1.36.3+rke2r1", "v1.34.10+rke2r1"),
      (e: unknown) => e instanceof ConfigError && /skips 1 minor/.test(e.message),
    );
    assert.throws(
      attempt("v1.35.7+rke2r1", "v1.36.3+rke2r1"),
      (e: unknown) => e instanceof ConfigError && /downgrades are not supported/.test(e.message),
    );
    assert.doesNotThrow(attempt("v1.36.3+rke2r1", "v1.35.7+rke2r1"));
  });

  it("replacing a server replaces its membership first, then the new one joins", async () => {
    const p = await plan("dev");
    for (const i of [1, 2, 3]) {
      const instance = byName(p, `rancher-server-${i}`, TYPES.instance);
      assert.equal(
        instance.deleteBeforeReplace,
        true,
        "old member leaves before the name is reused",
      );
      const member = byName(p, `rancher-rke2-${i}-member`, TYPES.command);
      assert.deepEqual(member.inputs.triggers, [`rancher-server-${i}-id`]);
      assert.equal(
        member.inputs.update,
        undefined,
        "no update: an instance change replaces it, running the leave",
      );
      assert.ok(member.dependsOn.includes(instance.urn));
      const start = byName(p, `rancher-rke2-${i}-start`, TYPES.command);
      assert.ok(start.dependsOn.includes(member.urn), "the (re)join happens after membership");
      const conn = unwrap(member.inputs.connection) as Record<string, unknown>;
      assert.ok((conn.dialErrorLimit as number) <= 3, "a leave never waits long for a dead host");
    }
  });

  it("replaceServer lets exactly one server take new instance settings, by replacement", async () => {
    const p = await plan("dev", ["replaceServer=2", "instanceType=m6i.2xlarge"]);
    for (const i of [1, 2, 3]) {
      const inst = byName(p, `rancher-server-${i}`, TYPES.instance);
      assert.equal(inst.inputs.instanceType, "m6i.2xlarge", "the config value is the goal");
      if (i === 2) {
        assert.deepEqual(inst.ignoreChanges, []);
        assert.equal(inst.protect, false, "unprotected for its replacement");
        assert.deepEqual(inst.replaceOnChanges, ROLLED);
        assert.equal(inst.deleteBeforeReplace, true, "leave, delete, then a new one joins");
      } else {
        assert.deepEqual(inst.ignoreChanges, ROLLED, `server ${i}`);
        assert.deepEqual(inst.replaceOnChanges, []);
      }
    }
    assert.throws(
      () => planConfig({ stack: "dev", overrides: ["replaceServer=4"], stackDir: FIXTURE_STACKS }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /rancher-ha:replaceServer: 4 is not a server; use 1 to 3/.test(e.message),
    );
  });

  it("new subnets or zones move no running server but the replaceServer (subnetId forces replacement)", async () => {
    const byo = (ids: number[], more: string[] = []) =>
      plan("dev", [
        "nodeAccess=public",
        "vpcId=vpc-0123456789abcdef0",
        `subnetIds=${JSON.stringify(ids.map((n) => `subnet-0123456789abcdef${n}`))}`,
        ...more,
      ]);
    const before = await byo([0, 1, 2]);
    for (const after of [await byo([3, 4, 5]), await byo([2, 0, 1])]) {
      for (const i of [1, 2, 3]) {
        const a = byName(before, `rancher-server-${i}`, TYPES.instance);
        const b = byName(after, `rancher-server-${i}`, TYPES.instance);
        assert.notEqual(b.inputs.subnetId, a.inputs.subnetId, "the goal moves");
        assert.ok(b.ignoreChanges.includes("subnetId"), `server ${i} keeps its subnet`);
      }
    }
    // Rolled like the other instance settings: one server per up.
    const rolled = await byo([3, 4, 5], ["replaceServer=2"]);
    for (const i of [1, 2, 3]) {
      const inst = byName(rolled, `rancher-server-${i}`, TYPES.instance);
      assert.equal(inst.ignoreChanges.includes("subnetId"), i !== 2, `server ${i}`);
    }
  });

  it("replaceServer on a protected stack unprotects only that server", async () => {
    const p = await plan("prod", ["replaceServer=3"]);
    assert.deepEqual(
      [1, 2, 3].map((i) => byName(p, `rancher-server-${i}`, TYPES.instance).protect),
      [true, true, false],
    );
  });

  it("re-reading the kubeconfig never replaces the Kubernetes provider (stable cluster identity)", async () => {
    const p = await plan("prod");
    const provider = byName(p, "rancher-install-k8s", "pulumi:providers:kubernetes");
    assert.equal(provider.inputs.clusterIdentifier, "rancher-ha/prod");
    const kubeconfig = byName(p, "rancher-rke2-kubeconfig", TYPES.command);
    assert.ok((kubeconfig.inputs.triggers as unknown[]).includes("v1.36.3+rke2r1"));
  });

  it("on destroy, nothing inside the cluster is deleted one by one", async () => {
    const p = await plan("dev");
    const token = byName(p, "rancher-rke2-token").urn;
    const withDelete = ofType(p, TYPES.command).filter((c) => c.inputs.delete !== undefined);
    assert.deepEqual(
      withDelete.map((c) => c.name).sort(),
      [1, 2, 3].map((i) => `rancher-rke2-${i}-member`),
    );
    for (const c of withDelete) assert.equal(c.deletedWith, token);
    const k8s = p.resources.filter((r) => r.type.startsWith("kubernetes:"));
    assert.ok(k8s.length >= 3);
    for (const r of k8s) assert.equal(r.deletedWith, token, r.name);
    // Without deletedWith the engine would uninstall Rancher first: its dependency on the
    // cluster is what orders a plain delete before the servers go.
    const rancher = byName(p, "rancher-install-rancher");
    assert.ok(waitsFor(p, rancher).has(byName(p, "rancher-server-1", TYPES.instance).urn));
  });
});
