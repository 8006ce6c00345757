// Which image archives a server stages, and how the plan wires the images step.
import * as assert from "node:assert/strict";
import { rke2ImageArchives } from "../components/rke2/images";
import { byName, ofType, plan, TYPES, waitsFor } from "./helpers";

describe("rke2ImageArchives", () => {
  // rancher/rke2 scripts/build-images at v1.35.7+rke2r1 and v1.36.0+rke2r1.
  it("v1.36 and later: Traefik is in core; ingress-nginx has its own archive", () => {
    assert.deepEqual(rke2ImageArchives("v1.36.3+rke2r1", "traefik"), [
      "rke2-images-core.linux-amd64.tar.zst",
      "rke2-images-canal.linux-amd64.tar.zst",
    ]);
    assert.deepEqual(rke2ImageArchives("v1.36.0+rke2r1", "ingress-nginx"), [
      "rke2-images-core.linux-amd64.tar.zst",
      "rke2-images-canal.linux-amd64.tar.zst",
      "rke2-images-ingress-nginx.linux-amd64.tar.zst",
    ]);
  });
  it("before v1.36: ingress-nginx is in core; Traefik has its own archive", () => {
    assert.deepEqual(rke2ImageArchives("v1.35.7+rke2r1", "ingress-nginx"), [
      "rke2-images-core.linux-amd64.tar.zst",
      "rke2-images-canal.linux-amd64.tar.zst",
    ]);
    assert.deepEqual(rke2ImageArchives("v1.34.10+rke2r1", "traefik"), [
      "rke2-images-core.linux-amd64.tar.zst",
      "rke2-images-canal.linux-amd64.tar.zst",
      "rke2-images-traefik.linux-amd64.tar.zst",
    ]);
  });
  it("refuses what is not an RKE2 version", () => {
    assert.throws(() => rke2ImageArchives("v1.36.3+k3s1", "traefik"), /not an RKE2 version/);
  });
});

describe("plan: preloadImages", function () {
  this.timeout(120_000);

  it("by default every server stages its archives beside install, and starts only after", async () => {
    const p = await plan("dev");
    const lbs = ofType(p, "aws:lb/loadBalancer:LoadBalancer");
    for (const i of [1, 2, 3]) {
      const images = byName(p, `rancher-rke2-${i}-images`, TYPES.command);
      assert.equal(
        images.inputs.create,
        "sudo -n bash /opt/rancher-ha/node/rke2-images.sh /opt/rancher-ha/params.env",
      );
      assert.equal(images.inputs.update, images.inputs.create, "an upgrade stages the new release");
      assert.equal(images.inputs.delete, undefined);
      assert.deepEqual(images.inputs.triggers, [
        `rancher-server-${i}-id`,
        "v1.36.3+rke2r1",
        "rke2-images-core.linux-amd64.tar.zst,rke2-images-canal.linux-amd64.tar.zst",
      ]);
      const closure = waitsFor(p, images);
      for (const lb of lbs) assert.ok(!closure.has(lb.urn), `images ${i} waits for ${lb.name}`);
      const start = byName(p, `rancher-rke2-${i}-start`, TYPES.command);
      assert.ok(start.dependsOn.includes(images.urn), `start ${i} waits for its archives`);
      const params = byName(p, `rancher-rke2-${i}-params`, TYPES.copy);
      assert.match(
        (params.inputs.source as { text: string }).text,
        /^IMAGE_ARCHIVES=rke2-images-core\.linux-amd64\.tar\.zst,rke2-images-canal\.linux-amd64\.tar\.zst$/m,
      );
    }
  });

  it("preloadImages=false: no images step, nothing staged, starts pull as before", async () => {
    const p = await plan("dev", ["preloadImages=false"]);
    assert.deepEqual(
      p.resources.filter((r) => r.name.endsWith("-images")),
      [],
    );
    const params = byName(p, "rancher-rke2-1-params", TYPES.copy);
    assert.match((params.inputs.source as { text: string }).text, /^IMAGE_ARCHIVES=none$/m);
  });

  it("an RKE2 upgrade re-stages the archives of the new release (replaced by its trigger)", async () => {
    const before = await plan("dev");
    const after = await plan("dev", ["rke2Version=v1.36.4+rke2r1"]);
    for (const i of [1, 2, 3]) {
      const a = byName(before, `rancher-rke2-${i}-images`, TYPES.command);
      const b = byName(after, `rancher-rke2-${i}-images`, TYPES.command);
      assert.equal(a.urn, b.urn);
      assert.deepEqual(b.replaceOnChanges, ["triggers[*]"]);
      assert.notDeepEqual(a.inputs.triggers, b.inputs.triggers);
    }
  });
});
