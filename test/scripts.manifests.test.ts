import * as assert from "node:assert/strict";
import { Sandbox, callsOf, expectFailure, expectOk } from "./sandbox/sandbox";

const DIR = "/var/lib/rancher/rke2/server/manifests";
const A = "apiVersion: helm.cattle.io/v1\nkind: HelmChartConfig\nmetadata:\n  name: rke2-traefik\n";
const B =
  "apiVersion: helm.cattle.io/v1\nkind: HelmChartConfig\nmetadata:\n  name: rke2-ingress-nginx\n";

describe("scripts: rke2-manifests.sh", () => {
  let sb: Sandbox;
  beforeEach(() => (sb = new Sandbox()));
  afterEach(() => sb.cleanup());

  it("installs staged manifests 0600 without touching the service, idempotently", async () => {
    sb.stageManifest("rke2-traefik-config.yaml", A);
    sb.stageManifest("rke2-ingress-nginx-config.yaml", B);
    const r = await sb.run("rke2-manifests");
    expectOk(r);
    assert.equal(sb.read(`${DIR}/rke2-traefik-config.yaml`), A);
    assert.equal(sb.read(`${DIR}/rke2-ingress-nginx-config.yaml`), B);
    assert.equal(sb.mode(`${DIR}/rke2-traefik-config.yaml`), 0o600);
    assert.deepEqual(callsOf(r, "systemctl"), []);
    assert.match(r.stderr, /manifests updated; RKE2 applies them without a restart/);

    const again = await sb.run("rke2-manifests");
    expectOk(again);
    assert.match(again.stderr, /manifests already up to date/);
    assert.doesNotMatch(again.stderr, /installed /);
  });

  it("rewrites a changed manifest and repairs a loosened mode", async () => {
    sb.stageManifest("rke2-traefik-config.yaml", A);
    expectOk(await sb.run("rke2-manifests"));
    sb.stageManifest("rke2-traefik-config.yaml", A + "spec: {}\n");
    expectOk(await sb.run("rke2-manifests"));
    assert.equal(sb.read(`${DIR}/rke2-traefik-config.yaml`), A + "spec: {}\n");
    sb.write(`${DIR}/rke2-traefik-config.yaml`, A + "spec: {}\n", 0o644);
    const r = await sb.run("rke2-manifests");
    expectOk(r);
    assert.equal(sb.mode(`${DIR}/rke2-traefik-config.yaml`), 0o600);
  });

  it("removes a manifest it installed once it is no longer staged, and leaves other files alone", async () => {
    sb.write(`${DIR}/rke2-coredns.yaml`, "packaged by RKE2\n", 0o600);
    sb.stageManifest("rke2-traefik-config.yaml", A);
    sb.stageManifest("rke2-ingress-nginx-config.yaml", B);
    expectOk(await sb.run("rke2-manifests"));
    sb.unstageManifest("rke2-ingress-nginx-config.yaml");
    const r = await sb.run("rke2-manifests");
    expectOk(r);
    assert.equal(sb.exists(`${DIR}/rke2-ingress-nginx-config.yaml`), false);
    assert.equal(sb.exists(`${DIR}/rke2-traefik-config.yaml`), true);
    assert.equal(sb.read(`${DIR}/rke2-coredns.yaml`), "packaged by RKE2\n");
    assert.match(r.stderr, /removed .*rke2-ingress-nginx-config\.yaml \(no longer staged\)/);
  });

  it("rejects a file name RKE2 cannot turn into an AddOn name", async () => {
    sb.stageManifest("My_Config.yaml", A);
    const r = await sb.run("rke2-manifests");
    expectFailure(r, /bad manifest file name: My_Config\.yaml/);
  });

  it("succeeds with nothing staged", async () => {
    const r = await sb.run("rke2-manifests");
    expectOk(r);
    assert.match(r.stderr, /manifests already up to date/);
  });
});
