// The progress view's steps, from the URNs the program really registers (the dev and prod
// offline plans): servers, RKE2 install/start/join, load balancers and Helm releases get a step
// each, everything else lands in its component's step, and the tracker follows an operation.
import * as assert from "node:assert/strict";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { demoScript } from "../examples/portal/demo";
import { parseUrn, slimEvent, stepOf, StepTracker } from "../examples/portal/steps";
import { plan } from "./helpers";

/** Inside one of the program's components (not only the top-level RancherHa). */
const inComponent = (urn: string) =>
  parseUrn(urn).types.some(
    (t) => t.startsWith("rancher-ha:") && t !== "rancher-ha:index:RancherHa",
  );

describe("portal steps", () => {
  it("every resource of the dev (l4) and prod (l7) plans belongs to a step; components and providers are not steps", async () => {
    for (const stack of ["dev", "prod"]) {
      const p = await plan(stack);
      for (const r of p.resources) {
        const s = stepOf(r.urn);
        if (!r.custom || r.type.startsWith("pulumi:providers:")) {
          assert.equal(s, undefined, `${r.type} ${r.name}`);
          continue;
        }
        assert.ok(
          s && s.label && (s.group !== "Other resources" || !inComponent(r.urn)),
          `${stack}: ${r.type} ${r.name} → ${JSON.stringify(s)}`,
        );
      }
      const ids = new Set(p.resources.map((r) => stepOf(r.urn)?.id));
      for (const n of [1, 2, 3]) {
        for (const id of [`server-${n}-instance`, `server-${n}-install`, `server-${n}-start`]) {
          assert.ok(ids.has(id), `${stack}: ${id}`);
        }
      }
      assert.ok(ids.has("rancher") && ids.has("kubeconfig") && ids.has("secrets"));
      assert.equal(ids.has("cert-manager"), stack === "dev", "cert-manager in l4 only");
      assert.equal(ids.has("certificate-validation"), stack === "prod", "ACM in l7 only");
    }
  });

  it("names the step a person cares about: which server joins, Rancher installing", () => {
    // A real URN carries every parent type; the offline plan's only the nearest one.
    const join =
      "urn:pulumi:dev::rancher-ha::rancher-ha:index:RancherHa$rancher-ha:rke2:Rke2Cluster$command:remote:Command::rancher-rke2-2-start";
    assert.deepEqual(parseUrn(join), {
      types: [
        "rancher-ha:index:RancherHa",
        "rancher-ha:rke2:Rke2Cluster",
        "command:remote:Command",
      ],
      name: "rancher-rke2-2-start",
    });
    assert.deepEqual(stepOf(join), {
      id: "server-2-start",
      label: "Server 2: joining the cluster",
      noun: "Server 2: cluster join",
      group: "RKE2 cluster",
    });
    assert.equal(
      stepOf(join.replace("rke2-2-start", "rke2-1-start"))?.label,
      "Server 1: starting the cluster",
    );
    assert.deepEqual(
      stepOf(
        "urn:pulumi:dev::rancher-ha::rancher-ha:rancher:RancherInstall$kubernetes:helm.sh/v3:Release::rancher-install-rancher",
      ),
      {
        id: "rancher",
        label: "Installing Rancher",
        noun: "Rancher (Helm release)",
        group: "Rancher",
      },
    );
    assert.equal(
      stepOf(
        "urn:pulumi:dev::rancher-ha::rancher-ha:network:Network$aws:ec2/subnet:Subnet::rancher-net-public-1",
      )?.label,
      "Network",
    );
  });

  it("the tracker: running, done when every resource is, unchanged ones marked, interrupted ones stopped", () => {
    let now = 0;
    const t = new StepTracker(() => now);
    const urn = (name: string, type = "command:remote:Command") =>
      `urn:pulumi:dev::rancher-ha::rancher-ha:rke2:Rke2Cluster$${type}::${name}`;
    const ev = (kind: "pre" | "out", u: string, op: "create" | "same" = "create"): EngineEvent => {
      const metadata = { op, urn: u, type: "t", provider: "" };
      return {
        sequence: 0,
        timestamp: 0,
        ...(kind === "pre"
          ? { resourcePreEvent: { metadata } }
          : { resOutputsEvent: { metadata } }),
      };
    };
    // Two resources in one step (staging files on server 1).
    assert.equal(t.onEvent(ev("pre", urn("rancher-rke2-1-stage")))[0].status, "running");
    now = 1000;
    t.onEvent(ev("pre", urn("rancher-rke2-1-config", "command:remote:CopyToRemote")));
    now = 2000;
    assert.equal(t.onEvent(ev("out", urn("rancher-rke2-1-stage")))[0].status, "running");
    now = 5000;
    const done = t.onEvent(
      ev("out", urn("rancher-rke2-1-config", "command:remote:CopyToRemote")),
    )[0];
    assert.deepEqual(
      [done.id, done.status, done.resources, done.finished],
      ["server-1-prepare", "done", 2, 2],
    );
    assert.equal(done.endedAt! - done.startedAt, 5000);
    const same = t.onEvent(ev("pre", urn("rancher-rke2-2-install"), "same"))[0];
    assert.equal(same.op, "same");
    assert.equal(same.label, "Server 2: RKE2 install", "not 'installing' when nothing changes");
    t.onEvent(ev("pre", urn("rancher-rke2-3-install")));
    now = 9000;
    const stopped = t.stop();
    assert.deepEqual(
      stopped.map((s) => [s.id, s.status, s.endedAt]),
      [
        ["server-2-install", "stopped", 9000],
        ["server-3-install", "stopped", 9000],
      ],
    );
    assert.deepEqual(t.onEvent({ sequence: 1, timestamp: 0, preludeEvent: { config: {} } }), []);
  });

  it("streamed events keep what happened to which resource, never the resource's state", () => {
    const metadata = {
      op: "update" as const,
      urn: "urn:x",
      type: "t",
      provider: "",
      diffs: ["tags"],
      old: {
        urn: "urn:x",
        type: "t",
        id: "i",
        parent: "",
        provider: "",
        inputs: { a: "old" },
        outputs: {},
      },
      new: {
        urn: "urn:x",
        type: "t",
        id: "i",
        parent: "",
        provider: "",
        inputs: {},
        outputs: { b: "new" },
      },
    };
    const slim = slimEvent({ sequence: 3, timestamp: 4, resOutputsEvent: { metadata } });
    assert.deepEqual(slim, {
      sequence: 3,
      timestamp: 4,
      resOutputsEvent: {
        metadata: { op: "update", urn: "urn:x", type: "t", provider: "", diffs: ["tags"] },
      },
    });
  });

  it("the demo replay (screenshots, browser tests) follows the modeled first deploy: server 1 starts before 2 joins, 2 before 3, Rancher last", async () => {
    const p = await plan("dev");
    const events = demoScript(p).events!.filter(
      (e): e is Partial<EngineEvent> => typeof e !== "string",
    );
    const at = (kind: "resourcePreEvent" | "resOutputsEvent", name: string) => {
      const i = events.findIndex((e) => e[kind]?.metadata.urn.endsWith(`::${name}`));
      assert.ok(i >= 0, `${kind} ${name}`);
      return i;
    };
    const started = (n: string) => at("resourcePreEvent", n);
    const finished = (n: string) => at("resOutputsEvent", n);
    assert.ok(finished("rancher-rke2-1-start") < started("rancher-rke2-2-start"));
    assert.ok(finished("rancher-rke2-2-start") < started("rancher-rke2-3-start"));
    assert.ok(finished("rancher-rke2-3-start") < started("rancher-install-rancher"));
    for (const r of p.resources.filter((x) => x.custom)) {
      assert.ok(started(r.name) < finished(r.name), r.name);
    }
    // Held while server 2 joins: it has started, not finished, and Rancher has not started.
    const held = demoScript(p, { holdWhile: "rancher-rke2-2-start" });
    assert.equal(held.hold, true);
    const heldEvents = held.events!.filter((e): e is Partial<EngineEvent> => typeof e !== "string");
    const has = (kind: "resourcePreEvent" | "resOutputsEvent", name: string) =>
      heldEvents.some((e) => e[kind]?.metadata.urn.endsWith(`::${name}`));
    assert.ok(has("resourcePreEvent", "rancher-rke2-2-start"));
    assert.ok(!has("resOutputsEvent", "rancher-rke2-2-start"));
    assert.ok(!has("resourcePreEvent", "rancher-install-rancher"));
  });
});
