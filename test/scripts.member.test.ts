// The membership handover guard (design-10 §12): a transport switch replaces the member step
// (its type changes), and the old step's delete must not take the server out of the cluster.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  Sandbox,
  callsOf,
  expectFailure,
  expectOk,
  explain,
  type RunResult,
} from "./sandbox/sandbox";

const PARAMS = '"$HOME/rancher-ha/params.env"';
const MEMBERS = "/var/lib/rancher-ha/members";

describe("scripts: member-claim.sh and rke2-leave.sh's membership guard", () => {
  let sb: Sandbox;
  beforeEach(() => (sb = new Sandbox()));
  afterEach(() => sb.cleanup());

  const claim = (kind: string) => sb.run("member-claim", { args: [PARAMS, kind] });
  const leave = (...kind: string[]) => sb.run("rke2-leave", { args: [PARAMS, ...kind] });
  const claims = () => (sb.exists(MEMBERS) ? fs.readdirSync(sb.rootPath(MEMBERS)).sort() : []);
  const left = (r: RunResult) => {
    const deleted = callsOf(r, "kubectl").some((c) => c.argv.includes("delete"));
    const uninstalled = callsOf(r, "rke2-uninstall").length > 0;
    assert.equal(deleted, uninstalled, explain(r));
    return deleted;
  };

  it("claims membership for a transport, in a private directory, safe to run twice", async () => {
    expectOk(await claim("ssm"));
    const r = await claim("ssm");
    expectOk(r);
    assert.deepEqual(claims(), ["ssm"]);
    assert.equal(sb.mode(MEMBERS), 0o700);
    assert.equal(sb.mode("/var/lib/rancher-ha"), 0o700);
    assert.match(r.stderr, /rancher-ha-test-server-1: cluster membership held by ssm access/);
    assert.equal(r.stdout, "");
  });

  it("refuses an unknown transport, for claim and leave", async () => {
    expectFailure(await claim("telnet"), /unknown access kind 'telnet' \(one of: ssh ssm\)/);
    await sb.converge();
    const r = await leave("telnet");
    expectFailure(r, /unknown access kind 'telnet'/);
    assert.equal(left(r), false);
  });

  it("a real replacement (only this transport's claim) leaves as before", async () => {
    await sb.converge();
    expectOk(await claim("ssm"));
    const r = await leave("ssm");
    expectOk(r);
    assert.equal(left(r), true);
    assert.match(r.stderr, /rancher-ha-test-server-1 has left the cluster/);
    assert.equal(sb.exists("/var/lib/rancher-ha"), false, "claims go with the state directory");
  });

  it("switch ssh → ssm: the new claim exists first, so the old SSH delete does not leave", async () => {
    await sb.converge();
    expectOk(await claim("ssh"));
    expectOk(await claim("ssm"));
    const r = await leave("ssh");
    expectOk(r);
    assert.equal(left(r), false);
    assert.match(
      r.stderr,
      /ssh access released; membership is held by ssm access: rancher-ha-test-server-1 stays in the cluster/,
    );
    assert.deepEqual(claims(), ["ssm"]);
    assert.equal(sb.runningVersion !== undefined, true, "rke2-server still runs");
    assert.ok(!fs.existsSync(path.join(sb.state, "node.deleted")));
  });

  it("a switch reverted half-way: whichever step is deleted, the other keeps the server", async () => {
    await sb.converge();
    expectOk(await claim("ssh"));
    expectOk(await claim("ssm"));
    const r = await leave("ssm");
    expectOk(r);
    assert.equal(left(r), false);
    assert.deepEqual(claims(), ["ssh"]);
    // Later, a real replacement under SSH leaves.
    const replaced = await leave("ssh");
    expectOk(replaced);
    assert.equal(left(replaced), true);
  });

  it("a delete stored before claims existed (no kind) is SSH's: leaves when nobody else claims", async () => {
    await sb.converge();
    const r = await leave();
    expectOk(r);
    assert.equal(left(r), true);
  });

  it("a delete stored before claims existed does not leave once SSM claimed the server", async () => {
    await sb.converge();
    expectOk(await claim("ssm"));
    const r = await leave();
    expectOk(r);
    assert.equal(left(r), false);
    assert.deepEqual(claims(), ["ssm"]);
  });

  it("releases its claim even when RKE2 is not installed", async () => {
    expectOk(await claim("ssh"));
    const r = await leave("ssh");
    expectOk(r);
    assert.match(r.stderr, /RKE2 is not installed; nothing to do/);
    assert.deepEqual(claims(), []);
  });
});
