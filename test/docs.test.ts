import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { renderProjectConfig, renderReadmeConfig, renderReadmeDiagrams } from "../bin/docs";
import { SETTING_KEYS } from "../components/config";
import { mermaidParse } from "./mermaid-real";

const README = path.resolve(__dirname, "../README.md");

describe("README", function () {
  this.timeout(120_000);
  const text = readFileSync(README, "utf8");

  it("opens with the two commands: the offline plan and the tests", () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(text)![1];
    const lines = firstBlock.trim().split("\n");
    assert.equal(lines.length, 2);
    assert.match(lines[0], /^npm ci && npm run plan -- --stack dev/);
    assert.match(lines[1], /^bash \.ci\/run /);
    assert.ok(text.indexOf("pulumi up -s dev") < 600, "pulumi up is next to the plan command");
  });

  it("embeds the current diagrams of both example stacks (npm run docs)", async () => {
    for (const stack of ["dev", "prod"]) {
      assert.match(
        text,
        new RegExp(`<!-- BEGIN plan:${stack}:mermaid -->\\n\`\`\`mermaid\\nflowchart`),
      );
    }
    assert.equal(await renderReadmeDiagrams(text), text, "stale diagrams: run npm run docs");
  });

  it("shows both example stacks' modeled first deploy and monthly cost (npm run docs)", () => {
    for (const stack of ["dev", "prod"]) {
      assert.match(
        text,
        new RegExp(`<!-- BEGIN plan:${stack}:timeline -->\\n\`\`\`mermaid\\ngantt\\n`),
      );
      assert.match(
        text,
        new RegExp(`<!-- BEGIN plan:${stack}:cost -->\\n\\| monthly cost estimate`),
      );
    }
    // Current: checked with the diagrams above (renderReadmeDiagrams renders every block).
  });

  it("every Mermaid block in the README parses with the real mermaid parser", () => {
    const blocks = [...text.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]);
    assert.ok(blocks.length >= 4, "two architecture diagrams and two timelines");
    for (const b of blocks) {
      const parsed = mermaidParse(b);
      assert.match(parsed.diagramType, /^(flowchart|gantt)/);
      if (parsed.diagramType === "gantt") assert.ok(parsed.tasks!.some((t) => t.crit));
    }
  });

  it("has the configuration table and Pulumi.yaml's config block the schema renders", () => {
    assert.equal(renderReadmeConfig(text), text, "stale configuration table: run npm run docs");
    const pulumiYaml = readFileSync(path.resolve(__dirname, "../Pulumi.yaml"), "utf8");
    assert.equal(
      renderProjectConfig(pulumiYaml),
      pulumiYaml,
      "stale Pulumi.yaml: run npm run docs",
    );
    const table = text.slice(
      text.indexOf("<!-- BEGIN config:table -->"),
      text.indexOf("<!-- END config:table -->"),
    );
    const rows = [...table.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);
    assert.deepEqual(rows, SETTING_KEYS, "one row per key, in schema order");
  });

  it("the staleness check can fail", async () => {
    const stale = text.replace(/rancher-server-1/, "rancher-server-x");
    assert.notEqual(await renderReadmeDiagrams(stale), stale);
    for (const block of ["timeline", "cost"]) {
      const begin = text.indexOf(`<!-- BEGIN plan:dev:${block} -->`);
      const edited = text.slice(0, begin) + text.slice(begin).replace(/\$\d|\d+m\d\ds/, "9");
      assert.notEqual(await renderReadmeDiagrams(edited), edited, `${block} block checked`);
    }
    const table = text.replace("| `hostname` | string |", "| `hostname` | int |");
    assert.notEqual(renderReadmeConfig(table), table, "configuration table checked");
    const pulumiYaml = readFileSync(path.resolve(__dirname, "../Pulumi.yaml"), "utf8");
    const edited = pulumiYaml.replace("default: 3\n", "default: 5\n");
    assert.notEqual(renderProjectConfig(edited), edited, "Pulumi.yaml checked");
    assert.throws(() => renderReadmeConfig("no markers"), /no README config:table markers/);
  });
});
