import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  INSTALL_URL,
  NEXT_VERSION,
  Sandbox,
  TEST_VERSION,
  callsOf,
  expectFailure,
  expectOk,
  explain,
  systemctlVerbs,
} from "./sandbox/sandbox";

describe("scripts: rke2-install.sh", () => {
  let sb: Sandbox;
  beforeEach(() => (sb = new Sandbox()));
  afterEach(() => sb.cleanup());

  const rke2Version = async () => {
    const r = await sb.runShell(`"$RANCHER_HA_ROOT/usr/local/bin/rke2" --version`);
    return r.stdout.split("\n")[0];
  };

  it("downloads the installer and installs the pinned version as a server, without starting it", async () => {
    const r = await sb.run("rke2-install");
    expectOk(r);
    const curls = callsOf(r, "curl");
    assert.equal(curls.length, 1, explain(r));
    assert.equal(curls[0].argv.at(-1), INSTALL_URL);
    assert.ok(curls[0].argv.includes("--max-time") && curls[0].argv.includes("-o"), explain(r));
    const installer = callsOf(r, "installer");
    assert.equal(installer.length, 1, explain(r));
    assert.equal(installer[0].env.INSTALL_RKE2_VERSION, TEST_VERSION);
    assert.equal(installer[0].env.INSTALL_RKE2_TYPE, "server");
    assert.equal(await rke2Version(), `rke2 version ${TEST_VERSION} (0123abcd)`);
    // Only the installer's own daemon-reload: nothing enabled, started or restarted.
    assert.deepEqual(systemctlVerbs(r), ["daemon-reload"]);
    assert.equal(sb.runningVersion, undefined);
    assert.equal(r.stdout, "", "installer chatter goes to stderr");
    assert.match(r.stderr, /\[INFO\] {2}using v1\.36\.3\+rke2r1 as release/);
    assert.deepEqual(fs.readdirSync(path.join(sb.dir, "tmp")), [], "temp files are removed");
  });

  it("does nothing when the pinned version is already installed", async () => {
    expectOk(await sb.run("rke2-install"));
    const r = await sb.run("rke2-install");
    expectOk(r);
    assert.match(r.stderr, /RKE2 v1\.36\.3\+rke2r1 is already installed; nothing to do/);
    assert.deepEqual(callsOf(r, "curl"), []);
    assert.deepEqual(callsOf(r, "installer"), []);
    assert.deepEqual(callsOf(r, "systemctl"), []);
  });

  it("retries a download that fails twice, then installs", async () => {
    sb.plan("curl.download", "fail", "fail", "ok");
    const r = await sb.run("rke2-install");
    expectOk(r);
    assert.equal(callsOf(r, "curl").length, 3, explain(r));
    assert.equal(callsOf(r, "installer").length, 1);
    assert.match(
      r.stderr,
      /WARNING: download of the RKE2 installer from https:\/\/get\.rke2\.example\/install\.sh failed \(attempt 1 of 3\)/,
    );
    assert.match(r.stderr, /attempt 2 of 3/);
    assert.equal(await rke2Version(), `rke2 version ${TEST_VERSION} (0123abcd)`);
  });

  it("stops after DOWNLOAD_ATTEMPTS with an error naming the URL when the download always fails", async () => {
    sb.plan("curl.download", "fail");
    const r = await sb.run("rke2-install");
    expectFailure(
      r,
      /ERROR: download of the RKE2 installer from https:\/\/get\.rke2\.example\/install\.sh failed after 3 attempts/,
    );
    assert.equal(callsOf(r, "curl").length, 3, explain(r));
    assert.deepEqual(callsOf(r, "installer"), []);
    assert.equal(sb.exists("/usr/local/bin/rke2"), false);
    assert.deepEqual(
      fs.readdirSync(path.join(sb.dir, "tmp")),
      [],
      "temp files are removed on failure too",
    );
  });

  it("honours a different attempt count from the params", async () => {
    sb.setParams({ tuning: { downloadAttempts: 1 } });
    sb.plan("curl.download", "fail", "ok");
    const r = await sb.run("rke2-install");
    expectFailure(r, /failed after 1 attempts/);
    assert.equal(callsOf(r, "curl").length, 1);
  });

  it("retries a failing installer run and fails clearly when it keeps failing", async () => {
    sb.plan("installer", "fail", "ok");
    expectOk(await sb.run("rke2-install"));
    assert.equal(sb.count("installer"), 2);

    const other = new Sandbox();
    try {
      other.plan("installer", "fail");
      const r = await other.run("rke2-install");
      expectFailure(r, /ERROR: RKE2 installer for v1\.36\.3\+rke2r1 failed after 3 attempts/);
      assert.equal(callsOf(r, "installer").length, 3);
    } finally {
      other.cleanup();
    }
  });

  it("fails when the installed binary does not report the pinned version", async () => {
    sb.plan("installer", "wrong");
    const r = await sb.run("rke2-install");
    expectFailure(r, /rke2 --version reports 'v9\.9\.9\+rke2r1' instead of v1\.36\.3\+rke2r1/);
  });

  it("refuses to downgrade, which RKE2 does not support", async () => {
    sb.preinstall(NEXT_VERSION);
    const r = await sb.run("rke2-install");
    expectFailure(
      r,
      /refusing to downgrade RKE2 from v1\.36\.4\+rke2r1 to v1\.36\.3\+rke2r1 \(not supported by RKE2\)/,
    );
    assert.deepEqual(callsOf(r, "curl"), []);
    assert.deepEqual(callsOf(r, "installer"), []);
  });

  it("refuses an upgrade that skips a minor release, naming the config key", async () => {
    sb.preinstall("v1.34.10+rke2r1");
    const r = await sb.run("rke2-install");
    expectFailure(
      r,
      /refusing to upgrade RKE2 from v1\.34\.10\+rke2r1 to v1\.36\.3\+rke2r1: it skips a minor release; set rancher-ha:rke2Version to a v1\.35\.x release first/,
    );
    assert.deepEqual(callsOf(r, "installer"), []);
  });

  it("upgrades the binary on a running node without touching the service", async () => {
    await sb.converge();
    assert.equal(sb.runningVersion, TEST_VERSION);
    sb.setParams({ rke2Version: NEXT_VERSION });
    const r = await sb.run("rke2-install");
    expectOk(r);
    assert.equal(callsOf(r, "installer")[0].env.INSTALL_RKE2_VERSION, NEXT_VERSION);
    assert.match(r.stderr, /installing RKE2 v1\.36\.4\+rke2r1 \(installed: v1\.36\.3\+rke2r1\)/);
    assert.equal(await rke2Version(), `rke2 version ${NEXT_VERSION} (0123abcd)`);
    assert.deepEqual(systemctlVerbs(r), ["daemon-reload"]);
    assert.equal(
      sb.runningVersion,
      TEST_VERSION,
      "the running server keeps its version until restarted",
    );
  });
});
