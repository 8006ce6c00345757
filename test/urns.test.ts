// A stack that stays on SSH to public IPs keeps every resource it had before node steps went
// through a transport and before the steps were split for a faster first deploy: same URNs
// (type, name, parent chain), so `pulumi up` updates in place instead of re-creating anything.
// The fixture holds the URNs main's plans registered at 09ab81b.
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { plan } from "./helpers";

const BEFORE = JSON.parse(
  readFileSync(path.join(__dirname, "fixtures", "urns-before-transport.json"), "utf8"),
) as Record<string, string[]>;

const j = (v: unknown) => JSON.stringify(v);
const VARIANTS: { key: string; stack: string; overrides: string[] }[] = [
  // Stacks deployed before nodeAccess had public servers: they keep them with nodeAccess public.
  { key: "dev", stack: "dev", overrides: ["nodeAccess=public"] },
  { key: "prod", stack: "prod", overrides: ["nodeAccess=public"] },
  {
    key: "dev5",
    stack: "dev",
    overrides: [
      "nodeAccess=public",
      "serverCount=5",
      "replaceServer=2",
      "protect=true",
      `adminCidrs=${j(["203.0.113.0/24", "2001:db8::/32", "198.51.100.0/24"])}`,
      `ingressCidrs=${j(["192.0.2.0/24", "203.0.113.0/24", "2001:db8:1::/48"])}`,
    ],
  },
  {
    key: "prodL4",
    stack: "prod",
    overrides: ["nodeAccess=public", "loadBalancer=l4", "sslPolicy=", "idleTimeoutSeconds=0"],
  },
];

describe("URNs kept for SSH stacks (public)", function () {
  this.timeout(120_000);
  for (const v of VARIANTS) {
    it(`${v.key}: every resource of the earlier plan is still registered under its URN`, async () => {
      const p = await plan(v.stack, v.overrides);
      const now = new Set(p.resources.map((r) => r.urn));
      const before = BEFORE[v.key];
      assert.ok(before.length > 100, "the fixture holds the whole plan");
      assert.deepEqual(
        before.filter((u) => !now.has(u)),
        [],
        "resources that would be deleted and re-created",
      );
    });
  }
});
