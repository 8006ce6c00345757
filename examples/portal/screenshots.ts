// `npm run screenshots`: regenerates the README's screenshots of the stack page and of a running
// operation, from the real pages in headless Chromium, with the engine replaced by the fake
// (automation/fake.ts) replaying a first `up` of the dev stack's offline plan. Nothing is
// deployed and no credentials are needed. The tests never write these files.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import type { Page } from "puppeteer-core";
import { parseSettings } from "../../components/config";
import { planStack, PROJECT_DIR } from "../../automation";
import { FakeEngine } from "../../automation/fake";
import { readStackConfig } from "../../plan/stackFile";
import { launchChromium } from "./browser";
import { demoScript, fakeLibrary } from "./demo";
import { createPortal } from "./server";

export const SCREENSHOT_DIR = path.join(__dirname, "screenshots");

async function signIn(page: Page, base: string, token: string, next: string): Promise<void> {
  await page.goto(`${base}/login?next=${encodeURIComponent(next)}`);
  await page.type("#token", token);
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
}

async function main(): Promise<void> {
  const engine = new FakeEngine();
  const { values } = readStackConfig(PROJECT_DIR, "dev");
  const plan = await planStack("dev", parseSettings(values).settings, values["aws:region"]);
  // dev as if deployed once: its outputs (secrets stay hidden in the picture).
  engine.stack("dev").outputValues = {
    rancherUrl: { value: "https://rancher-dev.example.com", secret: false },
    loadBalancerDnsName: {
      value: "rancher-cp-nlb-0123456789abcdef.elb.us-east-1.amazonaws.com",
      secret: false,
    },
    loadBalancer: { value: "l4", secret: false },
    rke2Version: { value: "v1.36.3+rke2r1", secret: false },
    bootstrapPassword: { value: "not-a-real-password", secret: true },
    kubeconfig: { value: "apiVersion: v1\n", secret: true },
  };
  engine.scripts.up = demoScript(plan, { holdWhile: "rancher-rke2-2-start", delayMs: 12 });
  const token = randomBytes(16).toString("hex");
  const server = createPortal({ auth: { token }, library: fakeLibrary(engine) });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const chromium = await launchChromium();
  try {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const page = await chromium.browser.newPage();
    await page.setViewport({ width: 1360, height: 1000 });
    await signIn(page, base, token, "/stacks/dev");
    await page.waitForSelector("#diagram svg");
    await page.waitForSelector("#config[data-ready=true]");
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "stack.png"), fullPage: true });

    await Promise.all([page.waitForNavigation(), page.click("#btn-up")]);
    await page.waitForSelector('li[data-step="server-2-start"].running');
    // Let the elapsed counters move on from zero.
    await new Promise((r) => setTimeout(r, 2500));
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "operation.png"), fullPage: true });
    engine.stack("dev").release();
    process.stdout.write(`screenshots written to ${path.relative(PROJECT_DIR, SCREENSHOT_DIR)}/\n`);
  } finally {
    await chromium.close();
    server.closeAllConnections();
    server.close();
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(
      `screenshots: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    process.exit(1);
  });
}
