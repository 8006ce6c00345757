// Input checks at the config boundary: each bad input is one line naming the key, reported once,
// before anything is registered. (The older table of checks is in config.test.ts; TLS checks are
// in config.tls.test.ts.)
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

  it("warns that stable may not hold the pinned version", () => {
    assert.match(repo("stable").warnings.join("\n"), /stable: it only gets releases promoted/);
    assert.deepEqual(repo("latest").warnings, []);
  });

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

  // Releases and caps: rancher/rancher tags and chart/Chart.yaml kubeVersion at each tag.
  const releases: [string, RegExp | undefined][] = [
    ["2.15.0", undefined],
    ["v2.15.0", undefined],
    [
      "2.15.1",
      /2\.15\.1 is not a Rancher release this program knows \(2\.12\.0–2\.12\.12, 2\.13\.0–2\.13\.8, 2\.14\.0–2\.14\.4, 2\.15\.0\)/,
    ],
    ["2.16.0", /2\.16\.0 is not a Rancher release this program knows/],
    ["2.11.3", /2\.11\.3 is not a Rancher release this program knows/],
    ["2.15.1-alpha1", /2\.15\.1-alpha1 is not a Rancher release this program knows/],
  ];
  for (const [version, expected] of releases) {
    it(`rancherVersion ${version}: ${expected ? "refused" : "accepted"}`, () => {
      const lines = problemLines({ ...RAW, "rancher-ha:rancherVersion": version });
      if (!expected) assert.deepEqual(lines, []);
      else {
        assert.equal(lines.length, 1, lines.join("\n"));
        assert.match(lines[0], /^rancherVersion: /);
        assert.match(lines[0], expected);
      }
    });
  }

  it("checks a known older release against its own Kubernetes cap", () => {
    const at = (rancher: string, rke2: string) =>
      problemLines({
        ...RAW,
        "rancher-ha:rancherVersion": rancher,
        "rancher-ha:rke2Version": rke2,
      });
    assert.deepEqual(at("2.13.8", "v1.34.10+rke2r1"), []);
    assert.match(at("2.13.8", "v1.35.7+rke2r1").join(), /above what Rancher 2\.13\.8 supports/);
    assert.deepEqual(at("2.14.4", "v1.35.7+rke2r1"), []);
    assert.match(at("2.12.12", "v1.34.10+rke2r1").join(), /above what Rancher 2\.12\.12/);
  });
});

describe("config: admin ranges that open a share of the internet", () => {
  const admin = (cidrs: string[]) =>
    problemLines({ ...RAW, "rancher-ha:adminCidrs": JSON.stringify(cidrs) }).filter((l) =>
      l.startsWith("adminCidrs:"),
    );
  const cases: [string[], RegExp | undefined][] = [
    [["203.0.113.0/24"], undefined],
    [["11.0.0.0/8"], undefined],
    [["11.0.0.0/8", "11.0.0.0/9"], undefined], // overlaps count once
    [["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"], undefined], // not internet
    [["2001:db8::/32", "fd00::/8"], undefined],
    [
      ["0.0.0.0/1", "128.0.0.0/1"],
      /2,147,483,648 public IPv4 addresses|public IPv4 addresses, more than a \/8/,
    ],
    [
      ["11.0.0.0/8", "12.0.0.0/8"],
      /together open SSH \(22\) and the Kubernetes API \(6443\) to 33,554,432 public IPv4 addresses, more than a \/8 \(16,777,216\): that is a share of the internet/,
    ],
    [["8.0.0.0/7"], /33,554,432 public IPv4 addresses/],
    [["::/1", "8000::/1"], /more public IPv6 space than a \/32/],
    [["2001::/16"], /more public IPv6 space than a \/32/],
    [["0.0.0.0/0"], /0\.0\.0\.0\/0 opens SSH and the Kubernetes API to the whole internet/],
  ];
  for (const [cidrs, expected] of cases) {
    it(`${expected ? "refuses" : "accepts"} ${cidrs.join(" + ")}`, () => {
      const lines = admin(cidrs);
      if (!expected) assert.deepEqual(lines, []);
      else {
        assert.equal(lines.length, 1, `one problem: ${lines.join("\n")}`);
        assert.match(lines[0], expected);
      }
    });
  }
});

describe("config: values that must be real AWS names", function () {
  this.timeout(60_000);
  // [what, overrides, expected problem line (undefined: accepted)]
  const cases: [string, Record<string, string>, RegExp | undefined][] = [
    ["a current x86 type", { "rancher-ha:instanceType": "m7i.2xlarge" }, undefined],
    ["a burstable medium (2 vCPU, 4 GiB)", { "rancher-ha:instanceType": "t3.medium" }, undefined],
    [
      "a typo'd instance type",
      { "rancher-ha:instanceType": "m6i.xlargee" },
      /^instanceType: "m6i\.xlargee" is not an EC2 instance type; did you mean m6i\.xlarge\?/,
    ],
    [
      "a family that does not exist",
      { "rancher-ha:instanceType": "m6ix.large" },
      /^instanceType: "m6ix\.large" is not an EC2 instance type/,
    ],
    // Real types the sized table (three US regions) lacks: judged by name, never refused as typos.
    ["a real type without size data", { "rancher-ha:instanceType": "i3.xlarge" }, undefined],
    [
      "a real type without size data, below the minimum by its size",
      { "rancher-ha:instanceType": "t8i.micro" },
      /^instanceType: t8i\.micro is below RKE2's minimum of 2 vCPU and 4 GiB; use m6i\.xlarge/,
    ],
    [
      "a real arm64 type without size data",
      { "rancher-ha:instanceType": "m9g.xlarge" },
      /^instanceType: m9g\.xlarge is an arm64 \(Graviton\) type/,
    ],
    [
      "a Mac type",
      { "rancher-ha:instanceType": "mac2.metal" },
      /^instanceType: mac2\.metal is a Mac instance/,
    ],
    [
      "a type below RKE2's minimum, from the data",
      { "rancher-ha:instanceType": "c5.large" },
      undefined, // 2 vCPU, 4 GiB: exactly the minimum
    ],
    [
      "a 1 vCPU type",
      { "rancher-ha:instanceType": "m6g.medium" },
      /^instanceType: m6g\.medium is below RKE2's minimum of 2 vCPU and 4 GiB \(it has 1 vCPU, 4 GiB\)/,
    ],
    [
      "an arm64 type",
      { "rancher-ha:instanceType": "a1.xlarge" },
      /^instanceType: a1\.xlarge is an arm64 \(Graviton\) type/,
    ],
    ["a region", { "aws:region": "eu-central-2" }, undefined],
    ["a sovereign-cloud region", { "aws:region": "eusc-de-east-1" }, undefined],
    [
      "a typo'd region",
      { "aws:region": "us-esat-1" },
      /^aws:region: "us-esat-1" is not an AWS region; did you mean us-east-1\?/,
    ],
    [
      "a made-up region of the right shape",
      { "aws:region": "us-east-9" },
      /^aws:region: "us-east-9" is not an AWS region/,
    ],
    [
      "a typo'd aws: key",
      { "aws:regoin": "us-east-1" },
      /^aws:regoin: is not an AWS provider setting; did you mean "aws:region"\?/,
    ],
    [
      "a typo'd aws:profile",
      { "aws:profle": "ops" },
      /^aws:profle: is not an AWS provider setting; did you mean "aws:profile"\?/,
    ],
    [
      "legitimate aws: keys",
      {
        "aws:profile": "ops",
        "aws:skipCredentialsValidation": "true",
        "aws:defaultTags": '{"tags":{"a":"b"}}',
        "aws:assumeRoles": "[]",
        "aws:accessKey": "AKIA",
        "aws:secretKey": "x",
        "aws:token": "t",
        "aws:somethingElseEntirely": "not a near miss",
      },
      undefined,
    ],
  ];
  for (const [what, raw, expected] of cases) {
    it(`${expected ? "refuses" : "accepts"} ${what}`, () => {
      // The region from the raw config, as `pulumi up` passes it.
      const lines = problemLines({ "aws:region": "us-east-1", ...RAW, ...raw }, { stack: "t" });
      if (!expected) assert.deepEqual(lines, []);
      else {
        assert.equal(lines.length, 1, lines.join("\n"));
        assert.match(lines[0], expected);
      }
    });
  }

  const l7 = { "rancher-ha:loadBalancer": "l7" };
  const policies: [string, RegExp | undefined][] = [
    ["ELBSecurityPolicy-TLS13-1-2-2021-06", undefined],
    ["ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09", undefined],
    ["ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04", undefined],
    ["ELBSecurityPolicy-FS-1-2-Res-2020-10", undefined],
    [
      "ELBSecurityPolicy-TLS13-1-2-2021-07",
      /^sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-07" is not an ELB security policy for an ALB; did you mean ELBSecurityPolicy-TLS13-1-2-2021-06\?/,
    ],
    ["ELBSecurityPolicy-TLS13-1-2-Extra-2021-06", /is not an ELB security policy for an ALB/],
    ["ELBSecurityPolicy-2015-05", /is not an ELB security policy for an ALB/], // NLB only
    ["ELBSecurityPolicy-TLS13-1-1-2021-06", /allows TLS below 1\.2 \(from TLS 1\.1\)/],
    ["ELBSecurityPolicy-2016-08", /allows TLS below 1\.2 \(from TLS 1\.0\)/],
  ];
  for (const [policy, expected] of policies) {
    it(`sslPolicy ${policy}: ${expected ? "refused" : "accepted"}`, () => {
      const lines = problemLines({ ...RAW, ...l7, "rancher-ha:sslPolicy": policy });
      if (!expected) assert.deepEqual(lines, []);
      else {
        assert.equal(lines.length, 1, lines.join("\n"));
        assert.match(lines[0], expected);
      }
    });
  }

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
    assert.equal(dotted.hostedZone, "example.com");
    assert.deepEqual(dotted, plain);
    assert.match(
      problemLines({ ...RAW, "rancher-ha:hostname": "rancher.example.com.." }).join(),
      /hostname: "rancher\.example\.com\.\." is not a valid lowercase FQDN/,
    );
  });

  it("says why a negative or zero serverCount is wrong, without a knock-on replaceServer error", () => {
    const at = (n: string) =>
      problemLines({ ...RAW, "rancher-ha:serverCount": n, "rancher-ha:replaceServer": "1" });
    assert.deepEqual(at("-3"), [
      "serverCount: -3 is not supported: a number of servers cannot be negative; use an odd count of 3, 5 or 7 (etcd quorum), or 1 for a sandbox",
    ]);
    assert.deepEqual(at("0"), [
      "serverCount: 0 is not supported: the cluster needs at least one server; use an odd count of 3, 5 or 7 (etcd quorum), or 1 for a sandbox",
    ]);
  });
});
