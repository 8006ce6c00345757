import * as assert from "node:assert/strict";
import {
  abortRestore,
  canAbort,
  chooseSnapshot,
  listEtcdSnapshots,
  listRancherBackups,
  newRestoreId,
  parseNodeStatus,
  parseRestoreTarget,
  planRestore,
  rancherRestoreManifest,
  restoreEtcdSnapshot,
  RestoreInterruptedError,
  RestoreRefusedError,
  RestoreStepError,
  s3SnapshotStore,
  type NodeState,
  type RestoreProgress,
} from "../../automation/restore";
import { restore as library } from "../../automation";
import { FakeStore, FakeTransport, SNAP_NEW, SNAP_OLD, TARGET } from "./fakes";

const [N1, N2, N3] = TARGET.servers.map((s) => s.nodeName);
const FRESH = [
  `stop ${N2}`,
  `stop ${N3}`,
  `stop ${N1}`,
  `reset ${N1}`,
  `start ${N1}`,
  `rejoin ${N2}`,
  `rejoin ${N3}`,
  `finish ${N2}`,
  `finish ${N3}`,
  `finish ${N1}`,
];
const NOW = () => new Date("2026-08-21T12:00:00Z");

function restore(t: FakeTransport, extra: Partial<Parameters<typeof restoreEtcdSnapshot>[0]> = {}) {
  return restoreEtcdSnapshot({
    stackName: "prod",
    target: TARGET,
    snapshot: "latest",
    transport: t,
    store: new FakeStore(),
    now: NOW,
    ...extra,
  });
}

describe("restore library: the Automation library's `restore`", () => {
  it("is what these tests drive (one implementation for npm run restore and embedders)", () => {
    assert.equal(library.restoreEtcdSnapshot, restoreEtcdSnapshot);
    assert.equal(library.abortRestore, abortRestore);
    assert.equal(library.listEtcdSnapshots, listEtcdSnapshots);
    assert.equal(library.rancherRestoreManifest, rancherRestoreManifest);
  });
});

describe("restore library: snapshots in S3", () => {
  it("lists snapshots newest first, with node and time from the k3s name; skips .metadata", async () => {
    const snaps = await listEtcdSnapshots(TARGET, new FakeStore());
    assert.deepEqual(
      snaps.map((s) => [s.name, s.node, s.prefix, s.createdAt.toISOString(), s.compressed]),
      [
        [SNAP_NEW, N1, "etcd-snapshot", "2025-08-21T02:00:00.000Z", true],
        [SNAP_OLD, N2, "etcd-snapshot", "2025-08-20T20:00:00.000Z", true],
      ],
    );
  });

  it("an on-demand snapshot keeps its --name as prefix", async () => {
    const store = new FakeStore([
      { key: `rancher-ha/prod/etcd/drill-${N1}-1755750000`, size: 1, lastModified: new Date() },
    ]);
    const [s] = await listEtcdSnapshots(TARGET, store);
    assert.equal(s.prefix, "drill");
    assert.equal(s.node, N1);
    assert.equal(s.compressed, false);
  });

  it("chooses latest or a name; says what there is when the name is not there", async () => {
    const snaps = await listEtcdSnapshots(TARGET, new FakeStore());
    assert.equal(chooseSnapshot(snaps, "latest").name, SNAP_NEW);
    assert.equal(chooseSnapshot(snaps, SNAP_OLD).name, SNAP_OLD);
    assert.throws(
      () => chooseSnapshot(snaps, "nope.zip"),
      /snapshot nope\.zip is not in the bucket; newest: etcd-snapshot-/,
    );
    assert.throws(() => chooseSnapshot([], "latest"), /no etcd snapshot in the bucket yet/);
  });

  it("lists rancher-backup files for a Restore", async () => {
    const files = await listRancherBackups(TARGET, new FakeStore());
    assert.deepEqual(
      files.map((f) => [f.name, f.encrypted]),
      [["rancher-ha-scheduled-uid-2026-08-21T00-30-00Z.tar.gz.enc", true]],
    );
    const manifest = rancherRestoreManifest({ backupFilename: files[0].name, now: NOW() });
    assert.equal(manifest.spec.backupFilename, files[0].name);
  });

  it("s3SnapshotStore pages through ListObjectsV2 and maps HeadObject 404 to false", async () => {
    const sent: { name: string; input: Record<string, unknown> }[] = [];
    const client = {
      send(cmd: { constructor: { name: string }; input: Record<string, unknown> }) {
        sent.push({ name: cmd.constructor.name, input: cmd.input });
        if (cmd.constructor.name === "ListObjectsV2Command") {
          return Promise.resolve(
            cmd.input.ContinuationToken
              ? {
                  Contents: [{ Key: "p/b", Size: 2, LastModified: new Date(2) }],
                  IsTruncated: false,
                }
              : {
                  Contents: [{ Key: "p/a", Size: 1, LastModified: new Date(1) }],
                  IsTruncated: true,
                  NextContinuationToken: "t1",
                },
          );
        }
        if (cmd.input.Key === "p/missing") {
          return Promise.reject(
            Object.assign(new Error("NotFound"), {
              name: "NotFound",
              $metadata: { httpStatusCode: 404 },
            }),
          );
        }
        if (cmd.input.Key === "p/denied") {
          return Promise.reject(
            Object.assign(new Error("Forbidden"), { $metadata: { httpStatusCode: 403 } }),
          );
        }
        return Promise.resolve({});
      },
    };
    const store = s3SnapshotStore(client as never);
    assert.deepEqual(
      (await store.list("bkt", "p/")).map((o) => o.key),
      ["p/a", "p/b"],
    );
    assert.deepEqual(
      sent.slice(0, 2).map((s) => s.input),
      [
        { Bucket: "bkt", Prefix: "p/" },
        { Bucket: "bkt", Prefix: "p/", ContinuationToken: "t1" },
      ],
    );
    assert.equal(await store.exists("bkt", "p/a"), true);
    assert.equal(await store.exists("bkt", "p/missing"), false);
    await assert.rejects(store.exists("bkt", "p/denied"), /Forbidden/);
  });
});

describe("restore library: the stack's restoreTarget", () => {
  it("refuses a missing, unversioned or malformed target, naming the field", () => {
    assert.throws(() => parseRestoreTarget(undefined), /no restoreTarget output/);
    assert.throws(() => parseRestoreTarget({ ...TARGET, v: 2 }), /version 2/);
    assert.throws(
      () => parseRestoreTarget({ ...TARGET, nodeAccess: "telnet" }),
      /restoreTarget\.nodeAccess/,
    );
    assert.throws(
      () => parseRestoreTarget({ ...TARGET, servers: [] }),
      /servers is missing or empty/,
    );
    assert.throws(
      () => parseRestoreTarget({ ...TARGET, servers: [{ ...TARGET.servers[0], privateIp: "x" }] }),
      /restoreTarget\.privateIp/,
    );
  });
});

describe("restore library: planRestore (pure)", () => {
  const st = (phase: string): NodeState => ({ restoreId: "r", snapshot: "s", phase });
  const plan = (states: (NodeState | null)[]) =>
    planRestore(TARGET.servers, states).map(
      (s) => `${s.skip ? "skip " : ""}${s.action} ${s.node.nodeName}`,
    );

  it("fresh: stop the others then the first, reset and start the first, rejoin one by one, finish the first last", () => {
    assert.deepEqual(plan([null, null, null]), FRESH);
    assert.deepEqual(
      planRestore(TARGET.servers, [null, null, null]).map((s) => s.script),
      [
        "rke2-rejoin.sh",
        "rke2-rejoin.sh",
        "rke2-restore.sh",
        "rke2-restore.sh",
        "rke2-restore.sh",
        "rke2-rejoin.sh",
        "rke2-rejoin.sh",
        "rke2-rejoin.sh",
        "rke2-rejoin.sh",
        "rke2-restore.sh",
      ],
    );
  });

  it("resumes: skips what each node already reached", () => {
    assert.deepEqual(
      plan([st("reset"), st("stopped"), st("stopped")]).filter((s) => !s.startsWith("skip")),
      [
        `start ${N1}`,
        `rejoin ${N2}`,
        `rejoin ${N3}`,
        `finish ${N2}`,
        `finish ${N3}`,
        `finish ${N1}`,
      ],
    );
    assert.deepEqual(
      plan([st("started"), st("rejoined"), st("cleared")]).filter((s) => !s.startsWith("skip")),
      [`rejoin ${N3}`, `finish ${N2}`, `finish ${N3}`, `finish ${N1}`],
    );
    // The others finished (no state) while the first still holds its lock: only its finish.
    assert.deepEqual(
      plan([st("started"), null, null]).filter((s) => !s.startsWith("skip")),
      [`finish ${N1}`],
    );
    // A stop interrupted half-way is done again.
    assert.deepEqual(
      plan([st("stopping"), st("stopped"), st("stopping")])
        .filter((s) => !s.startsWith("skip"))
        .slice(0, 2),
      [`stop ${N3}`, `stop ${N1}`],
    );
  });

  it("abort is possible until the first server was reset", () => {
    for (const [s, ok] of [
      [null, true],
      [st("stopping"), true],
      [st("stopped"), true],
      [st("reset"), false],
      [st("started"), false],
    ] as const) {
      assert.equal(canAbort(s), ok, String(s?.phase));
    }
  });

  it("parses the status lines strictly", () => {
    assert.equal(parseNodeStatus("RESTORE_ID=\nSNAPSHOT=\nPHASE=\n"), null);
    assert.deepEqual(parseNodeStatus("RESTORE_ID=r-1\nSNAPSHOT=s.zip\nPHASE=reset\n"), {
      restoreId: "r-1",
      snapshot: "s.zip",
      phase: "reset",
    });
    assert.throws(() => parseNodeStatus("garbage"), /unexpected restore status output/);
  });
});

describe("restore library: restoreEtcdSnapshot (fake transport and S3)", () => {
  it("runs every step in order, one node at a time, with the same restore id everywhere", async () => {
    const t = new FakeTransport();
    const events: RestoreProgress[] = [];
    const r = await restore(t, { onProgress: (e) => events.push(e) });
    assert.equal(r.status, "restored");
    assert.equal(r.snapshot.name, SNAP_NEW);
    assert.deepEqual(t.steps(), FRESH);
    assert.equal(t.maxRunning, 1, "never two node steps at once");
    const ids = new Set(
      t.calls.filter((c) => c.action !== "status").map((c) => /RESTORE_ID=(.*)/.exec(c.params)![1]),
    );
    assert.deepEqual([...ids], [newRestoreId(SNAP_NEW, NOW())]);
    assert.match(r.restoreId, /^20260821120000-[0-9a-f]{8}$/);
    for (const c of t.calls) {
      assert.match(c.params, new RegExp(`SNAPSHOT_NAME=${SNAP_NEW.replace(/\./g, "\\.")}`));
      assert.match(c.params, new RegExp(`NODE_NAME=${c.node}\n`));
      assert.match(
        c.params,
        /NODE_NAMES=rancher-ha-prod-server-1,rancher-ha-prod-server-2,rancher-ha-prod-server-3/,
      );
    }
    const done = events
      .filter((e) => e.phase === "done" && e.step !== "check")
      .map((e) => `${e.step} ${e.node}`);
    assert.deepEqual(done, FRESH);
    assert.ok(
      [...t.states.values()].every((s) => s === null),
      "every lock released",
    );
  });

  it("checks every node before any change, and restores a named snapshot", async () => {
    const t = new FakeTransport();
    await restore(t, { snapshot: SNAP_OLD });
    assert.deepEqual(
      t.calls.slice(0, 3).map((c) => `${c.action} ${c.node}`),
      [`status ${N1}`, `status ${N2}`, `status ${N3}`],
    );
    assert.match(t.calls[3].params, new RegExp(`SNAPSHOT_NAME=${SNAP_OLD}`));
  });

  for (const [i, failing] of FRESH.entries()) {
    it(`a failure at "${failing}" stops there with a clear message; a re-run resumes there`, async () => {
      const [action, node] = failing.split(" ");
      const t = new FakeTransport();
      t.fail(node, action);
      await assert.rejects(restore(t), (e: unknown) => {
        assert.ok(e instanceof RestoreStepError, String(e));
        assert.equal(e.step, action);
        assert.equal(e.node, node);
        assert.match(
          e.message,
          new RegExp(`${action} on ${node} failed: exit 1: ${action} failed on ${node}\\.`),
        );
        assert.match(e.message, /[Rr]un the same command again/);
        assert.match(e.outputTail, /ERROR/);
        return true;
      });
      assert.deepEqual(t.steps(), FRESH.slice(0, i + 1), "nothing after the failed step");
      t.calls.length = 0;
      await restore(t);
      assert.deepEqual(t.steps(), FRESH.slice(i), "resumed at the failed step");
    });
  }

  it("a transport failure mid-way is a step failure too", async () => {
    const t = new FakeTransport();
    t.fail(N2, "rejoin", 1, "throw");
    await assert.rejects(
      restore(t),
      /rejoin on rancher-ha-prod-server-2 failed: the transport failed: connect ETIMEDOUT.*resumes at rancher-ha-prod-server-2/,
    );
  });

  it("a command cut off by a lost connection says so", async () => {
    const t = new FakeTransport();
    const run = t.runScript.bind(t);
    t.runScript = (node, req) =>
      req.args[0] === "reset"
        ? Promise.resolve({
            exitCode: null,
            stdout: "",
            stderr: "level=info msg=restoring\n",
            timedOut: false,
          })
        : run(node, req);
    await assert.rejects(
      restore(t),
      /reset on rancher-ha-prod-server-1 failed: the connection closed before the command finished/,
    );
  });

  it("refuses a stack that is mid-update before touching S3 or any server", async () => {
    const t = new FakeTransport();
    const store = new FakeStore();
    await assert.rejects(
      restore(t, { store, stackStatus: () => Promise.resolve({ updateInProgress: true }) }),
      (e: unknown) =>
        e instanceof RestoreRefusedError && /stack prod is being updated right now/.test(e.message),
    );
    assert.deepEqual(t.calls, []);
    assert.deepEqual(store.calls, []);
  });

  it("refuses a snapshot that is not in the bucket, or vanished, before any server", async () => {
    const t = new FakeTransport();
    await assert.rejects(restore(t, { snapshot: "nope.zip" }), RestoreRefusedError);
    const store = new FakeStore();
    store.exists = () => Promise.resolve(false);
    await assert.rejects(restore(t, { store }), /is gone; nothing was changed/);
    assert.deepEqual(t.calls, []);
  });

  it("refuses while another snapshot's restore holds a node, naming it", async () => {
    const t = new FakeTransport();
    t.states.set(N2, {
      restoreId: "20260820000000-deadbeef",
      snapshot: SNAP_OLD,
      phase: "stopped",
    });
    await assert.rejects(restore(t), (e: unknown) => {
      assert.ok(e instanceof RestoreRefusedError);
      assert.match(
        e.message,
        new RegExp(
          `a restore of ${SNAP_OLD} .* in progress: run it again with --snapshot ${SNAP_OLD} to finish it, or --abort it`,
        ),
      );
      return true;
    });
    assert.deepEqual(t.steps(), []);
  });

  it("refuses when a node lacks the scripts (deploy first) or cannot be reached", async () => {
    const t = new FakeTransport();
    t.runScript = () =>
      Promise.resolve({
        exitCode: 127,
        stdout: "",
        stderr: "bash: /opt/rancher-ha/node/rke2-restore.sh: No such file or directory\n",
        timedOut: false,
      });
    await assert.rejects(
      restore(t),
      /does not have the restore scripts: run `npm run deploy -- --stack prod up` first/,
    );
    const u = new FakeTransport();
    u.fail(N3, "status", 1, "throw");
    await assert.rejects(restore(u), /cannot reach rancher-ha-prod-server-3 .*nothing was changed/);
    assert.deepEqual(u.steps(), []);
  });

  it("declining the confirmation changes nothing; the summary says what will happen", async () => {
    const t = new FakeTransport();
    let asked: { snapshot: string; resuming: boolean; steps: number } | undefined;
    const r = await restore(t, {
      confirm: (p) => {
        asked = { snapshot: p.snapshot.name, resuming: p.resuming, steps: p.steps.length };
        return Promise.resolve(false);
      },
    });
    assert.equal(r.status, "declined");
    assert.deepEqual(asked, { snapshot: SNAP_NEW, resuming: false, steps: FRESH.length });
    assert.deepEqual(t.steps(), []);
  });

  it("Ctrl-C finishes the running step and stops before the next; a re-run resumes", async () => {
    const t = new FakeTransport();
    const ac = new AbortController();
    t.onStep = (c) => {
      if (c.action === "reset") ac.abort();
    };
    await assert.rejects(restore(t, { signal: ac.signal }), (e: unknown) => {
      assert.ok(e instanceof RestoreInterruptedError);
      assert.match(
        e.message,
        /interrupted after reset rancher-ha-prod-server-1; .* run the same command again to resume/,
      );
      return true;
    });
    assert.deepEqual(t.steps(), FRESH.slice(0, 4));
    t.calls.length = 0;
    t.onStep = undefined;
    await restore(t);
    assert.deepEqual(t.steps(), FRESH.slice(4));
  });

  it("says to refresh the stack when the snapshot predates its last update", async () => {
    const r = await restore(new FakeTransport(), {
      stackStatus: () =>
        Promise.resolve({ updateInProgress: false, lastUpdate: new Date("2026-01-01T00:00:00Z") }),
    });
    assert.match(r.notes.join("\n"), /npm run deploy -- --stack prod refresh/);
    const fresh = await restore(new FakeTransport(), {
      stackStatus: () =>
        Promise.resolve({ updateInProgress: false, lastUpdate: new Date("2020-01-01T00:00:00Z") }),
    });
    assert.deepEqual(fresh.notes, []);
  });
});

describe("restore library: abortRestore", () => {
  it("before the reset: every node with a state restarts on its old data", async () => {
    const t = new FakeTransport();
    t.fail(N1, "reset");
    await assert.rejects(restore(t));
    t.calls.length = 0;
    const r = await abortRestore({ stackName: "prod", target: TARGET, transport: t });
    assert.equal(r.aborted, SNAP_NEW);
    assert.deepEqual(t.steps(), [`abort ${N1}`, `abort ${N2}`, `abort ${N3}`]);
  });

  it("after the reset: refused, pointing at finishing it", async () => {
    const t = new FakeTransport();
    t.fail(N1, "start");
    await assert.rejects(restore(t));
    await assert.rejects(
      abortRestore({ stackName: "prod", target: TARGET, transport: t }),
      new RegExp(`already reset from ${SNAP_NEW}: run the restore again with --snapshot`),
    );
  });

  it("nothing to abort", async () => {
    assert.deepEqual(
      await abortRestore({ stackName: "prod", target: TARGET, transport: new FakeTransport() }),
      { aborted: null },
    );
  });
});
