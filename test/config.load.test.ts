// loadConfig and the plan command around the validators: each bad input is one line naming the
// key, reported once, before anything is registered; what a value resolves to. (Each topic's
// rules are tables in config.<topic>.test.ts; the plan command's table is in config.plan.test.ts.)
import * as assert from "node:assert/strict";
import { loadConfig } from "../components/config";
import { CTX, planWith, problemLines, RAW } from "./config-helpers";

describe("config: each problem once", function () {
  this.timeout(60_000);

  it("an unknown key alone is one problem (loadConfig used to report it twice)", () => {
    assert.deepEqual(problemLines({ ...RAW, "rancher-ha:hostnmae": "x" }), [
      'hostnmae: unknown key; did you mean "hostname"? (known keys are listed in Pulumi.yaml)',
    ]);
  });

  it("an unknown key next to a validation problem: each once", () => {
    const lines = problemLines({
      ...RAW,
      "rancher-ha:hostnmae": "x",
      "rancher-ha:serverCount": "4",
    });
    assert.equal(lines.length, 2, lines.join("\n"));
    assert.equal(new Set(lines).size, 2);
  });

  it("the plan command prints a --config typo once", async () => {
    const r = await planWith(["hostnmae=x"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /invalid configuration \(1 problem\)/);
    assert.equal(r.err.split("rancher-ha:hostnmae: unknown key").length - 1, 1, r.err);
    assert.equal(r.registered, 0);
  });
});

describe("config: the Rancher chart's repository and release", function () {
  this.timeout(60_000);
  const repo = (value?: string) => {
    const raw = value === undefined ? RAW : { ...RAW, "rancher-ha:rancherChartRepository": value };
    return loadConfig(raw, CTX);
  };

  const accepted: [string | undefined, string][] = [
    [undefined, "https://releases.rancher.com/server-charts/latest"],
    ["latest", "https://releases.rancher.com/server-charts/latest"],
    ["stable", "https://releases.rancher.com/server-charts/stable"],
    ["prime", "https://charts.rancher.com/server-charts/prime"],
    ["https://charts.example.com/rancher/", "https://charts.example.com/rancher"],
  ];
  for (const [value, url] of accepted) {
    it(`rancherChartRepository ${value ?? "(unset)"} → ${url}`, () => {
      assert.equal(repo(value).config.rancherChartRepository, url);
    });
  }

  const refused: [string, RegExp][] = [
    ["latst", /"latst" is not one of latest, stable, prime or an https:\/\/ URL/],
    ["http://charts.example.com", /is not https/],
    ["https://user:pw@charts.example.com", /must not carry credentials/],
    ["https://charts.example.com/?x=1", /has a query or fragment/],
  ];
  for (const [value, message] of refused) {
    it(`refuses rancherChartRepository ${value}, naming the key`, async () => {
      const r = await planWith([`rancherChartRepository=${value}`]);
      assert.equal(r.code, 1);
      assert.match(r.err, /rancher-ha:rancherChartRepository: /);
      assert.match(r.err, message);
      assert.equal(r.registered, 0);
    });
  }

  it("installs the chart from the configured repository", async () => {
    const r = await planWith(["rancherChartRepository=prime"]);
    assert.equal(r.code, 0, r.err);
    const release = JSON.parse(r.out).resources.find(
      (x: { name: string }) => x.name === "rancher-install-rancher",
    );
    assert.deepEqual(release.inputs.repositoryOpts, {
      repo: "https://charts.rancher.com/server-charts/prime",
    });
  });
});

describe("config: the AWS side through loadConfig", function () {
  this.timeout(60_000);

  it("takes the region from the raw config, as `pulumi up` passes it", () => {
    assert.deepEqual(problemLines({ "aws:region": "eu-west-1", ...RAW }, { stack: "t" }), []);
    assert.match(
      problemLines({ "aws:region": "us-esat-1", ...RAW }, { stack: "t" }).join("\n"),
      /^aws:region: "us-esat-1" is not an AWS region; did you mean us-east-1\?/,
    );
  });

  it("reports a typo'd aws: key with the other problems", () => {
    assert.deepEqual(
      problemLines({ ...RAW, "aws:regoin": "us-east-1", "rancher-ha:serverCount": "4" }).map((l) =>
        l.slice(0, l.indexOf(": ")),
      ),
      ["aws:regoin", "serverCount"],
    );
  });

  it("a typo'd aws: key is reported by the plan command, once, registering nothing", async () => {
    const r = await planWith(["aws:regoin=us-east-1"]);
    assert.equal(r.code, 1);
    assert.equal(r.err.split("aws:regoin:").length - 1, 1, r.err);
    assert.equal(r.registered, 0);
  });
});

describe("config: names and counts", () => {
  it("accepts the hostname and the zone with a trailing dot, as the same names", () => {
    const plain = loadConfig(RAW, CTX).config;
    const dotted = loadConfig(
      {
        ...RAW,
        "rancher-ha:hostname": "rancher.example.com.",
        "rancher-ha:hostedZone": "example.com.",
      },
      CTX,
    ).config;
    assert.equal(dotted.hostname, "rancher.example.com");
    assert.deepEqual(dotted.zone, { name: "example.com" });
    assert.deepEqual(dotted, plain);
    assert.match(
      problemLines({ ...RAW, "rancher-ha:hostname": "rancher.example.com.." }).join(),
      /hostname: "rancher\.example\.com\.\." is not a valid lowercase FQDN/,
    );
  });
});
