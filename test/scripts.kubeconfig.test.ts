import * as assert from "node:assert/strict";
import { KUBECONFIG_FIXTURE, NLB, Sandbox, expectFailure, expectOk } from "./sandbox/sandbox";

describe("scripts: rke2-kubeconfig.sh", () => {
  let sb: Sandbox;
  beforeEach(() => (sb = new Sandbox()));
  afterEach(() => sb.cleanup());

  it("prints RKE2's kubeconfig with only the server rewritten to the control-plane endpoint", async () => {
    await sb.converge();
    const r = await sb.run("rke2-kubeconfig");
    expectOk(r);
    const expected = KUBECONFIG_FIXTURE.replace(
      "    server: https://127.0.0.1:6443\n",
      `    server: https://${NLB}:6443\n`,
    );
    assert.notEqual(expected, KUBECONFIG_FIXTURE);
    assert.equal(r.stdout, expected);
    const before = KUBECONFIG_FIXTURE.split("\n");
    const changed = r.stdout.split("\n").filter((line, i) => line !== before[i]);
    assert.deepEqual(changed, [`    server: https://${NLB}:6443`]);
    assert.equal(r.stderr, "", "nothing but the kubeconfig, and no noise");
    // The node's own file is untouched.
    assert.equal(sb.read("/etc/rancher/rke2/rke2.yaml"), KUBECONFIG_FIXTURE);
  });

  it("uses the endpoint from the params and keeps indentation", async () => {
    sb.setParams({ controlPlaneEndpoint: "https://api.rancher.example.com:443" });
    sb.write(
      "/etc/rancher/rke2/rke2.yaml",
      "clusters:\n- cluster:\n      server: https://127.0.0.1:6443\n  name: default\n",
      0o600,
    );
    const r = await sb.run("rke2-kubeconfig");
    expectOk(r);
    assert.equal(
      r.stdout,
      "clusters:\n- cluster:\n      server: https://api.rancher.example.com:443\n  name: default\n",
    );
  });

  it("fails clearly, with nothing on stdout, when the kubeconfig does not exist", async () => {
    const r = await sb.run("rke2-kubeconfig");
    expectFailure(r, /rke2\.yaml not found: has rke2-server started on this node\?/);
    assert.equal(r.stdout, "");
  });

  it("fails, with nothing on stdout, when there is no local server line to rewrite", async () => {
    sb.write(
      "/etc/rancher/rke2/rke2.yaml",
      "clusters:\n- cluster:\n    server: https://10.0.0.1:6443\n",
      0o600,
    );
    const r = await sb.run("rke2-kubeconfig");
    expectFailure(r, /has no 'server: https:\/\/127\.0\.0\.1:6443' line to rewrite/);
    assert.equal(r.stdout, "");
  });
});
