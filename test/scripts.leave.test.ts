import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  NLB,
  NODE_NAME,
  SHORT,
  Sandbox,
  callsOf,
  expectOk,
  explain,
  systemctlVerbs,
  type RunResult,
} from "./sandbox/sandbox";

const index = (r: RunResult, name: string, first?: string) =>
  r.calls.findIndex((c) => c.name === name && (first === undefined || c.argv.includes(first)));

describe("scripts: rke2-leave.sh", () => {
  let sb: Sandbox;
  beforeEach(() => (sb = new Sandbox()));
  afterEach(() => sb.cleanup());

  it("deletes its node through the local API, stops the service, then uninstalls", async () => {
    await sb.converge();
    const r = await sb.run("rke2-leave");
    expectOk(r);
    const deletes = callsOf(r, "kubectl").filter((c) => c.argv.includes("delete"));
    assert.equal(deletes.length, 1, explain(r));
    assert.equal(deletes[0].path, sb.rootPath("/var/lib/rancher/rke2/bin/kubectl"));
    assert.equal(deletes[0].argv[1], sb.rootPath("/etc/rancher/rke2/rke2.yaml"));
    assert.deepEqual(deletes[0].argv.slice(3), ["delete", "node", NODE_NAME, "--ignore-not-found"]);
    assert.ok(index(r, "kubectl", "delete") < index(r, "systemctl", "stop"));
    assert.ok(index(r, "systemctl", "stop") < index(r, "rke2-uninstall"));
    assert.equal(callsOf(r, "rke2-uninstall").length, 1);
    assert.equal(sb.exists("/usr/local/bin/rke2"), false);
    assert.equal(sb.exists("/var/lib/rancher-ha"), false, "the stamp goes too");
    assert.ok(fs.existsSync(path.join(sb.state, "node.deleted")));
    assert.match(r.stderr, /node rancher-ha-test-server-1 deleted from the cluster/);
    assert.match(r.stderr, /rancher-ha-test-server-1 has left the cluster/);
    assert.equal(r.stdout, "");
  });

  it("warns and still uninstalls within its bound when the cluster never answers", async () => {
    await sb.converge();
    sb.setParams({ timeouts: { leave: SHORT } });
    sb.plan("kubectl.delete", "hang");
    const r = await sb.run("rke2-leave");
    expectOk(r);
    assert.match(
      r.stderr,
      /WARNING: could not delete node rancher-ha-test-server-1 within 0\.2s \(cluster unreachable\?\); continuing/,
    );
    assert.ok(r.ms < 3000, explain(r));
    assert.deepEqual(systemctlVerbs(r), ["is-active", "stop"]);
    assert.equal(callsOf(r, "rke2-uninstall").length, 1);
  });

  it("warns and continues when the cluster refuses the request", async () => {
    await sb.converge();
    sb.plan("kubectl.delete", "fail");
    const r = await sb.run("rke2-leave");
    expectOk(r);
    assert.match(r.stderr, /Unable to connect to the server/);
    assert.match(r.stderr, /WARNING: could not delete node/);
    assert.equal(callsOf(r, "rke2-uninstall").length, 1);
  });

  it("goes through the control-plane endpoint when the local server is down", async () => {
    await sb.converge();
    fs.rmSync(path.join(sb.state, "service.active"));
    const r = await sb.run("rke2-leave");
    expectOk(r);
    const del = callsOf(r, "kubectl").find((c) => c.argv.includes("delete"));
    assert.ok(del, explain(r));
    const kubeconfig = del.argv[1];
    assert.notEqual(kubeconfig, sb.rootPath("/etc/rancher/rke2/rke2.yaml"));
    assert.match(
      r.stderr,
      new RegExp(`deleting node ${NODE_NAME} through https://${NLB.replace(/\./g, "\\.")}:6443`),
    );
    assert.match(r.stderr, /node rancher-ha-test-server-1 deleted from the cluster/);
    assert.equal(fs.existsSync(kubeconfig), false, "the temporary kubeconfig is removed");
  });

  it("without cluster.env and with the server down, warns that it cannot delete the node, then uninstalls", async () => {
    await sb.converge();
    fs.rmSync(path.join(sb.state, "service.active"));
    fs.rmSync(path.join(sb.stage, "cluster.env"));
    const r = await sb.run("rke2-leave");
    expectOk(r);
    assert.equal(
      callsOf(r, "kubectl").find((c) => c.argv.includes("delete")),
      undefined,
      explain(r),
    );
    assert.match(r.stderr, /cluster\.env is missing; cannot remove rancher-ha-test-server-1/);
    assert.match(r.stderr, /RKE2 uninstalled/);
  });

  it("bounds a hanging uninstall and still exits 0", async () => {
    await sb.converge();
    sb.setParams({ timeouts: { leave: SHORT } });
    sb.plan("uninstall", "hang");
    const r = await sb.run("rke2-leave");
    expectOk(r);
    assert.match(r.stderr, /rke2-uninstall\.sh failed or timed out; continuing/);
    assert.ok(r.ms < 3000, explain(r));
  });

  it("exits 0 with nothing to do when RKE2 is not installed", async () => {
    const r = await sb.run("rke2-leave");
    expectOk(r);
    assert.match(r.stderr, /RKE2 is not installed; nothing to do/);
    assert.deepEqual(callsOf(r, "kubectl"), []);
    assert.deepEqual(callsOf(r, "systemctl"), []);
  });

  it("is safe to run twice", async () => {
    await sb.converge();
    expectOk(await sb.run("rke2-leave"));
    const r = await sb.run("rke2-leave");
    expectOk(r);
    assert.match(r.stderr, /nothing to do/);
  });
});
