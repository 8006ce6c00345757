// The real pages in a real headless Chromium (Debian's headless shell, driven by puppeteer-core)
// against the portal, with the stack handle replaced by the fake engine at the library
// boundary: sign in, open a stack, see a validation error appear for a bad value, run a preview
// and watch its events arrive, see a 409, confirm a destroy, reveal a secret output only when
// asked. Without Chromium these tests fail (they never skip): .ci/run installs it.
import * as assert from "node:assert/strict";
import type { Browser, HTTPRequest, Page } from "puppeteer-core";
import { parseSettings } from "../components/config";
import { planStack } from "../automation";
import { launchChromium } from "../examples/portal/browser";
import { demoScript } from "../examples/portal/demo";
import type { PlanData } from "../automation";
import type { Plan } from "../plan/run";
import { readStackConfig } from "../plan/stackFile";
import { fixtureProject } from "./helpers";
import { call, devBody, readSse, startPortal, TestPortal, TOKEN, until } from "./portal-helpers";

const STEP_MS = 15_000;

describe("portal in a browser", function () {
  this.timeout(120_000);
  let portal: TestPortal;
  let chromium: { browser: Browser; close: () => Promise<void> } | undefined;
  let page: Page;
  let plan: Plan;
  const problems: string[] = [];

  before(async () => {
    chromium = await launchChromium();
    // prod's plan data as it was before plan/ estimated anything: no timeline, no estimate.
    portal = await startPortal({ allowedStacks: ["sandbox"] }, (library) => ({
      ...library,
      planData: (p) => {
        const data: Partial<PlanData> = library.planData(p);
        if (p.stack === "prod") {
          delete data.estimate;
          delete data.timeline;
        }
        return data as PlanData;
      },
    }));
    const { values } = readStackConfig(fixtureProject(), "dev");
    plan = await planStack("dev", parseSettings(values).settings, values["aws:region"]);
    page = await chromium.browser.newPage();
    page.setDefaultTimeout(STEP_MS);
    await page.setViewport({ width: 1280, height: 900 });
    // Script errors and CSP violations fail the suite (resource 4xx are the app's own answers).
    page.on("pageerror", (e) => problems.push(`page error: ${String(e)}`));
    page.on("console", (m) => {
      if (m.type() === "error" && !/^Failed to load resource/.test(m.text())) {
        problems.push(`console: ${m.text()}`);
      }
    });
  });

  after(async () => {
    await chromium?.close();
    await portal?.close();
  });

  beforeEach(() => {
    portal.engine.scripts = {};
    portal.engine.selectError = undefined;
  });

  // Every page each test opened ran without a script error or Content-Security-Policy violation.
  afterEach(() => assert.deepEqual(problems.splice(0), []));

  /** Opens a page, signing in first when it answers with the sign-in form (tests run alone too). */
  async function open(path: string): Promise<void> {
    const res = await page.goto(portal.base + path);
    if (res?.status() === 401) {
      await page.type("#token", TOKEN);
      await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
    }
  }

  async function openStack(name = "dev"): Promise<void> {
    await open(`/stacks/${name}`);
    await page.waitForSelector("#config[data-ready=true]");
  }

  // Element shapes the checks read (the project compiles without the DOM library).
  type El = { innerText: string; value: string; hidden: boolean; disabled: boolean };
  const text = (selector: string) =>
    page.$eval(selector, (e) => (e as unknown as El).innerText.trim());
  const value = (selector: string) => page.$eval(selector, (e) => (e as unknown as El).value);
  const focused = () => page.evaluate("document.activeElement && document.activeElement.id");
  const statusIs = (status: string, timeout = STEP_MS) =>
    page.waitForFunction(
      `document.querySelector("#op-status")?.textContent === ${JSON.stringify(status)}`,
      {
        timeout,
      },
    );

  it("an anonymous visit gets the sign-in form; the token signs in and returns to the stack", async () => {
    const res = await page.goto(`${portal.base}/stacks/dev`);
    assert.equal(res?.status(), 401);
    await page.type("#token", "not-the-token-at-all");
    await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
    assert.match(page.url(), /\/login\?failed=1/);
    assert.equal(await page.$eval("#failed", (e) => (e as unknown as El).hidden), false);
    await page.type("#token", TOKEN);
    await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
    assert.equal(page.url(), `${portal.base}/stacks/dev`);
    await page.waitForSelector("#config[data-ready=true]");
    assert.equal(await text("#stack-title"), "dev");
    const cookies = await page.cookies();
    const session = cookies.find((c) => c.name === "rancher-ha-portal");
    assert.ok(session?.httpOnly, "HttpOnly session cookie");
    assert.equal(session?.sameSite, "Lax");
    assert.equal(await page.evaluate("document.cookie"), "", "scripts cannot read it");
  });

  it("the stacks page lists every stack with its mode, servers and Rancher URL", async () => {
    portal.engine.stack("from-the-cli");
    await open("/");
    await page.waitForSelector("#stack-rows a[href='/stacks/from-the-cli']");
    const rows = (await page.evaluate(
      `[...document.querySelectorAll("#stack-rows tr")].map((tr) =>
        [...tr.querySelectorAll("td")].map((td) => td.innerText.trim()))`,
    )) as string[][];
    const dev = rows.find((r) => r[0] === "dev")!;
    assert.deepEqual(dev.slice(0, 5), [
      "dev",
      "L4 · NLB",
      "3",
      "https://rancher-dev.example.com",
      "us-east-1",
    ]);
    const prod = rows.find((r) => r[0] === "prod")!;
    assert.deepEqual(prod.slice(0, 3), ["prod", "L7 · ALB", "3"]);
    assert.ok(rows.some((r) => r[0] === "sandbox"));
    await Promise.all([page.waitForNavigation(), page.click("#stack-rows a[href='/stacks/dev']")]);
    await page.waitForSelector("#config[data-ready=true]");
  });

  it("opens a stack: the form from the schema (every field labelled), the diagram rendered", async () => {
    await openStack();
    assert.equal(await value("#f-hostname"), "rancher-dev.example.com");
    assert.equal(await value("#f-aws-region"), "us-east-1");
    assert.match(await text("#config [data-key=serverCount] .desc"), /3, 5 or 7.*Default: 3\./);
    const unlabelled = (await page.evaluate(
      `[...document.querySelectorAll("#config input, #config select, #config textarea")]
        .filter((e) => e.labels.length !== 1).map((e) => e.id)`,
    )) as string[];
    assert.deepEqual(unlabelled, []);
    await page.waitForSelector("#diagram svg[role=img]");
    assert.match(await text("#diagram"), /rancher-server-1/);
    assert.match(await text("#plan-status"), /Offline plan: \d+ resources/);
  });

  it("keeps a rendered diagram for the tab: the stack opened again shows it without a render; a new plan renders", async () => {
    await openStack();
    await page.evaluate("sessionStorage.clear()");
    await openStack();
    await page.waitForSelector("#diagram[data-diagram=rendered] svg[role=img]");
    const svg = () =>
      page.$eval("#diagram svg", (e) => (e as unknown as { outerHTML: string }).outerHTML);
    const first = await svg();
    await openStack();
    await page.waitForSelector("#diagram[data-diagram=kept] svg[role=img]");
    assert.equal(await svg(), first);
    // Five servers: another diagram, rendered rather than taken from the kept one.
    await page.click("#f-serverCount", { count: 3 });
    await page.keyboard.type("5");
    await page.waitForFunction(
      `document.querySelector("#diagram").dataset.diagram === "rendered" &&
        document.querySelector("#diagram svg[role=img]")?.textContent.includes("rancher-server-5")`,
    );
    // Signing out forgets them, before it asks the server: a request answered 401 once the
    // session has ended navigates to sign-in at once. /logout is held here until that is checked.
    const kept = `Object.keys(sessionStorage).filter((k) => k.startsWith("rancher-ha:diagram:"))`;
    assert.ok(((await page.evaluate(kept)) as string[]).length > 0);
    const isLogout = (r: HTTPRequest) => new URL(r.url()).pathname === "/logout";
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const hold = (r: HTTPRequest) =>
      void (isLogout(r) ? held : Promise.resolve()).then(() => r.continue());
    await page.setRequestInterception(true);
    page.on("request", hold);
    try {
      const sent = page.waitForRequest(isLogout);
      const navigated = page.waitForNavigation();
      await page.click("#sign-out");
      await sent;
      assert.deepEqual(await page.evaluate(kept), [], "forgotten before /logout is answered");
      release();
      await navigated;
    } finally {
      release();
      page.off("request", hold);
      await page.setRequestInterception(false);
    }
    assert.deepEqual(await page.evaluate(kept), []);
  });

  it("keeps no diagram whose render ends after sign-out began (the page has not gone yet)", async () => {
    await openStack();
    await page.waitForSelector("#diagram svg[role=img]");
    // The page's own modules (one instance per URL): a render in flight, then sign-out's forget.
    const kept = await page.evaluate(`(async () => {
      const app = await import("/assets/app.js");
      const plan = await import("/assets/plan.js");
      const container = document.querySelector("#diagram");
      const rendering = plan.renderMermaid(container, "flowchart TD\\n  a --> b", "after sign-out");
      app.forgetDiagrams({ forGood: true });
      await rendering;
      return [container.dataset.diagram, Object.keys(sessionStorage)
        .filter((k) => k.startsWith(app.DIAGRAM_KEY_PREFIX))];
    })()`);
    assert.deepEqual(kept, ["rendered", []]);
  });

  it("shows the plan's timeline (a rendered gantt) and cost estimate; neither when the plan data lacks them", async () => {
    await openStack();
    const data = (await call(portal.base, "GET", "/api/stacks/dev/plan")).body;
    await page.waitForSelector("#timeline-card:not([hidden]) svg[role=img]");
    assert.match(await text("#timeline"), /rancher-install-rancher/);
    // One line per term and per value (a <dl>).
    const estimate = await text("#estimate");
    const est = data.estimate as {
      firstDeployMinutes: number;
      monthlyCostUsd: number;
      note: string;
    };
    assert.ok(estimate.includes(`First deploy\nabout ${est.firstDeployMinutes} min`), estimate);
    assert.ok(
      estimate.includes(`Monthly cost\n$${Math.round(est.monthlyCostUsd)} a month`),
      estimate,
    );
    assert.match(estimate, /· EC2 instances \(1 × t3\.micro, 3 × m6i\.xlarge\)\n\$\d+/);
    assert.match(estimate, /Critical path\n.+ → .+/);
    assert.ok(estimate.includes(est.note), "the estimate says what it is");
    // Plan data without them (prod here): no half-empty cards.
    await openStack("prod");
    await page.waitForSelector("#diagram svg[role=img]");
    assert.equal(await page.$eval("#estimate-card", (e) => (e as unknown as El).hidden), true);
    assert.equal(await page.$eval("#timeline-card", (e) => (e as unknown as El).hidden), true);
  });

  it("a bad value shows the CLI's message at the field and in the list as you type; fixing it clears both", async () => {
    await openStack();
    await page.click("#f-serverCount", { count: 3 });
    await page.keyboard.type("4");
    await page.waitForSelector("#f-serverCount[aria-invalid=true]");
    const error = await text("#f-serverCount-error");
    assert.ok(error.length > 0);
    const list = await text("#problems");
    assert.match(list, /1 problem in this configuration/);
    assert.ok(list.includes(`rancher-ha:serverCount: ${error}`), list);
    // The same line the CLI prints for it.
    const api = await call(portal.base, "POST", "/api/stacks/dev/validate", {
      ...devBody(),
      settings: { ...devBody().settings, serverCount: "4" },
    });
    assert.ok(list.includes(api.body.problems[0].text));
    // Keyboard: the list links to the field.
    await page.focus("#problems a");
    await page.keyboard.press("Enter");
    assert.equal(await focused(), "f-serverCount");
    await page.keyboard.press("Backspace");
    await page.waitForSelector("#f-serverCount[aria-invalid]", { hidden: true });
    assert.equal(await text("#problems"), "");
  });

  it("runs a preview and shows its events arriving live as steps, with the log and the result", async () => {
    // About 480 events; the run pauses after the first third until the page has shown steps
    // arriving while it runs, then plays the rest: no timing window to lose under load.
    const script = demoScript(plan, { kind: "preview", delayMs: 1 });
    const third = Math.floor((script.events ?? []).length / 3);
    portal.engine.scripts.preview = { ...script, pauseAfter: third };
    await openStack();
    await Promise.all([page.waitForNavigation(), page.click("#btn-preview")]);
    assert.match(page.url(), /\/stacks\/dev\/operations\/[0-9a-f-]{36}$/);
    await portal.engine.stack("dev").paused();
    await page.waitForSelector("#steps li");
    const early = await page.$$eval("#steps li", (l) => l.length);
    assert.match(await text("#op-status"), /running/, "steps arrive while it runs");
    portal.engine.stack("dev").release();
    await statusIs("succeeded", 60_000);
    const labels = (await page.evaluate(
      `[...document.querySelectorAll("#steps li .label")].map((e) => e.textContent)`,
    )) as string[];
    assert.ok(labels.length > early, `${early} → ${labels.length} steps`);
    for (const step of [
      "Server 1: EC2 instance",
      "Server 1: starting the cluster",
      "Server 2: joining the cluster",
      "Server 3: joining the cluster",
      "Installing cert-manager",
      "Installing Rancher",
    ]) {
      assert.ok(labels.includes(step), `${step} in ${labels.join(", ")}`);
    }
    assert.equal(await page.$$eval("#steps li.running", (l) => l.length), 0);
    assert.match(await text("#op-summary"), /^Preview succeeded in \d+s: \d+ to create\.$/);
    assert.match(await text("#log"), /^Previewing update \(dev\)/);
    assert.match(await text("#op-elapsed"), /^\d+s$/);
  });

  it("a busy stack answers 409, shown as such with a link to the running operation", async () => {
    await openStack();
    portal.engine.scripts.up = { hold: true };
    const held = await call(portal.base, "POST", "/api/stacks/dev/up", devBody());
    assert.equal(held.status, 202);
    await until(() => portal.engine.started.includes("dev.up"), "the held update");
    await page.click("#btn-preview");
    await page.waitForSelector("#busy:not([hidden])");
    assert.match(await text("#busy"), /stack dev is busy: up is running in this portal/);
    const href = (await page.evaluate(
      `document.querySelector("#busy a").getAttribute("href")`,
    )) as string;
    assert.equal(href, `/stacks/dev/operations/${held.body.operationId}`);
    assert.equal(page.url(), `${portal.base}/stacks/dev`, "stayed on the stack");
    portal.engine.stack("dev").release();
    await readSse(portal.base + held.body.events);
  });

  it("an operation refused for its settings shows the problem list, not a stack trace", async () => {
    await portal.engine.stack("dev").setAllConfig({ "rancher-ha:hostnmae": { value: "typo" } });
    await openStack();
    await page.click("#btn-up");
    await page.waitForSelector("#op-error:not([hidden])");
    const shown = await text("#op-error");
    assert.match(shown, /^Update refused \(400\)/);
    assert.ok(shown.includes('rancher-ha:hostnmae: unknown key; did you mean "hostname"?'), shown);
    assert.doesNotMatch(shown, /\bat .*\.ts:\d+/);
    portal.engine.stack("dev").config.delete("rancher-ha:hostnmae");
  });

  it("destroy needs the stack's name typed in the dialog; Escape backs out", async () => {
    portal.engine.scripts.destroy = {
      changes: { delete: 111 },
      delayMs: 10,
      events: ["Destroying (dev)\n"],
    };
    await openStack();
    await page.click("#btn-destroy");
    await page.waitForSelector("#destroy-dialog[open]");
    assert.equal(await focused(), "destroy-confirm");
    await page.keyboard.press("Escape");
    await page.waitForSelector("#destroy-dialog:not([open])");
    await page.click("#btn-destroy");
    const disabled = () => page.$eval("#destroy-go", (b) => (b as unknown as El).disabled);
    assert.equal(await disabled(), true);
    await page.type("#destroy-confirm", "de");
    assert.equal(await disabled(), true);
    await page.keyboard.press("Enter"); // not yet the name: nothing happens, the dialog stays
    assert.equal((await page.$("#destroy-dialog[open]")) !== null, true);
    await page.type("#destroy-confirm", "v");
    assert.equal(await disabled(), false);
    assert.ok(!portal.engine.started.includes("dev.destroy"));
    // Keyboard all the way: Enter in the field, now that it holds the name.
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    await statusIs("succeeded");
    assert.equal(await text("#op-title"), "Destroy of dev");
    assert.match(await text("#op-summary"), /Destroy succeeded in \d+s: 111 deleted\./);
    assert.ok(portal.engine.started.includes("dev.destroy"));
  });

  it("secret outputs are not in the page until someone presses Reveal", async () => {
    const secret = "bootstrap-pw-only-on-request";
    portal.engine.stack("dev").outputValues = {
      rancherUrl: { value: "https://rancher-dev.example.com", secret: false },
      bootstrapPassword: { value: secret, secret: true },
    };
    await openStack();
    await page.waitForSelector("tr[data-output=bootstrapPassword] button");
    assert.ok(!(await page.content()).includes(secret), "not in the page");
    await page.click("tr[data-output=bootstrapPassword] button");
    await page.waitForSelector("tr[data-output=bootstrapPassword] pre");
    assert.equal(await text("tr[data-output=bootstrapPassword] pre"), secret);
    await page.click("tr[data-output=bootstrapPassword] button"); // Hide
    await page.waitForSelector("tr[data-output=bootstrapPassword] pre", { hidden: true });
    assert.ok(!(await page.content()).includes(secret), "gone again");
  });
});
