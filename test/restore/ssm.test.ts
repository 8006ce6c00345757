// The restore's SSM transport (automation/transport/ssm.ts) against the SSM API's test double:
// what it sends, how a script's exit status comes back, and what a command that never finishes
// or a node that never comes Online becomes. The fake clock never sleeps.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createRestoreTransport } from "../../automation/transport";
import { EXIT_MARK, restoreCommand, SsmRestoreTransport } from "../../automation/transport/ssm";
import type { RunScriptRequest } from "../../automation/transport/types";
import { FakeClock, FakeSsm, inProgress, success } from "../ssm/fake";

const NODE = {
  index: 1,
  nodeName: "rancher-ha-prod-server-2",
  instanceId: "i-0abc1234def567890",
  privateIp: "10.0.0.12",
};
const PARAMS = "RESTORE_ID=0a1b2c3d4e5f6a7b\nSNAPSHOT_NAME=etcd-snapshot-x-1.zip\n";
const REQ: RunScriptRequest = {
  script: "rke2-rejoin.sh",
  params: PARAMS,
  args: ["rejoin"],
  timeoutSeconds: 960,
};

function transport(api: FakeSsm) {
  return new SsmRestoreTransport({ api, clock: new FakeClock() });
}

describe("restore transport: SSM (Run Command, test double)", () => {
  it("sends one AWS-RunShellScript to the instance: restore.env inside, the fixed script line, its bound", async () => {
    const api = new FakeSsm(() => [inProgress, success(`PHASE=rejoined\n${EXIT_MARK}0\n`)]);
    const r = await transport(api).runScript(NODE, REQ);
    assert.deepEqual(r, { exitCode: 0, stdout: "PHASE=rejoined\n", stderr: "", timedOut: false });
    const [sent] = api.sent;
    assert.deepEqual(sent.InstanceIds, [NODE.instanceId]);
    assert.deepEqual(sent.Parameters?.executionTimeout, ["960"]);
    const script = sent.Parameters?.commands?.[0] ?? "";
    assert.equal(script, restoreCommand(REQ));
    const joined = script.replace(/\n/g, "");
    assert.ok(joined.includes(Buffer.from(PARAMS).toString("base64")), "restore.env travels in it");
    assert.match(
      script,
      /install -m 0600 "\$RANCHER_HA_WORK\/restore.env" \/opt\/rancher-ha\/restore.env && \{ rc=0; sudo -n bash \/opt\/rancher-ha\/node\/rke2-rejoin.sh \/opt\/rancher-ha\/restore.env rejoin \|\| rc=\$\?; echo "rancher-ha-restore-exit=\$rc"; \}/,
    );
    assert.equal(spawnSync("bash", ["-n"], { input: script }).status, 0, "valid bash");
    assert.equal(api.count("DescribeInstanceInformation"), 1, "waited for the agent first");
  });

  it("a failing script is a result with its exit code and output, never an SSM failure", async () => {
    const api = new FakeSsm(() => [
      success(`${EXIT_MARK}3\n`, "rke2-rejoin: another restore (abc) is in progress\n"),
    ]);
    const chunks: string[] = [];
    const r = await transport(api).runScript(NODE, {
      ...REQ,
      onOutput: (c, s) => chunks.push(`${s}:${c}`),
    });
    assert.equal(r.exitCode, 3);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /another restore/);
    assert.deepEqual(chunks, ["stderr:rke2-rejoin: another restore (abc) is in progress\n"]);
  });

  it("a command SSM stopped at its executionTimeout is timedOut, without an exit code", async () => {
    const api = new FakeSsm(() => [
      { Status: "TimedOut", StatusDetails: "ExecutionTimedOut", StandardErrorContent: "waiting…" },
    ]);
    const r = await transport(api).runScript(NODE, REQ);
    assert.equal(r.exitCode, null);
    assert.equal(r.timedOut, true);
    assert.match(r.stderr, /did not finish within its executionTimeout of 960s/);
  });

  it("a node that never comes Online, or output without the exit line, is a result without an exit code", async () => {
    const offline = new FakeSsm(() => [success()]);
    offline.ping = [undefined];
    const r = await transport(offline).runScript(NODE, REQ);
    assert.equal(r.exitCode, null);
    assert.equal(r.timedOut, false);
    assert.match(r.stderr, new RegExp(NODE.instanceId));
    assert.equal(offline.sent.length, 0, "nothing sent to a node that is not Online");

    const cut = await transport(new FakeSsm(() => [success("PHASE=x\n")])).runScript(NODE, REQ);
    assert.equal(cut.exitCode, null);
    assert.match(cut.stderr, /without the script's exit status/);
  });

  it("is what createRestoreTransport gives for nodeAccess ssm when the SSM factory is passed", () => {
    const t = createRestoreTransport(
      { region: "eu-west-1", nodeAccess: "ssm", sshUser: "ubuntu" },
      { ssm: () => transport(new FakeSsm()) },
    );
    assert.equal(t.kind, "ssm");
  });
});
