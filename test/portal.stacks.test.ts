// What the pages read from the JSON API, over real HTTP with the fake engine at the library
// boundary: every stack (files, backend, allow-list) with its mode, servers, Rancher URL and last
// operation; a stack's settings for the form without its secrets; live validation with the
// CLI's messages; secret outputs only on request; stored secrets kept when the page omits them.
import * as assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { formatProblem } from "../components/config";
import { PROJECT_DIR } from "../automation";
import { FIXTURE_STACKS } from "./helpers";
import { sdkCommandError } from "../automation/fake";
import { call as callAt, devBody, readSse, startPortal, TestPortal } from "./portal-helpers";

describe("portal: what the pages read", function () {
  this.timeout(30_000);
  let portal: TestPortal;
  let base: string;
  const engine = () => portal.engine;
  const call = (method: string, path: string, body?: unknown) => callAt(base, method, path, body);

  before(async () => {
    portal = await startPortal({ allowedStacks: ["sandbox", "scratch"] });
    base = portal.base;
  });

  beforeEach(() => {
    const e = engine();
    e.calls.length = 0;
    e.scripts = {};
    e.selectError = undefined;
    e.stacks.clear();
  });

  after(() => portal.close());

  it("stacks: stack files, allowed stacks and the backend's own stacks, with mode, servers, Rancher URL and last operation", async () => {
    engine().stack("elsewhere"); // made by the CLI or another portal: no stack file here
    engine().scripts.preview = { changes: { create: 3 } };
    const op = await call("POST", "/api/stacks/dev/preview", devBody());
    await readSse(base + op.body.events);
    const r = await call("GET", "/api/stacks");
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.backend, { ok: true });
    const rows = r.body.stacks as Record<string, any>[];
    assert.deepEqual(
      rows.map((x) => x.name as string),
      ["dev", "elsewhere", "prod", "sandbox", "scratch"],
    );
    const dev = rows.find((x) => x.name === "dev")!;
    assert.equal(dev.mode, "l4");
    assert.equal(dev.servers, 3);
    assert.equal(dev.rancherUrl, "https://rancher-dev.example.com");
    assert.equal(dev.region, "us-east-1");
    assert.equal(dev.lastOperation.kind, "preview");
    assert.equal(dev.lastOperation.status, "succeeded");
    assert.deepEqual(dev.lastOperation.changes, { create: 3 });
    const prod = rows.find((x) => x.name === "prod")!;
    assert.equal(prod.mode, "l7");
    assert.equal(prod.rancherUrl, "https://rancher.example.com");
    assert.equal(prod.lastOperation, null);
    const elsewhere = rows.find((x) => x.name === "elsewhere")!;
    assert.equal(elsewhere.file, false);
    assert.equal(elsewhere.backend.name, "elsewhere");
    // A backend stack can be opened, though no file or allow-list names it.
    assert.equal((await call("GET", "/api/stacks/elsewhere")).status, 200);
    // The backend unreachable: the stack files are still listed, and the page is told why.
    engine().selectError = sdkCommandError({ stderr: "error: failed to reach the backend\n" });
    const degraded = await call("GET", "/api/stacks");
    assert.equal(degraded.status, 200);
    assert.equal(degraded.body.backend.ok, false);
    assert.match(degraded.body.backend.error, /failed to reach the backend/);
    assert.ok((degraded.body.stacks as { name: string }[]).some((x) => x.name === "dev"));
  });

  it("a stack's settings for the form: declared defaults left out, secrets never sent (only that one is stored)", async () => {
    const secret = "posted-bootstrap-password-9f3c";
    engine().scripts.preview = {};
    const posted = devBody();
    posted.settings.bootstrapPassword = secret;
    const op = await call("POST", "/api/stacks/sandbox/preview", posted);
    assert.equal(op.status, 202, JSON.stringify(op.body));
    await readSse(base + op.body.events);
    const r = await call("GET", "/api/stacks/sandbox");
    assert.equal(r.status, 200);
    assert.ok(!r.text.includes(secret), "the secret is not in the answer");
    assert.deepEqual(r.body.secrets, ["bootstrapPassword"]);
    assert.equal(r.body.settings.hostname, "rancher-dev.example.com");
    assert.deepEqual(r.body.settings.adminCidrs, ["203.0.113.0/24"]);
    assert.equal(r.body.settings.loadBalancer, undefined, "l4 is the declared default");
    assert.equal(r.body.source, "portal");
    assert.equal(r.body.region, "us-east-1");
    const prod = await call("GET", "/api/stacks/prod");
    assert.equal(prod.body.source, "file");
    assert.equal(prod.body.settings.loadBalancer, "l7");
    assert.equal(prod.body.settings.protect, true);
    assert.deepEqual(prod.body.problems, []);
    assert.equal(prod.body.busy, null);
  });

  it("validate: every problem with the CLI's own line for it, nothing stored, the engine untouched", async () => {
    const bad = devBody();
    bad.settings.serverCount = "4";
    bad.settings.adminCidrs = ["0.0.0.0/0"];
    const r = await call("POST", "/api/stacks/dev/validate", bad);
    assert.equal(r.status, 200);
    assert.equal(r.body.valid, false);
    const problems = r.body.problems as { key: string; message: string; text: string }[];
    assert.deepEqual(problems.map((p) => p.key).sort(), ["adminCidrs", "serverCount"]);
    for (const p of problems) {
      // formatProblem's line, as `pulumi up` and `npm run plan` print it, without the bullet.
      assert.equal(p.text, formatProblem(p).replace(/^\s*- /, ""));
      assert.match(p.text, new RegExp(`^rancher-ha:${p.key}: `));
    }
    const good = await call("POST", "/api/stacks/dev/validate", devBody());
    assert.deepEqual(good.body, { valid: true, problems: [], warnings: [] });
    const noRegion = await call("POST", "/api/stacks/dev/validate", {
      settings: devBody().settings,
    });
    assert.deepEqual(
      (noRegion.body.problems as { key: string }[]).map((p) => p.key),
      ["aws:region"],
    );
    assert.deepEqual(engine().calls, []);
  });

  it("outputs: one secret at a time, only when asked for by name", async () => {
    engine().stack("dev").outputValues = {
      rancherUrl: { value: "https://rancher-dev.example.com", secret: false },
      bootstrapPassword: { value: "top-secret-pw", secret: true },
      kubeconfig: { value: "apiVersion: v1", secret: true },
    };
    const hidden = await call("GET", "/api/stacks/dev/outputs");
    assert.ok(!hidden.text.includes("top-secret-pw"));
    assert.equal(hidden.headers.get("cache-control"), "no-store");
    const shown = await call("GET", "/api/stacks/dev/outputs?reveal=bootstrapPassword");
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.body, { stack: "dev", outputs: { bootstrapPassword: "top-secret-pw" } });
    assert.equal(shown.headers.get("cache-control"), "no-store");
    assert.equal((await call("GET", "/api/stacks/dev/outputs?reveal=nope")).status, 404);
  });

  it("a secret stored encrypted in the stack file is kept when the page does not send it", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "rancher-ha-portal-"));
    const other = await startPortal({ projectDir: dir });
    try {
      copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
      mkdirSync(path.join(dir, "stacks"));
      const file = readFileSync(path.join(FIXTURE_STACKS, "Pulumi.dev.yaml"), "utf8");
      writeFileSync(
        path.join(dir, "stacks", "Pulumi.team.yaml"),
        `${file}  rancher-ha:bootstrapPassword:\n    secure: v1:AAAA:encrypted\n`,
      );
      // What `pulumi config set --secret` left in the stack (the CLI decrypts it for us).
      await other.engine.stack("team").setAllConfig({
        "rancher-ha:bootstrapPassword": { value: "stored-pw-123456", secret: true },
      });
      const detail = await callAt(other.base, "GET", "/api/stacks/team");
      assert.deepEqual(detail.body.secrets, ["bootstrapPassword"]);
      assert.ok(!detail.text.includes("stored-pw"));
      const op = await callAt(other.base, "POST", "/api/stacks/team/preview", devBody());
      assert.equal(op.status, 202, JSON.stringify(op.body));
      await readSse(other.base + op.body.events);
      assert.equal(
        other.engine.stack("team").config.get("rancher-ha:bootstrapPassword")?.value,
        "stored-pw-123456",
        "not removed",
      );
      assert.ok(!other.engine.calls.some((c) => /removeAllConfig.*bootstrapPassword/.test(c)));
    } finally {
      await other.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
