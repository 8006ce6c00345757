import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  DEFAULT_CONFIG,
  NEXT_VERSION,
  NLB,
  NODE_NAME,
  SHORT,
  Sandbox,
  TEST_VERSION,
  TOKEN,
  callsOf,
  expectFailure,
  expectOk,
  explain,
  systemctlVerbs,
  type RunResult,
} from "./sandbox/sandbox";
import { readTree } from "./sandbox/tree";

const STAMP = "/var/lib/rancher-ha/applied.sha256";

const serviceActions = (r: RunResult) =>
  systemctlVerbs(r).filter((v) => ["start", "restart", "stop"].includes(v));

describe("scripts: rke2-start.sh", () => {
  let sb: Sandbox;
  beforeEach(() => {
    sb = new Sandbox();
    sb.preinstall(TEST_VERSION);
  });
  afterEach(() => sb.cleanup());

  const start = (token = TOKEN) => sb.run("rke2-start", { stdin: `${token}\n` });

  describe("first server (init)", () => {
    it("installs token and config 0600 before starting, enables and starts, waits for Ready", async () => {
      const r = await start();
      expectOk(r);
      assert.equal(sb.read("/etc/rancher/rke2/token"), `${TOKEN}\n`);
      assert.equal(sb.mode("/etc/rancher/rke2/token"), 0o600);
      assert.equal(sb.read("/etc/rancher/rke2/config.yaml"), DEFAULT_CONFIG);
      assert.equal(sb.mode("/etc/rancher/rke2/config.yaml"), 0o600);
      // Everything was in place when the service started.
      const snapshot = fs.readFileSync(path.join(sb.state, "start.snapshot"), "utf8").split("\n");
      for (const f of ["config.yaml", "token"]) assert.ok(snapshot.includes(f), f);

      assert.deepEqual(systemctlVerbs(r), ["is-enabled", "enable", "is-active", "start"]);
      assert.ok(sb.serviceEnabled);
      assert.equal(sb.runningVersion, TEST_VERSION);
      // Readiness went through RKE2's own kubectl and kubeconfig.
      const kubectl = callsOf(r, "kubectl");
      assert.ok(kubectl.length >= 2, explain(r));
      for (const c of kubectl) {
        assert.equal(c.path, sb.rootPath("/var/lib/rancher/rke2/bin/kubectl"));
        assert.equal(c.argv[1], sb.rootPath("/etc/rancher/rke2/rke2.yaml"));
      }
      assert.deepEqual(kubectl[0].argv.slice(3), ["get", "--raw", "/readyz"]);
      assert.deepEqual(kubectl[1].argv.slice(3, 6), ["get", "node", NODE_NAME]);
      assert.match(r.stderr, /rke2-server v1\.36\.3\+rke2r1 is ready on rancher-ha-test-server-1/);
      assert.match(sb.read(STAMP), /^[0-9a-f]{64}\n$/);
      assert.equal(sb.mode("/var/lib/rancher-ha"), 0o700);
      // A single init server neither probes for a cluster nor waits for /ping.
      assert.deepEqual(callsOf(r, "curl"), []);
    });

    it("leaves the tree Sandbox.converge gives the tests that need a running first server", async () => {
      expectOk(await start());
      const boxes = [new Sandbox(), new Sandbox()];
      try {
        // rke2-start.sh runs at most for the first; the second gets a copy of a run's tree.
        for (const b of boxes) await b.converge();
        const [ran, converged] = [readTree(sb.dir), readTree(boxes[1].dir)];
        assert.ok(ran?.has("root/etc/rancher/rke2/token") && converged);
        // Byte for byte and mode for mode, up to the sandbox directory's name.
        assert.deepEqual(converged, ran);
      } finally {
        boxes.forEach((b) => b.cleanup());
      }
    });

    it("never shows the token on stdout, stderr or in any command's argv or environment", async () => {
      const r = await start();
      expectOk(r);
      for (const [where, text] of [
        ["stdout", r.stdout],
        ["stderr", r.stderr],
        ["calls", r.rawCalls],
      ] as const) {
        assert.ok(!text.includes(TOKEN), `token leaked to ${where}`);
        assert.ok(!text.includes("9f8e7d6c5b4a3f2e1d0c"), `token secret leaked to ${where}`);
      }
      assert.ok(r.calls.length > 5, "the call log did record the run");
    });

    it("accepts a token without a trailing newline", async () => {
      const r = await sb.run("rke2-start", { stdin: TOKEN });
      expectOk(r);
      assert.equal(sb.read("/etc/rancher/rke2/token"), `${TOKEN}\n`);
    });

    it("refuses to start without a token on stdin", async () => {
      const r = await sb.run("rke2-start", { stdin: "" });
      expectFailure(r, /ERROR: no token on stdin/);
      assert.deepEqual(serviceActions(r), []);
      assert.equal(sb.exists("/etc/rancher/rke2/token"), false);
    });

    it("refuses a token with spaces without echoing it", async () => {
      const r = await sb.run("rke2-start", { stdin: "secret part-two\n" });
      expectFailure(r, /the token on stdin must be a single word on one line/);
      assert.ok(!r.stderr.includes("part-two"));
    });

    it("fails clearly when config.yaml was not staged", async () => {
      fs.rmSync(path.join(sb.stage, "config.yaml"));
      const r = await start();
      expectFailure(r, /rancher-ha\/config\.yaml is missing/);
      assert.deepEqual(serviceActions(r), []);
    });

    it("fails clearly when RKE2 is not installed", async () => {
      fs.rmSync(sb.rootPath("/usr/local/bin/rke2"));
      const r = await start();
      expectFailure(r, /rke2 is not installed \(run rke2-install\.sh first\)/);
    });
  });

  describe("first server: initialise only when no cluster runs", () => {
    const PEERS = ["10.20.64.11", "10.20.128.12"];
    const DROPIN = "/etc/rancher/rke2/config.yaml.d/50-rancher-ha-join.yaml";
    const probes = (r: RunResult) =>
      callsOf(r, "curl")
        .filter((c) => c.argv.at(-1)!.endsWith("/cacerts"))
        .map((c) => c.argv.at(-1));
    beforeEach(() => sb.setParams({ peers: PEERS }));

    it("initialises when every other server refuses (nothing runs RKE2 yet)", async () => {
      const r = await start();
      expectOk(r);
      assert.deepEqual(
        probes(r),
        PEERS.map((p) => `https://${p}:9345/cacerts`),
      );
      assert.ok(!sb.exists(DROPIN));
      assert.match(
        r.stderr,
        /no other server runs RKE2 yet \(10\.20\.64\.11, 10\.20\.128\.12 refused\): initialising/,
      );
      assert.deepEqual(serviceActions(r), ["start"]);
    });

    it("a replacement first server joins the cluster another server runs", async () => {
      sb.plan("curl.cacerts", "fail", "ok");
      const r = await start();
      expectOk(r);
      assert.equal(sb.read(DROPIN), `server: https://${NLB}:9345\n`);
      assert.equal(sb.mode(DROPIN), 0o600);
      assert.match(
        r.stderr,
        /a cluster already runs on 10\.20\.128\.12: joining it through .* instead of initialising/,
      );
      // As a joiner it also waits for the registration address before starting.
      const pingAt = r.calls.findIndex(
        (c) => c.name === "curl" && c.argv.at(-1)!.endsWith("/ping"),
      );
      const startAt = r.calls.findIndex((c) => c.name === "systemctl" && c.argv[0] === "start");
      assert.ok(pingAt >= 0 && pingAt < startAt, explain(r));
    });

    it("waits while a server does not answer, then decides", async () => {
      sb.plan("curl.cacerts", "timeout", "timeout", "fail", "fail");
      const r = await start();
      expectOk(r);
      assert.equal(probes(r).length, 4, explain(r));
      assert.ok(!sb.exists(DROPIN));
    });

    it("fails closed: never initialises while a server stays silent", async () => {
      sb.setParams({ peers: PEERS, timeouts: { registration: SHORT } });
      // The first server refuses once, then every probe of either server times out. Whether
      // a second round (naming the first server too) fits in the 0.2 s depends on the load.
      sb.plan("curl.cacerts", "fail", "timeout");
      const r = await start();
      expectFailure(
        r,
        /cannot tell whether a cluster already runs: (10\.20\.64\.11 )?10\.20\.128\.12 did not answer on port 9345 within 0\.2s; not initialising a second cluster/,
      );
      assert.deepEqual(serviceActions(r), []);
      assert.ok(!sb.exists(DROPIN));
    });

    it("never probes on a server that already holds the datastore, or without peers", async () => {
      fs.mkdirSync(sb.rootPath("/var/lib/rancher/rke2/server/db/etcd"), { recursive: true });
      sb.plan("curl.cacerts", "ok");
      const r = await start();
      expectOk(r);
      assert.deepEqual(probes(r), []);
      assert.ok(!sb.exists(DROPIN));
      const single = new Sandbox();
      try {
        single.preinstall(TEST_VERSION);
        const s1 = await single.run("rke2-start", { stdin: `${TOKEN}\n` });
        expectOk(s1);
        assert.deepEqual(probes(s1), []);
        assert.match(s1.stderr, /single server: initialising a new cluster/);
      } finally {
        single.cleanup();
      }
    });
  });

  describe("joining server", () => {
    beforeEach(() => sb.setParams({ role: "join" }));

    it("waits for the registration address with bounded retries, then starts", async () => {
      sb.plan("curl.ping", "fail", "fail", "ok");
      const r = await start();
      expectOk(r);
      const pings = callsOf(r, "curl");
      assert.equal(pings.length, 3, explain(r));
      for (const p of pings) assert.equal(p.argv.at(-1), `https://${NLB}:9345/ping`);
      assert.ok(pings[0].argv.includes("--max-time"));
      const startAt = r.calls.findIndex((c) => c.name === "systemctl" && c.argv[0] === "start");
      const lastPing = r.calls.lastIndexOf(pings[2]);
      assert.ok(lastPing < startAt, "started only after the address answered");
      assert.equal(sb.runningVersion, TEST_VERSION);
    });

    it("fails at its bound with a message naming the address when it never answers", async () => {
      sb.setParams({ role: "join", timeouts: { registration: SHORT } });
      sb.plan("curl.ping", "fail");
      const r = await start();
      expectFailure(
        r,
        new RegExp(
          `ERROR: timed out after 0\\.2s waiting for the registration address ${NLB.replace(/\./g, "\\.")}:9345 to answer`,
        ),
      );
      // It tried again: how many tries fit in 0.2 s depends on the machine's load.
      assert.ok(callsOf(r, "curl").length >= 2, explain(r));
      assert.ok(r.ms < 3000, explain(r));
      assert.deepEqual(serviceActions(r), []);
      assert.equal(sb.runningVersion, undefined);
    });

    it("uses the configured registration port", async () => {
      sb.setParams({ role: "join", registrationPort: 19345 });
      const r = await start();
      expectOk(r);
      assert.equal(callsOf(r, "curl")[0].argv.at(-1), `https://${NLB}:19345/ping`);
    });
  });

  describe("readiness", () => {
    it("polls until the API and the node are ready", async () => {
      sb.plan("kubectl.readyz", "fail", "fail", "fail", "ok");
      sb.plan("kubectl.node", "notready", "ok");
      const r = await start();
      expectOk(r);
      assert.equal(sb.count("kubectl.readyz"), 5, explain(r));
      assert.match(
        r.stderr,
        /node rancher-ha-test-server-1: Ready=False, kubelet v1\.36\.3\+rke2r1/,
      );
      assert.match(
        r.stderr,
        /node rancher-ha-test-server-1: Ready=True, kubelet v1\.36\.3\+rke2r1/,
      );
    });

    it("fails at READY_TIMEOUT and prints the tail of the service log; no stamp", async () => {
      sb.setParams({ timeouts: { ready: SHORT } });
      sb.plan("kubectl.readyz", "fail");
      const r = await start();
      expectFailure(
        r,
        /ERROR: timed out after 0\.2s waiting for the Kubernetes API and node rancher-ha-test-server-1 to be Ready/,
      );
      assert.ok(r.ms >= 200 && r.ms < 3000, explain(r));
      const journal = callsOf(r, "journalctl");
      assert.equal(journal.length, 1);
      assert.deepEqual(journal[0].argv, ["-u", "rke2-server", "--no-pager", "-n", "50"]);
      assert.match(r.stderr, /last 50 lines of the rke2-server log:/);
      assert.match(r.stderr, /rke2-server journal line 60\n/);
      assert.match(r.stderr, /rke2-server journal line 11\n/);
      assert.doesNotMatch(r.stderr, /rke2-server journal line 10\n/);
      assert.equal(sb.exists(STAMP), false);
    });

    it("fails when the node never becomes Ready, with the journal", async () => {
      sb.setParams({ timeouts: { ready: SHORT } });
      sb.plan("kubectl.node", "notready");
      sb.setJournal('level=error msg="etcd cluster join failed: too many learner members"\n');
      const r = await start();
      expectFailure(r, /to be Ready/);
      assert.match(r.stderr, /etcd cluster join failed: too many learner members/);
    });

    it("bounds a start that hangs and reports the service log", async () => {
      sb.setParams({ timeouts: { ready: SHORT } });
      sb.plan("systemctl.start", "hang");
      const r = await start();
      expectFailure(r, /systemctl start rke2-server failed or did not finish within 0\.2s/);
      assert.ok(r.ms < 8000, explain(r));
      assert.equal(callsOf(r, "journalctl").length, 1);
    });

    it("reports a failed start with the service log", async () => {
      sb.plan("systemctl.start", "fail");
      const r = await start();
      expectFailure(r, /systemctl start rke2-server failed/);
      assert.match(r.stderr, /rke2-server journal line 60/);
    });

    it("does not write the stamp on failure, so the next run restarts the service", async () => {
      sb.setParams({ timeouts: { ready: SHORT } });
      sb.plan("kubectl.readyz", "fail");
      expectFailure(await start(), /to be Ready/);
      sb.setParams();
      sb.plan("kubectl.readyz", "ok");
      const r = await start();
      expectOk(r);
      assert.deepEqual(serviceActions(r), ["restart"]);
    });
  });

  describe("idempotency", () => {
    beforeEach(() => sb.converge()); // a first start (rke2-start.sh runs once: see converge)

    it("a second install and start on a converged node change nothing and leave the service alone", async () => {
      const stamp = sb.read(STAMP);
      const install = await sb.run("rke2-install");
      expectOk(install);
      assert.deepEqual(callsOf(install, "systemctl"), []);
      assert.deepEqual(callsOf(install, "installer"), []);
      const r = await start();
      expectOk(r);
      assert.deepEqual(systemctlVerbs(r), ["is-enabled", "is-active"]);
      assert.match(
        r.stderr,
        /rke2-server is active and token, config and version are unchanged; not touching it/,
      );
      assert.match(r.stderr, /config\.yaml is up to date/);
      assert.equal(sb.read(STAMP), stamp);
      assert.equal(sb.runningVersion, TEST_VERSION);
    });

    it("an unchanged node that is not Ready fails with the service log, without a restart", async () => {
      sb.setParams({ timeouts: { ready: SHORT } });
      sb.plan("kubectl.node", "notready");
      const r = await start();
      expectFailure(r, /to be Ready/);
      assert.deepEqual(serviceActions(r), []);
      assert.match(
        r.stderr,
        /last 50 lines of the rke2-server log:\n(.*\n)*.*rke2-server journal line 60/,
      );
    });

    it("a changed config restarts the service once", async () => {
      const config = DEFAULT_CONFIG + 'etcd-snapshot-schedule-cron: "0 */6 * * *"\n';
      sb.stageConfig(config);
      const r = await start();
      expectOk(r);
      assert.deepEqual(serviceActions(r), ["restart"]);
      assert.equal(sb.read("/etc/rancher/rke2/config.yaml"), config);
      assert.match(r.stderr, /installed .*config\.yaml \(mode 0600\)/);
      // ...and converges: the run after that leaves it alone.
      assert.deepEqual(serviceActions(await start()), []);
    });

    it("a changed token restarts the service", async () => {
      const r = await start("K10another::server:0000");
      expectOk(r);
      assert.deepEqual(serviceActions(r), ["restart"]);
      assert.equal(sb.read("/etc/rancher/rke2/token"), "K10another::server:0000\n");
    });

    it("a stopped service is started, not restarted", async () => {
      fs.rmSync(path.join(sb.state, "service.active"));
      const r = await start();
      expectOk(r);
      assert.deepEqual(serviceActions(r), ["start"]);
    });

    it("a file mode drift is repaired without a restart only if content is unchanged", async () => {
      fs.chmodSync(sb.rootPath("/etc/rancher/rke2/config.yaml"), 0o644);
      const r = await start();
      expectOk(r);
      assert.equal(sb.mode("/etc/rancher/rke2/config.yaml"), 0o600);
      assert.deepEqual(serviceActions(r), [], "same content, same hash: no restart");
    });
  });

  describe("rolling upgrade step", () => {
    it("install replaces the binary only; start then restarts once and waits for Ready on the new version", async () => {
      await sb.converge();
      sb.setParams({ rke2Version: NEXT_VERSION });

      const install = await sb.run("rke2-install");
      expectOk(install);
      assert.deepEqual(systemctlVerbs(install), ["daemon-reload"]);
      assert.equal(sb.runningVersion, TEST_VERSION);

      const r = await start();
      expectOk(r);
      assert.deepEqual(serviceActions(r), ["restart"]);
      assert.equal(sb.runningVersion, NEXT_VERSION);
      assert.match(r.stderr, /Ready=True, kubelet v1\.36\.4\+rke2r1/);
      assert.match(r.stderr, /rke2-server v1\.36\.4\+rke2r1 is ready/);
      assert.deepEqual(serviceActions(await start()), [], "converged after the upgrade");
    });

    it("does not accept a node that is Ready on the old version", async () => {
      await sb.converge();
      sb.setParams({ rke2Version: NEXT_VERSION, timeouts: { ready: SHORT } });
      expectOk(await sb.run("rke2-install"));
      sb.plan("systemctl.start", "stale"); // the restart "succeeds" but the old server keeps answering
      const r = await start();
      expectFailure(
        r,
        /timed out after 0\.2s waiting for the Kubernetes API and node .* to be Ready/,
      );
      assert.match(r.stderr, /Ready=True, kubelet v1\.36\.3\+rke2r1/);
    });
  });
});
