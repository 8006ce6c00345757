// The restore library driving the real node scripts: three sandboxes stand in for three servers.
import { base64Forms } from "../base64Forms";
import * as assert from "node:assert/strict";
import {
  parseRestoreTarget,
  restoreEtcdSnapshot,
  RestoreStepError,
  type RestoreTarget,
} from "../../automation/restore";
import type {
  RestoreTransport,
  RestoreNode,
  RunScriptRequest,
  RunScriptResult,
} from "../../automation/transport/types";
import * as fs from "node:fs";
import * as path from "node:path";
import { SsmRestoreTransport } from "../../automation/transport/ssm";
import { Sandbox, TOKEN, callsOf, expectOk } from "../sandbox/sandbox";
import { FakeClock, FakeSsm, type Invocation } from "../ssm/fake";
import { FakeStore } from "./fakes";

const NAMES = [1, 2, 3].map((i) => `rancher-ha-test-server-${i}`);
const SNAPSHOT = `etcd-snapshot-${NAMES[1]}-1755741600.zip`;

/** Runs the script in the node's sandbox, with restore.env written where the sandbox stages files. */
class SandboxTransport implements RestoreTransport {
  readonly kind = "ssh" as const;
  constructor(readonly boxes: Sandbox[]) {}
  async runScript(node: RestoreNode, req: RunScriptRequest): Promise<RunScriptResult> {
    const sb = this.boxes[node.index];
    sb.writeRestoreParamsFile(req.params);
    const r = await sb.restore(
      req.script.replace(/\.sh$/, "") as "rke2-restore" | "rke2-rejoin",
      req.args[0],
    );
    return { exitCode: r.code, stdout: r.stdout, stderr: r.stderr, timedOut: r.timedOut };
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const target: RestoreTarget = parseRestoreTarget({
  v: 1,
  region: "eu-west-1",
  nodeAccess: "public",
  sshUser: "ubuntu",
  bucket: "rancher-ha-test-backups",
  etcdFolder: "rancher-ha/test/etcd",
  rancherFolder: "rancher-ha/test/rancher",
  registrationAddress: "rancher-ha-test-nlb-0123456789.elb.eu-west-1.amazonaws.com",
  servers: NAMES.map((nodeName, index) => ({
    index,
    nodeName,
    instanceId: `i-0${index}`,
    privateIp: `10.0.0.${index + 10}`,
  })),
});

const store = () =>
  new FakeStore([{ key: `rancher-ha/test/etcd/${SNAPSHOT}`, size: 1, lastModified: new Date() }]);
const fast = { stop: 2, reset: 2, ready: 2, registration: 2, poll: 0.02 };

describe("restore library + node scripts (three sandboxes)", function () {
  this.timeout(60_000);
  let boxes: Sandbox[];
  beforeEach(async () => {
    boxes = [new Sandbox(), new Sandbox(), new Sandbox()];
    for (const [i, sb] of boxes.entries()) {
      await sb.converge();
      sb.write("/var/lib/rancher/rke2/server/db/etcd/member/old", `old data of ${NAMES[i]}\n`);
    }
  });
  afterEach(() => boxes.forEach((b) => b.cleanup()));

  it("restores: reset on the first only, killall and a moved db on the others, all back and unlocked", async () => {
    const t = new SandboxTransport(boxes);
    const r = await restoreEtcdSnapshot({
      stackName: "test",
      target,
      snapshot: "latest",
      transport: t,
      store: store(),
      timeouts: fast,
    });
    assert.equal(r.status, "restored");
    assert.equal(boxes[0].count("rke2.reset"), 1);
    assert.match(
      boxes[0].read("/var/lib/rancher/rke2/server/db/etcd/member/restored"),
      new RegExp(SNAPSHOT),
    );
    for (const [i, sb] of boxes.entries()) {
      assert.ok(sb.runningVersion, `${NAMES[i]} runs`);
      assert.ok(sb.serviceEnabled, `${NAMES[i]} enabled`);
      assert.equal(sb.exists("/var/lib/rancher-ha/restore/state"), false, `${NAMES[i]} unlocked`);
      if (i > 0) {
        assert.equal(sb.count("killall"), 1);
        assert.equal(
          sb.read(`/var/lib/rancher/rke2/server/db-pre-restore-${r.restoreId}/etcd/member/old`),
          `old data of ${NAMES[i]}\n`,
        );
      }
    }
    assert.equal(boxes[0].count("killall"), 0);
    // A deploy works again afterwards.
    expectOk(await boxes[1].run("rke2-start", { stdin: `${TOKEN}\n` }));
  });

  it("a server that does not come back fails the restore there; fixed, the same command resumes", async () => {
    boxes[2].plan("systemctl.start", "fail", "ok");
    const t = new SandboxTransport(boxes);
    const args = {
      stackName: "test",
      target,
      snapshot: SNAPSHOT,
      transport: t,
      store: store(),
      timeouts: fast,
    };
    await assert.rejects(restoreEtcdSnapshot(args), (e: unknown) => {
      assert.ok(e instanceof RestoreStepError);
      assert.equal(e.step, "rejoin");
      assert.equal(e.node, NAMES[2]);
      assert.match(
        e.message,
        /rejoin on rancher-ha-test-server-3 failed: exit 1: systemctl start rke2-server failed/,
      );
      assert.match(e.outputTail, /rke2-server journal line 60/);
      return true;
    });
    // The deploy's start step is locked out meanwhile.
    const locked = await boxes[2].run("rke2-start", { stdin: `${TOKEN}\n` });
    assert.equal(locked.code, 1);
    assert.match(locked.stderr, /a restore .* is in progress on this node/);

    const r = await restoreEtcdSnapshot(args);
    assert.equal(r.status, "restored");
    assert.equal(boxes[0].count("rke2.reset"), 1, "the first server was not reset twice");
    assert.ok(
      boxes.every((b) => b.runningVersion && !b.exists("/var/lib/rancher-ha/restore/state")),
    );
    assert.equal(
      callsOf(await boxes[1].restore("rke2-rejoin", "status"), "rke2-killall").length,
      0,
    );
  });

  it("over SSM: the same restore, each command run by the agent's shell in its server's sandbox", async () => {
    const scriptOf = (script: string, sb: Sandbox): string =>
      // The node's /opt/rancher-ha is the sandbox's staging directory.
      script
        .split("/opt/rancher-ha/node/")
        .join(`${sb.stage}/scripts/`)
        .split("/opt/rancher-ha/restore.env")
        .join(`${sb.stage}/restore.env`);
    let n = 0;
    const api = new FakeSsm(async (script, input) => {
      const sb = boxes[target.servers.findIndex((s) => s.instanceId === input.InstanceIds?.[0])];
      const file = path.join(sb.dir, `ssm-${++n}.sh`);
      fs.writeFileSync(file, scriptOf(script, sb), { mode: 0o700 });
      const r = await sb.runShell(`sh -c '${file}'`, { timeoutMs: 60_000 });
      const done: Invocation = {
        Status: r.code === 0 ? "Success" : "Failed",
        StatusDetails: r.code === 0 ? "Success" : "Failed",
        ResponseCode: r.code ?? -1,
        StandardOutputContent: r.stdout,
        StandardErrorContent: r.stderr,
      };
      return [done];
    });
    const r = await restoreEtcdSnapshot({
      stackName: "test",
      target: { ...target, nodeAccess: "ssm" },
      snapshot: "latest",
      transport: new SsmRestoreTransport({ api, clock: new FakeClock() }),
      store: store(),
      timeouts: fast,
    });
    assert.equal(r.status, "restored");
    assert.equal(boxes[0].count("rke2.reset"), 1);
    for (const sb of boxes) {
      assert.ok(sb.runningVersion && !sb.exists("/var/lib/rancher-ha/restore/state"));
    }
    assert.equal(boxes[0].count("killall"), 0);
    assert.ok(boxes.slice(1).every((b) => b.count("killall") === 1));
    // Every command carried restore.env (base64 in the command) and nothing else a secret could
    // hide in: look for the token as text and in each base64 alignment.
    assert.ok(api.scripts.length > 0);
    for (const form of [TOKEN, ...base64Forms(TOKEN)]) {
      assert.ok(
        api.scripts.every((sc) => !sc.includes(form)),
        form,
      );
    }
  });
});
