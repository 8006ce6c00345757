// The SSM runner's command and registration waits against a test double of the SSM API: what it
// sends, how it polls, what it surfaces when a command fails or never ends. Time is a fake
// clock: nothing sleeps, and no assertion is about elapsed wall time.
import * as assert from "node:assert/strict";
import { DELIVERY_TIMEOUT_SECONDS, MAX_STDOUT, POLL_MAX_MS, TRUNCATED_SUFFIX } from "../ssm/invoke";
import { REGISTRATION_POLL_SECONDS, waitForRegistration } from "../ssm/registration";
import { MAX_SCRIPT_BYTES } from "../ssm/script";
import { FakeClock, FakeSsm, inProgress, success, type Invocation } from "./ssm/fake";
import { log, NODE, send } from "./ssm/runner";

describe("ssm runner: one command (sendAndWait)", () => {
  it("sends AWS-RunShellScript with the script, executionTimeout, delivery timeout and a comment", async () => {
    const api = new FakeSsm(() => [inProgress, success("out\n", "log line\n")]);
    const clock = new FakeClock();
    const r = await send(api, clock);
    assert.deepEqual(r, { commandId: "cmd-1", stdout: "out\n", stderr: "log line\n" });
    assert.deepEqual(api.sent, [
      {
        DocumentName: "AWS-RunShellScript",
        InstanceIds: [NODE.instanceId],
        Parameters: { commands: ["#!/bin/bash\necho hi\n"], executionTimeout: ["900"] },
        TimeoutSeconds: DELIVERY_TIMEOUT_SECONDS,
        Comment: "rancher-ha test",
      },
    ]);
    assert.deepEqual(
      api.requests.filter((q) => q.op === "GetCommandInvocation").map((q) => q.input),
      [1, 2].map(() => ({ CommandId: "cmd-1", InstanceId: NODE.instanceId })),
    );
  });

  it("polls with a backoff from 2 s to at most 10 s (injected clock)", async () => {
    const api = new FakeSsm(() => [...Array<Invocation>(8).fill(inProgress), success()]);
    const clock = new FakeClock();
    await send(api, clock);
    assert.deepEqual(clock.sleeps, [2000, 3000, 4500, 6750, 10000, 10000, 10000, 10000, 10000]);
    assert.ok(Math.max(...clock.sleeps) <= POLL_MAX_MS);
  });

  it("treats InvocationDoesNotExist right after SendCommand as not yet, like the SDK's waiter", async () => {
    const api = new FakeSsm(() => [
      { error: "InvocationDoesNotExist" },
      { error: "InvocationDoesNotExist" },
      success("ok"),
    ]);
    const r = await send(api, new FakeClock());
    assert.equal(r.stdout, "ok");
    assert.equal(api.count("GetCommandInvocation"), 3);
  });

  it("surfaces a failed command with step, node, instance, exit code and the node's stderr tail", async () => {
    const tail =
      "rke2-start: ERROR: systemctl start rke2-server failed\nlast 50 lines of the rke2-server log:\nJul 01 etcd: cluster ID mismatch\n";
    const api = new FakeSsm(() => [
      inProgress,
      { Status: "Failed", StatusDetails: "Failed", ResponseCode: 1, StandardErrorContent: tail },
    ]);
    await assert.rejects(send(api, new FakeClock()), (e: Error) => {
      assert.match(
        e.message,
        /^rancher-rke2-2-start on rancher-ha-test-server-2 \(i-0abc1234def567890\) failed with exit 1 \(command cmd-1\):\n/,
      );
      assert.ok(e.message.includes(tail.trimEnd()), e.message);
      return true;
    });
  });

  it("names each terminal state: execution timeout, delivery timeout, cancelled, undeliverable", async () => {
    const cases: [object, RegExp][] = [
      [
        {
          Status: "TimedOut",
          StatusDetails: "ExecutionTimedOut",
          StandardErrorContent: "still waiting\n",
        },
        /did not finish within its executionTimeout of 900s \(ExecutionTimedOut\).*:\nstill waiting/s,
      ],
      [
        { Status: "TimedOut", StatusDetails: "DeliveryTimedOut" },
        /could not deliver the command within 300s \(DeliveryTimedOut\): the agent stopped answering/,
      ],
      [
        { Status: "Cancelled", StatusDetails: "Cancelled" },
        /was cancelled \(Cancelled; command cmd-1\): \(no output on stderr\)/,
      ],
      [
        { Status: "Failed", StatusDetails: "Undeliverable" },
        /could not deliver the command \(Undeliverable: the instance does not exist or is not a managed node\)/,
      ],
    ];
    for (const [poll, message] of cases) {
      await assert.rejects(send(new FakeSsm(() => [poll]), new FakeClock()), message);
    }
  });

  it("gives up on its own deadline (delivery + execution + 60 s) when the command never ends", async () => {
    const api = new FakeSsm(() => [inProgress]);
    const clock = new FakeClock();
    const start = clock.now();
    await assert.rejects(
      send(api, clock, undefined, 100),
      /no result after 460s \(last status: InProgress\); command cmd-1 may still be running - see it with aws ssm get-command-invocation --command-id cmd-1 --instance-id i-0abc1234def567890/,
    );
    assert.ok(clock.now() - start >= 460_000);
    assert.ok(api.count("GetCommandInvocation") < 60, "polls are bounded by the backoff");
  });

  it("refuses output that reached SSM's 24,000-character cut instead of decoding it", async () => {
    const cut = "x".repeat(MAX_STDOUT - TRUNCATED_SUFFIX.length) + TRUNCATED_SUFFIX;
    await assert.rejects(
      send(new FakeSsm(() => [success(cut)]), new FakeClock()),
      /reached SSM's 24000-character limit and was cut off/,
    );
  });

  it("refuses a script over the parameter budget before sending anything", async () => {
    const api = new FakeSsm();
    await assert.rejects(
      send(api, new FakeClock(), "#".repeat(MAX_SCRIPT_BYTES + 1)),
      /exceeds the 16000-byte budget/,
    );
    assert.equal(api.count("SendCommand"), 0);
  });

  it("lets other AWS errors through (AccessDenied is explained by the CLI)", async () => {
    const api = new FakeSsm(() => [{ error: "AccessDeniedException" }]);
    await assert.rejects(send(api, new FakeClock()), { name: "AccessDeniedException" });
  });
});

describe("ssm runner: registration", () => {
  it("returns at once when the instance is Online", async () => {
    const api = new FakeSsm();
    const clock = new FakeClock();
    await waitForRegistration(api, NODE, 600, clock, log);
    assert.equal(api.count("DescribeInstanceInformation"), 1);
    assert.deepEqual(clock.sleeps, []);
    assert.deepEqual(api.requests[0].input, {
      Filters: [{ Key: "InstanceIds", Values: [NODE.instanceId] }],
    });
  });

  it("waits through not-registered and ConnectionLost, polling every 5 s", async () => {
    const api = new FakeSsm();
    api.ping = [undefined, undefined, "ConnectionLost", "Online"];
    const clock = new FakeClock();
    await waitForRegistration(api, NODE, 600, clock, log);
    assert.deepEqual(clock.sleeps, [5000, 5000, 5000]);
  });

  it("a node that never registers fails after the bound, naming the likely causes", async () => {
    const api = new FakeSsm();
    api.ping = [undefined, "ConnectionLost"];
    const clock = new FakeClock();
    await assert.rejects(waitForRegistration(api, NODE, 600, clock, log), (e: Error) => {
      assert.match(
        e.message,
        /^server rancher-ha-test-server-2 \(i-0abc1234def567890\) did not register with SSM within 600s \(last state: ConnectionLost\); step rancher-rke2-2-start was not run\./,
      );
      assert.match(
        e.message,
        /no egress to SSM: the private subnets need a NAT route \(rancher-ha:natGateways\) or VPC endpoints ssm, ssmmessages, ec2messages/,
      );
      assert.match(e.message, /no instance profile with AmazonSSMManagedInstanceCore/);
      assert.match(e.message, /snap\.amazon-ssm-agent\.amazon-ssm-agent/);
      assert.match(e.message, /sudo snap restart amazon-ssm-agent/);
      return true;
    });
    assert.equal(api.count("DescribeInstanceInformation"), 600 / REGISTRATION_POLL_SECONDS + 1);
    assert.equal(api.count("SendCommand"), 0);
  });
});
