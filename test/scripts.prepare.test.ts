import * as assert from "node:assert/strict";
import { SHORT, Sandbox, callsOf, expectFailure, expectOk, explain } from "./sandbox/sandbox";

describe("scripts: node-prepare.sh", () => {
  let sb: Sandbox;
  beforeEach(() => (sb = new Sandbox()));
  afterEach(() => sb.cleanup());

  const lockFiles = () =>
    [
      "/var/lib/dpkg/lock-frontend",
      "/var/lib/dpkg/lock",
      "/var/lib/apt/lists/lock",
      "/var/cache/apt/archives/lock",
    ].map((p) => sb.rootPath(p));

  it("waits for cloud-init with status --wait, then checks the apt/dpkg locks under the root", async () => {
    const r = await sb.run("node-prepare");
    expectOk(r);
    assert.deepEqual(
      callsOf(r, "cloud-init").map((c) => c.argv),
      [["status", "--wait"]],
    );
    assert.deepEqual(
      callsOf(r, "fuser").map((c) => c.argv),
      [lockFiles()],
    );
    assert.ok(
      r.calls.findIndex((c) => c.name === "cloud-init") <
        r.calls.findIndex((c) => c.name === "fuser"),
    );
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /node-prepare: node is ready for the RKE2 install/);
  });

  it("waits while cloud-init is still running", async () => {
    sb.plan("cloud-init", "delay:0.3");
    const r = await sb.run("node-prepare");
    expectOk(r);
    assert.ok(r.ms >= 200, explain(r));
    assert.match(r.stderr, /cloud-init has finished/);
  });

  it("fails at its bound with a clear message when cloud-init never finishes", async () => {
    sb.setParams({ timeouts: { cloudInit: SHORT } });
    sb.plan("cloud-init", "hang");
    const r = await sb.run("node-prepare");
    expectFailure(r, /ERROR: cloud-init was still running after 0\.2s/);
    assert.ok(r.ms < 3000, explain(r));
    assert.deepEqual(callsOf(r, "fuser"), []);
  });

  it("carries on, with a warning, when cloud-init finished with errors", async () => {
    sb.plan("cloud-init", "degraded");
    const r = await sb.run("node-prepare");
    expectOk(r);
    assert.match(r.stderr, /WARNING: cloud-init finished with exit status 2: status: done/);
    assert.equal(callsOf(r, "fuser").length, 1);
  });

  it("waits while an apt/dpkg lock is held and goes on once it is released", async () => {
    sb.plan("fuser", "held", "held", "free");
    const r = await sb.run("node-prepare");
    expectOk(r);
    assert.equal(callsOf(r, "fuser").length, 3, explain(r));
    assert.match(r.stderr, /done waiting for the apt\/dpkg locks to be released/);
  });

  it("fails at its bound with a clear message when the lock is never released", async () => {
    sb.setParams({ timeouts: { aptLock: SHORT } });
    sb.plan("fuser", "held");
    const r = await sb.run("node-prepare");
    expectFailure(r, /ERROR: timed out after 0\.2s waiting for the apt\/dpkg locks to be released/);
    // It tried again: how many tries fit in 0.2 s depends on the machine's load.
    assert.ok(callsOf(r, "fuser").length >= 2, explain(r));
    assert.ok(r.ms >= 200 && r.ms < 3000, explain(r));
  });

  it("treats a hung lock check as held, within the same bound", async () => {
    sb.setParams({ timeouts: { aptLock: SHORT } });
    sb.plan("fuser", "hang");
    const r = await sb.run("node-prepare");
    expectFailure(r, /timed out after 0\.2s waiting for the apt\/dpkg locks/);
    assert.ok(r.ms < 3000, explain(r));
  });
});
