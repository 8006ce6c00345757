// The restore's node scripts in the sandbox: rke2-restore.sh on the first server, rke2-rejoin.sh
// on the others, and the lock rke2-start.sh honours.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { RESTORE_PARAM_KEYS, renderRestoreParams } from "../components/rke2/restoreParams";
import {
  BASH,
  NODE_NAME,
  SCRIPTS_DIR,
  SHORT,
  Sandbox,
  TOKEN,
  callsOf,
  expectFailure,
  expectOk,
  explain,
  systemctlVerbs,
  type RunResult,
} from "./sandbox/sandbox";

const STATE = "/var/lib/rancher-ha/restore/state";
const LAST = "/var/lib/rancher-ha/restore/last";
const DB = "/var/lib/rancher/rke2/server/db";
const DROPIN = "/etc/rancher/rke2/config.yaml.d/50-rancher-ha-join.yaml";

const serviceActions = (r: RunResult) =>
  systemctlVerbs(r).filter((v) => ["start", "restart", "stop", "enable", "disable"].includes(v));

function expectRefused(r: RunResult, message: RegExp): void {
  assert.equal(r.code, 3, explain(r));
  assert.match(r.stderr, message, explain(r));
}

describe("scripts: restore parameters", () => {
  it("restore-lib.sh reads exactly the keys renderRestoreParams writes", () => {
    const r = spawnSync(
      BASH,
      [
        "--norc",
        "-c",
        `source "${SCRIPTS_DIR}/lib.sh"; source "${SCRIPTS_DIR}/restore-lib.sh"; printf '%s\\n' "\${RESTORE_PARAM_KEYS[@]}"`,
      ],
      { encoding: "utf8" },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split("\n").sort(), [...RESTORE_PARAM_KEYS].sort());
  });

  it("renders KEY=VALUE lines and refuses what a node could misread", () => {
    const base = {
      restoreId: "20260821-0a1b2c3d",
      snapshotName: "etcd-snapshot-a-1.zip",
      nodeName: "a",
      nodeNames: ["a", "b"],
      registrationAddress: "reg.example.com",
    };
    assert.equal(
      renderRestoreParams(base),
      [
        "NODE_NAME=a",
        "NODE_NAMES=a,b",
        "POLL_INTERVAL=5",
        "READY_TIMEOUT=900",
        "REGISTRATION_ADDRESS=reg.example.com",
        "REGISTRATION_PORT=9345",
        "REGISTRATION_TIMEOUT=600",
        "RESET_TIMEOUT=900",
        "RESTORE_ID=20260821-0a1b2c3d",
        "SNAPSHOT_NAME=etcd-snapshot-a-1.zip",
        "STOP_TIMEOUT=120",
        "",
      ].join("\n"),
    );
    for (const [field, bad, re] of [
      ["snapshotName", "../etc/passwd", /snapshot file name/],
      ["snapshotName", ".hidden", /snapshot file name/],
      ["snapshotName", "a b", /must not contain whitespace/],
      ["restoreId", "X;rm", /must be a restore id/],
      ["nodeNames", ["b"], /must list nodeName a/],
      ["nodeNames", ["a", "a"], /must not repeat a name/],
      ["registrationAddress", "reg $(id)", /must not contain whitespace, quotes, \$/],
      ["registrationAddress", "-reg", /host name/],
      ["nodeName", "A", /must be a lower-case DNS name/],
      ["registrationPort", 65536, /port between 1 and 65535/],
    ] as const) {
      assert.throws(() => renderRestoreParams({ ...base, [field]: bad }), re, field);
    }
  });
});

describe("scripts: rke2-restore.sh (first server)", () => {
  let sb: Sandbox;
  beforeEach(async () => {
    sb = new Sandbox();
    await sb.converge(); // a running first server
    sb.setRestoreParams();
  });
  afterEach(() => sb.cleanup());

  const restore = (action: string) => sb.restore("rke2-restore", action);
  const state = () => (sb.exists(STATE) ? sb.read(STATE) : "");

  it("happy path: stop, reset from the S3 snapshot, start, finish", async () => {
    const stop = await restore("stop");
    expectOk(stop);
    assert.deepEqual(serviceActions(stop), ["disable", "stop"]);
    assert.equal(sb.runningVersion, undefined);
    assert.equal(sb.serviceEnabled, false, "a reboot must not bring the old member back");
    assert.deepEqual(callsOf(stop, "rke2-killall"), [], "the reset node needs no killall");
    assert.match(state(), /PHASE=stopped/);
    assert.equal(sb.mode("/var/lib/rancher-ha/restore"), 0o700);

    const reset = await restore("reset");
    expectOk(reset);
    const rke2 = callsOf(reset, "rke2", "server");
    assert.equal(rke2.length, 1, explain(reset));
    // Only the snapshot's file name: RKE2 takes the bucket from config.yaml (rke2-docs).
    assert.deepEqual(rke2[0].argv, [
      "server",
      "--cluster-reset",
      "--cluster-reset-restore-path=etcd-snapshot-rancher-ha-test-server-1-1755750000.zip",
    ]);
    assert.equal(rke2[0].path, sb.rootPath("/usr/local/bin/rke2"));
    assert.deepEqual(serviceActions(reset), [], "the reset runs rke2 directly, never the unit");
    assert.match(state(), /PHASE=reset/);
    assert.match(
      sb.read("/var/lib/rancher-ha/restore/cluster-reset-20260821-0a1b2c3d.log"),
      /restart without --cluster-reset flag now/,
    );

    const start = await restore("start");
    expectOk(start);
    assert.deepEqual(serviceActions(start), ["enable", "start"]);
    assert.ok(sb.serviceEnabled);
    assert.match(state(), /PHASE=started/);

    const finish = await restore("finish");
    expectOk(finish);
    const nodes = callsOf(finish, "kubectl").filter((c) => c.argv.includes("node"));
    for (const n of [NODE_NAME, "rancher-ha-test-server-2", "rancher-ha-test-server-3"]) {
      assert.ok(
        nodes.some((c) => c.argv.includes(n)),
        `checked ${n} is Ready`,
      );
    }
    assert.equal(sb.exists(STATE), false, "the lock is released");
    assert.match(sb.read(LAST), /RESTORE_ID=20260821-0a1b2c3d\nSNAPSHOT=.*\nPHASE=finished/);
    // Nothing secret travels: the token is read from its file by RKE2 alone.
    for (const r of [stop, reset, start, finish]) assert.ok(!r.rawCalls.includes(TOKEN));
  });

  it("moves a replaced first server's join drop-in aside (a reset refuses a server URL)", async () => {
    sb.write(DROPIN, "server: https://reg.example.com:9345\n", 0o600);
    expectOk(await restore("stop"));
    const reset = await restore("reset");
    expectOk(reset);
    assert.equal(fs.readFileSync(path.join(sb.state, "reset.snapshot"), "utf8"), "");
    assert.equal(sb.exists(DROPIN), false);
    assert.ok(sb.exists("/var/lib/rancher-ha/restore/50-rancher-ha-join.yaml.pre-restore"));
  });

  it("snapshot missing: fails naming it, leaves the servers stopped; a re-run resets again", async () => {
    expectOk(await restore("stop"));
    sb.plan("rke2.reset", "missing", "ok");
    const r = await restore("reset");
    expectFailure(
      r,
      /snapshot etcd-snapshot-rancher-ha-test-server-1-1755750000\.zip was not found/,
    );
    assert.match(r.stderr, /The specified key does not exist/, "the reset output's tail is shown");
    assert.match(state(), /PHASE=stopped/);
    assert.equal(sb.runningVersion, undefined, "nothing was started");
    // Start refuses before the reset succeeded.
    expectRefused(await restore("start"), /has not been reset/);
    expectOk(await restore("reset"));
    assert.equal(sb.count("rke2.reset"), 2);
  });

  it("re-running after a successful reset never resets twice", async () => {
    expectOk(await restore("stop"));
    expectOk(await restore("reset"));
    const again = await restore("reset");
    expectOk(again);
    assert.deepEqual(callsOf(again, "rke2", "server"), []);
    assert.match(again.stderr, /already reset/);
    const stop = await restore("stop");
    expectOk(stop);
    assert.deepEqual(serviceActions(stop), [], "a re-run does not stop again");
  });

  it("a reset that hangs is cut off at RESET_TIMEOUT; one that claims success without the line is not trusted", async () => {
    sb.setRestoreParams({ timeouts: { reset: SHORT } });
    expectOk(await restore("stop"));
    sb.plan("rke2.reset", "hang");
    expectFailure(await restore("reset"), /cluster-reset did not finish within 0\.2s/);
    sb.setRestoreParams();
    sb.plan("rke2.reset", "silent");
    expectFailure(await restore("reset"), /exited 0 without reporting a reset etcd/);
    assert.match(state(), /PHASE=stopped/);
  });

  it("a start that fails shows the service log, keeps the phase, and resumes on a re-run", async () => {
    expectOk(await restore("stop"));
    expectOk(await restore("reset"));
    sb.plan("systemctl.start", "fail", "ok");
    const r = await restore("start");
    expectFailure(r, /systemctl start rke2-server failed/);
    assert.match(r.stderr, /last 50 lines of the rke2-server log/);
    assert.match(r.stderr, /rke2-server journal line 60/);
    assert.match(state(), /PHASE=reset/);
    expectOk(await restore("start"));
    assert.match(state(), /PHASE=started/);
  });

  it("a start whose node never becomes Ready fails within READY_TIMEOUT", async () => {
    sb.setRestoreParams({ timeouts: { ready: SHORT } });
    expectOk(await restore("stop"));
    expectOk(await restore("reset"));
    sb.plan("kubectl.node", "notready");
    const r = await restore("start");
    expectFailure(r, /timed out after 0\.2s waiting for the Kubernetes API and node/);
    assert.match(r.stderr, /last 50 lines of the rke2-server log/);
  });

  it("holds the lock: rke2-start.sh refuses while a restore runs, and works after it", async () => {
    expectOk(await restore("stop"));
    const blocked = await sb.run("rke2-start", { stdin: `${TOKEN}\n` });
    expectFailure(
      blocked,
      /a restore \(snapshot etcd-snapshot-rancher-ha-test-server-1-1755750000\.zip\) is in progress on this node/,
    );
    assert.deepEqual(serviceActions(blocked), []);
    for (const a of ["reset", "start", "finish"]) expectOk(await restore(a));
    expectOk(await sb.run("rke2-start", { stdin: `${TOKEN}\n` }));
  });

  it("refuses another restore while one is in progress (exit 3)", async () => {
    expectOk(await restore("stop"));
    sb.setRestoreParams({ restoreId: "20260822-99999999", snapshotName: "other.zip" });
    const r = await restore("reset");
    expectRefused(
      r,
      /restore 20260821-0a1b2c3d \(snapshot etcd-snapshot-.*, phase stopped\) is in progress/,
    );
    assert.deepEqual(callsOf(r, "rke2", "server"), []);
  });

  it("abort before the reset starts the server again on its old data; after it, refuses", async () => {
    expectOk(await restore("stop"));
    sb.setRestoreParams({ restoreId: "20260822-99999999" }); // abort ends whichever restore runs
    const abort = await restore("abort");
    expectOk(abort);
    assert.ok(callsOf(abort, "systemctl", "start", "--no-block").length === 1, explain(abort));
    assert.ok(sb.serviceEnabled);
    assert.equal(sb.exists(STATE), false);
    assert.match(sb.read(LAST), /RESTORE_ID=20260821-0a1b2c3d\n.*\nPHASE=aborted/s);

    sb.setRestoreParams();
    expectOk(await restore("stop"));
    expectOk(await restore("reset"));
    expectRefused(await restore("abort"), /cannot be aborted after that/);
  });

  it("a stop that fails keeps the lock (phase stopping) and is retried", async () => {
    sb.plan("systemctl.stop", "fail", "ok");
    expectFailure(await restore("stop"), /systemctl stop rke2-server failed/);
    assert.match(state(), /PHASE=stopping/);
    expectOk(await restore("stop"));
    assert.match(state(), /PHASE=stopped/);
  });

  it("status prints the node's state for the restore command (nothing when none)", async () => {
    const none = await restore("status");
    expectOk(none);
    assert.equal(none.stdout, "RESTORE_ID=\nSNAPSHOT=\nPHASE=\n");
    expectOk(await restore("stop"));
    // status answers whichever restore holds the node, whatever the params name.
    sb.setRestoreParams({ restoreId: "20260822-99999999" });
    const held = await restore("status");
    expectOk(held);
    assert.equal(
      held.stdout,
      "RESTORE_ID=20260821-0a1b2c3d\nSNAPSHOT=etcd-snapshot-rancher-ha-test-server-1-1755750000.zip\nPHASE=stopped\n",
    );
    assert.deepEqual(serviceActions(held), []);
  });

  it("usage: an unknown action or a missing argument is exit 2", async () => {
    for (const args of [
      ['"$HOME/rancher-ha/restore.env"', "explode"],
      ['"$HOME/rancher-ha/restore.env"'],
    ]) {
      const r = await sb.run("rke2-restore", { args });
      assert.equal(r.code, 2, explain(r));
      assert.match(r.stderr, /usage: rke2-restore PARAMS_FILE stop\|reset\|start\|finish\|abort/);
    }
  });
});

describe("scripts: rke2-rejoin.sh (the other servers)", () => {
  let sb: Sandbox;
  const PEER = "rancher-ha-test-server-2";
  beforeEach(async () => {
    sb = new Sandbox();
    await sb.converge(); // kubectl's stub answers for any node name
    sb.setRestoreParams({ nodeName: PEER });
    sb.write(`${DB}/etcd/member/old-data`, "pre-restore\n");
  });
  afterEach(() => sb.cleanup());

  const rejoin = (action: string) => sb.restore("rke2-rejoin", action);
  const state = () => (sb.exists(STATE) ? sb.read(STATE) : "");
  const KEPT = `/var/lib/rancher/rke2/server/db-pre-restore-20260821-0a1b2c3d`;

  it("happy path: stop + killall, then db aside, start, Ready; finish releases the lock", async () => {
    const stop = await rejoin("stop");
    expectOk(stop);
    assert.deepEqual(serviceActions(stop), ["disable", "stop"]);
    const killall = callsOf(stop, "rke2-killall");
    assert.equal(killall.length, 1, "KillMode=process: etcd would outlive the stop");
    assert.equal(killall[0].path, sb.rootPath("/usr/local/bin/rke2-killall.sh"));
    assert.ok(sb.exists(`${DB}/etcd/member/old-data`), "stop never touches the database");

    const r = await rejoin("rejoin");
    expectOk(r);
    const ping = callsOf(r, "curl").map((c) => c.argv.at(-1));
    assert.deepEqual(ping, [
      `https://rancher-ha-test-nlb-0123456789.elb.eu-west-1.amazonaws.com:9345/ping`,
    ]);
    assert.equal(sb.read(`${KEPT}/etcd/member/old-data`), "pre-restore\n", "old db kept aside");
    assert.equal(sb.exists(`${DB}/etcd/member/old-data`), false);
    assert.deepEqual(serviceActions(r), ["enable", "start"]);
    assert.ok(callsOf(r, "kubectl").some((c) => c.argv.includes(PEER)));
    assert.match(state(), /PHASE=rejoined/);

    expectOk(await rejoin("finish"));
    assert.equal(sb.exists(STATE), false);
  });

  it("a server that does not come back: bounded, log tail, state kept; a re-run resumes", async () => {
    sb.setRestoreParams({ nodeName: PEER, timeouts: { ready: SHORT } });
    expectOk(await rejoin("stop"));
    sb.plan("kubectl.node", "notready");
    const r = await rejoin("rejoin");
    expectFailure(
      r,
      /timed out after 0\.2s waiting for the Kubernetes API and node rancher-ha-test-server-2/,
    );
    assert.match(r.stderr, /last 50 lines of the rke2-server log/);
    assert.match(state(), /PHASE=cleared/);

    sb.setRestoreParams({ nodeName: PEER });
    sb.plan("kubectl.node", "ok");
    const again = await rejoin("rejoin");
    expectOk(again);
    assert.deepEqual(serviceActions(again), [], "still running: it only waits again");
    assert.equal(sb.read(`${KEPT}/etcd/member/old-data`), "pre-restore\n", "moved once, kept");
    assert.match(state(), /PHASE=rejoined/);
  });

  it("a start that failed: the re-run kills what is left and clears the half-joined db first", async () => {
    expectOk(await rejoin("stop"));
    sb.plan("systemctl.start", "fail", "ok");
    expectFailure(await rejoin("rejoin"), /systemctl start rke2-server failed/);
    sb.write(`${DB}/etcd/member/half-joined`, "learner\n");
    const again = await rejoin("rejoin");
    expectOk(again);
    assert.equal(callsOf(again, "rke2-killall").length, 1);
    assert.ok(
      sb.exists("/var/lib/rancher/rke2/server/db-failed-20260821-0a1b2c3d/etcd/member/half-joined"),
    );
    assert.equal(sb.read(`${KEPT}/etcd/member/old-data`), "pre-restore\n");
  });

  it("waits for the restored server on the registration address, bounded, before touching the db", async () => {
    sb.setRestoreParams({ nodeName: PEER, timeouts: { registration: SHORT } });
    expectOk(await rejoin("stop"));
    sb.plan("curl.ping", "fail");
    const r = await rejoin("rejoin");
    expectFailure(r, /timed out after 0\.2s waiting for the restored server to answer/);
    assert.ok(sb.exists(`${DB}/etcd/member/old-data`), "database untouched");
    assert.match(state(), /PHASE=stopped/);
    assert.deepEqual(serviceActions(r), []);
  });

  it("a killall that fails is an error: the old etcd may still serve", async () => {
    sb.plan("killall", "fail");
    expectFailure(await rejoin("stop"), /rke2-killall\.sh failed .*etcd may still run/);
    assert.match(state(), /PHASE=stopping/);
  });

  it("never moves a database onto an earlier one of the same restore id", async () => {
    sb.write(`${KEPT}/etcd/member/older`, "x\n");
    expectOk(await rejoin("stop"));
    expectFailure(await rejoin("rejoin"), /db-pre-restore-20260821-0a1b2c3d already exists/);
    assert.ok(sb.exists(`${DB}/etcd/member/old-data`));
  });

  it("rejoin refuses before the stop; abort works only before the database moved", async () => {
    expectRefused(await rejoin("rejoin"), /not stopped for restore/);
    expectOk(await rejoin("stop"));
    expectOk(await rejoin("abort"));
    assert.equal(sb.exists(STATE), false);
    expectOk(await rejoin("stop"));
    expectOk(await rejoin("rejoin"));
    expectRefused(await rejoin("abort"), /already left its old database/);
  });
});
