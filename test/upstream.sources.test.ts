// The vendored upstream data is what SOURCES.md says it is, the pinned versions have their charts,
// the helm binary is the verified one, and nothing in the project reaches outside the clone for
// reference data.
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_VERSIONS } from "../components/versions";
import { chartPath, INGRESS_CHART_NAME, ingressChart, RKE2_INGRESS_CHARTS } from "./charts";
import { HELM_SHA256, HELM_VERSION, helmBinary, runHelm } from "./helm";
import { REPO_DIR } from "./helpers";
import { chartFile, REFERENCE_DIR, referenceFile } from "./reference";

const sources = referenceFile("SOURCES.md");

/** Rows `| \`file\` | \`sha256\` | source |` of SOURCES.md's file table. */
function listedFiles(): Map<string, string> {
  const rows = [...sources.matchAll(/^\| `([^`]+)` \| `([0-9a-f]{64})` \|/gm)];
  return new Map(rows.map((m) => [m[1], m[2]]));
}

function vendoredFiles(dir = REFERENCE_DIR, prefix = ""): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? vendoredFiles(path.join(dir, e.name), `${prefix}${e.name}/`)
        : [`${prefix}${e.name}`],
    );
}

describe("upstream reference data (test/fixtures/upstream)", () => {
  it("every vendored file is listed in SOURCES.md with its sha256, and matches it", () => {
    const listed = listedFiles();
    const files = vendoredFiles().filter((f) => f !== "SOURCES.md");
    assert.deepEqual([...listed.keys()].sort(), files.sort(), "SOURCES.md lists exactly the files");
    for (const [file, sha] of listed) {
      const got = createHash("sha256")
        .update(fs.readFileSync(path.join(REFERENCE_DIR, file)))
        .digest("hex");
      assert.equal(got, sha, `${file}: refreshed without updating SOURCES.md?`);
    }
  });

  it("the RKE2 → ingress chart table in SOURCES.md is the one the tests use", () => {
    const rows = [...sources.matchAll(/^\| (v1\.[^ ]+) \| ([\d.]+) \| ([\d.]+) \|$/gm)];
    assert.deepEqual(
      Object.fromEntries(rows.map((m) => [m[1], { traefik: m[2], "ingress-nginx": m[3] }])),
      RKE2_INGRESS_CHARTS,
    );
  });

  it("the pinned versions' charts are vendored, and the Rancher chart is the one the checks read", () => {
    chartPath("rancher", DEFAULT_VERSIONS.rancherVersion);
    chartPath("cert-manager", DEFAULT_VERSIONS.certManagerVersion);
    for (const controller of Object.keys(
      INGRESS_CHART_NAME,
    ) as (keyof typeof INGRESS_CHART_NAME)[]) {
      ingressChart(controller, DEFAULT_VERSIONS.rke2Version); // throws when not vendored
    }
    const chart = `charts/rancher-${DEFAULT_VERSIONS.rancherVersion}.tgz`;
    assert.match(chartFile(chart, "rancher/Chart.yaml"), /^kubeVersion: < 1\.37\.0-0$/m);
    assert.match(chartFile(chart, "rancher/Chart.yaml"), /^version: 2\.15\.0$/m);
  });

  it("missing data is a clear failure, never a skip", () => {
    assert.throws(
      () => chartPath("rancher", "0.0.1"),
      /Reference file missing: .*rancher-0\.0\.1\.tgz/,
    );
    assert.throws(() => chartFile("charts/rancher-2.15.0.tgz", "rancher/nope.yaml"), /not in/);
    assert.throws(() => ingressChart("traefik", "v1.30.0+rke2r1"), /RKE2_INGRESS_CHARTS/);
  });

  it("nothing in the project reads reference data from beside the clone", () => {
    const needles = [["..", "shared"].join("/"), ["shared", "reference"].join("/")];
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        if (e.name.startsWith(".") || ["node_modules", "charts"].includes(e.name)) continue;
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.(ts|js|mjs|json|md|sh|yaml|yml)$/.test(e.name) || e.name === "run") {
          const text = fs.readFileSync(p, "utf8");
          if (needles.some((n) => text.includes(n))) offenders.push(path.relative(REPO_DIR, p));
        }
      }
    };
    walk(REPO_DIR);
    assert.deepEqual(offenders, []);
  });
});

describe("helm for the chart tests", function () {
  this.timeout(60_000);

  it(`is helm ${HELM_VERSION} from the pinned npm package, checked against its sha256`, async () => {
    const bin = helmBinary();
    const got = createHash("sha256").update(fs.readFileSync(bin)).digest("hex");
    assert.equal(got, HELM_SHA256);
    assert.match(await runHelm(["version", "--short"]), new RegExp(`^${HELM_VERSION}\\+`));
  });

  it("masks secrets in its error messages", async () => {
    const secret = "never-shown-secret-0123";
    await assert.rejects(runHelm(["template", secret], "", [secret]), (e: Error) => {
      assert.match(e.message, /helm template failed: .*\[secret\]/);
      assert.ok(!e.message.includes(secret));
      return true;
    });
  });
});
