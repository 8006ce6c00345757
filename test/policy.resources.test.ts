// The per-resource rules: instances (IMDSv2, encrypted volumes, user data), load balancers and
// listeners (header hygiene, TLS policy), protection, and commands' logging (policy/rules/*.ts).
import { TYPES } from "../policy/rules";
import { loadBalancer, res, resourceRuleTable } from "./policy-helpers";

describe("policy imdsv2-required", () => {
  const instance = (metadataOptions?: Record<string, unknown>) =>
    res(TYPES.instance, "server", metadataOptions ? { metadataOptions } : {});
  const TOKENS =
    'set it to "required" so the metadata service only answers IMDSv2 session requests';
  resourceRuleTable("imdsv2-required", [
    [
      "IMDSv2 with hop limit 1",
      instance({ httpTokens: "required", httpPutResponseHopLimit: 1 }),
      [],
    ],
    [
      "IMDSv2 with hop limit 2",
      instance({ httpTokens: "required", httpPutResponseHopLimit: 2 }),
      [],
    ],
    ["IMDSv2 with the default hop limit", instance({ httpTokens: "required" }), []],
    ["a disabled endpoint", instance({ httpEndpoint: "disabled" }), []],
    [
      "optional tokens",
      instance({ httpTokens: "optional", httpPutResponseHopLimit: 1 }),
      [`metadataOptions.httpTokens is "optional": ${TOKENS}`],
    ],
    ["unset tokens", instance(), [`metadataOptions.httpTokens is not set: ${TOKENS}`]],
    [
      "a hop limit above 2",
      instance({ httpTokens: "required", httpPutResponseHopLimit: 3 }),
      [
        "metadataOptions.httpPutResponseHopLimit is 3: at most 2 (this stack uses 1), so containers cannot fetch the instance's credentials",
      ],
    ],
  ]);
});

describe("policy encrypted-root-volume", () => {
  const ROOT = "the root volume must be encrypted (rootBlockDevice: { encrypted: true })";
  resourceRuleTable("encrypted-root-volume", [
    [
      "encrypted root and EBS volumes",
      res(TYPES.instance, "server", {
        rootBlockDevice: { encrypted: true, volumeType: "gp3" },
        ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: true }],
      }),
      [],
    ],
    [
      "an unencrypted root volume and an EBS volume without encryption",
      res(TYPES.instance, "plain", {
        rootBlockDevice: { encrypted: false },
        ebsBlockDevices: [{ deviceName: "/dev/sdf" }],
      }),
      [
        `rootBlockDevice.encrypted is false: ${ROOT}`,
        "ebsBlockDevices[0] (/dev/sdf).encrypted is not set: every EBS volume must be encrypted",
      ],
    ],
    [
      "a root volume left unset",
      res(TYPES.instance, "unset", {}),
      [`rootBlockDevice.encrypted is not set: ${ROOT}`],
    ],
  ]);
});

describe("policy no-secrets-in-user-data", () => {
  const CLEAR = "EC2 stores user data in clear text, so it must carry no secrets";
  const key = "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n";
  resourceRuleTable("no-secrets-in-user-data", [
    ["no user data", res(TYPES.instance, "none", {}), []],
    [
      "user data without secrets",
      res(TYPES.instance, "script", { userData: "#!/bin/sh\napt-get install -y jq\n" }),
      [],
    ],
    [
      "a token",
      res(TYPES.instance, "token", { userData: "write_files:\n- content: |\n    token: abc\n" }),
      [`userData contains what looks like a token (\`token:\` / \`token=\`): ${CLEAR}`],
    ],
    [
      "Rancher's bootstrap password",
      res(TYPES.instance, "rancher", { userData: "helm install --set bootstrapPassword=x" }),
      [
        `userData contains what looks like a password (\`password:\` / \`password=\`): ${CLEAR}`,
        `userData contains what looks like a Rancher bootstrap password (\`bootstrapPassword\`): ${CLEAR}`,
      ],
    ],
    [
      "a private key in base64",
      res(TYPES.instance, "key", { userDataBase64: Buffer.from(key).toString("base64") }),
      [`userDataBase64 contains what looks like a private key (\`PRIVATE KEY\`): ${CLEAR}`],
    ],
    [
      "user data marked secret",
      res(TYPES.instance, "marked", { userData: "x" }, { secretProps: ["userData"] }),
      [
        "userData is marked secret, but EC2 stores user data in clear text: deliver secrets another way (this stack copies them over SSH)",
      ],
    ],
  ]);
});

describe("policy alb-drops-invalid-headers", () => {
  const KEEPS = "an application load balancer must set dropInvalidHeaderFields: true";
  resourceRuleTable("alb-drops-invalid-headers", [
    [
      "an ALB that drops invalid headers",
      loadBalancer("alb", { loadBalancerType: "application", dropInvalidHeaderFields: true }),
      [],
    ],
    ["an NLB (not judged)", loadBalancer("nlb", { loadBalancerType: "network" }), []],
    [
      "an ALB of the provider's default type that keeps them",
      loadBalancer("default-type", {}),
      [`dropInvalidHeaderFields is not set: ${KEEPS}`],
    ],
    [
      "an ALB declared as aws.alb",
      res(TYPES.albLoadBalancer, "alias", { dropInvalidHeaderFields: false }),
      [`dropInvalidHeaderFields is false: ${KEEPS}`],
    ],
  ]);
});

describe("policy modern-tls-policy", () => {
  const listener = (name: string, sslPolicy?: string, protocol = "HTTPS") =>
    res(TYPES.lbListener, name, { protocol, port: 443, ...(sslPolicy ? { sslPolicy } : {}) });
  const notModern = (policy: string) =>
    `sslPolicy "${policy}" is not a TLS 1.2+ policy (it accepts TLS 1.0/1.1 or is unknown here): use ELBSecurityPolicy-TLS13-1-2-2021-06 or another ELBSecurityPolicy-TLS13-1-2-*`;
  const passes = [
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS-1-2-2017-01",
    "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
    "ELBSecurityPolicy-FS-1-2-Res-2020-10",
  ];
  const fails = [
    "ELBSecurityPolicy-2016-08",
    "ELBSecurityPolicy-TLS-1-0-2015-04",
    "ELBSecurityPolicy-TLS-1-1-2017-01",
    "ELBSecurityPolicy-TLS13-1-0-2021-06",
  ];
  resourceRuleTable("modern-tls-policy", [
    ...passes.map((p): [string, ReturnType<typeof res>, string[]] => [p, listener("https", p), []]),
    ["a TLS listener", listener("nlb-tls", "ELBSecurityPolicy-TLS13-1-2-2021-06", "TLS"), []],
    ["an HTTP listener (not judged)", listener("http", undefined, "HTTP"), []],
    ["a TCP listener (not judged)", listener("tcp", undefined, "TCP"), []],
    [
      "no policy",
      listener("missing"),
      [
        "HTTPS listener has no sslPolicy: AWS then applies ELBSecurityPolicy-2016-08 (TLS 1.0+); set sslPolicy to ELBSecurityPolicy-TLS13-1-2-2021-06",
      ],
    ],
    ...fails.map((p): [string, ReturnType<typeof res>, string[]] => [
      p,
      listener("https", p),
      [notModern(p)],
    ]),
    [
      "a TLS 1.1 policy on an aws.alb listener",
      res(TYPES.albListener, "alias-tls11", {
        protocol: "HTTPS",
        sslPolicy: "ELBSecurityPolicy-TLS13-1-1-2021-06",
      }),
      [notModern("ELBSecurityPolicy-TLS13-1-1-2021-06")],
    ],
  ]);
});

describe("policy lb-deletion-protection-when-protected", () => {
  const REQUIRE = { requireProtection: true };
  const protect = (what: string) =>
    `the Pulumi protect option is not set: with requireProtection, ${what} must be protected (protect: true)`;
  const lb = loadBalancer("lb", { enableDeletionProtection: false });
  const server = res(TYPES.instance, "server", {});
  const rancher = res(TYPES.helmRelease, "rancher-release", { name: "rancher", chart: "rancher" });
  resourceRuleTable("lb-deletion-protection-when-protected", [
    ["an unprotected LB without requireProtection (the default)", lb, []],
    [
      "an unprotected server with requireProtection false",
      server,
      [],
      { requireProtection: false },
    ],
    [
      "a protected LB with deletion protection",
      loadBalancer("lb", { enableDeletionProtection: true }, { protect: true }),
      [],
      REQUIRE,
    ],
    ["a protected server", res(TYPES.instance, "server", {}, { protect: true }), [], REQUIRE],
    ["a protected certificate", res(TYPES.certificate, "cert", {}, { protect: true }), [], REQUIRE],
    [
      "a protected Rancher release",
      res(TYPES.helmRelease, "rancher-release", { chart: "rancher" }, { protect: true }),
      [],
      REQUIRE,
    ],
    [
      "another Helm release (not judged)",
      res(TYPES.helmRelease, "cert-manager", { name: "cert-manager", chart: "cert-manager" }),
      [],
      REQUIRE,
    ],
    [
      "an unprotected LB without deletion protection",
      lb,
      [
        "enableDeletionProtection is false: with requireProtection, a load balancer must have AWS deletion protection",
        protect("a load balancer"),
      ],
      REQUIRE,
    ],
    ["an unprotected server", server, [protect("an RKE2 server instance")], REQUIRE],
    [
      "an unprotected certificate",
      res(TYPES.certificate, "cert", { domainName: "rancher.example.com" }),
      [protect("an ACM certificate")],
      REQUIRE,
    ],
    ["an unprotected Rancher release", rancher, [protect("the Rancher Helm release")], REQUIRE],
    [
      "an unprotected bastion (stateless; switching nodeAccess removes it)",
      res(TYPES.instance, "rancher-bastion", { tags: { "rancher-ha:role": "bastion" } }),
      [],
      REQUIRE,
    ],
  ]);
});

describe("policy servers-without-public-ip", () => {
  const server = (associatePublicIpAddress?: unknown) =>
    res(
      TYPES.instance,
      "server",
      associatePublicIpAddress === undefined ? {} : { associatePublicIpAddress },
    );
  resourceRuleTable("servers-without-public-ip", [
    ["a server without a public IP", server(false), []],
    ["a server that does not say (the subnet decides)", server(), []],
    [
      "a server with a public IP",
      server(true),
      [
        "associatePublicIpAddress is true: servers get no public IP; reach them through a bastion or SSM (rancher-ha:nodeAccess bastion or ssm)",
      ],
    ],
    [
      "a server with a public IP in a stack with public servers",
      server(true),
      [],
      { allowPublicServers: true },
    ],
    [
      "the bastion with its public IP",
      res(TYPES.instance, "rancher-bastion", {
        associatePublicIpAddress: true,
        tags: { "rancher-ha:role": "bastion" },
      }),
      [],
    ],
  ]);
});

describe("policy remote-commands-no-secret-logging", () => {
  const cmd = (name: string, props: Record<string, unknown>, extra = {}) =>
    res(TYPES.remoteCommand, name, { create: "true", ...props }, extra);
  const fix = 'set logging to "stderr" or "none" so stdout is never logged';
  resourceRuleTable("remote-commands-no-secret-logging", [
    [
      "secret stdin, logging stderr",
      cmd("start", { stdin: "tok", logging: "stderr" }, { secretProps: ["stdin", "connection"] }),
      [],
    ],
    [
      "secret stdout, logging none",
      cmd("kubeconfig", { logging: "none" }, { additionalSecretOutputs: ["stdout"] }),
      [],
    ],
    [
      "secrets elsewhere than stdin and stdout",
      cmd("install", {}, { secretProps: ["connection"], additionalSecretOutputs: ["connection"] }),
      [],
    ],
    ["a plain stdin", cmd("plain-stdin", { stdin: "hello" }, { secretProps: [] }), []],
    [
      "secret stdin with the default logging",
      cmd("start", { stdin: "tok" }, { secretProps: ["stdin"] }),
      [`stdin is secret, but logging is not set (default "stdoutAndStderr"): ${fix}`],
    ],
    [
      "secret stdout logged",
      cmd("kubeconfig", { logging: "stdoutAndStderr" }, { additionalSecretOutputs: ["stdout"] }),
      [`stdout is an additional secret output, but logging is "stdoutAndStderr": ${fix}`],
    ],
    [
      "both, logging stdout",
      cmd(
        "both",
        { stdin: "tok", logging: "stdout" },
        { secretProps: ["stdin"], additionalSecretOutputs: ["stdout"] },
      ),
      [
        `stdin is secret and stdout is an additional secret output, but logging is "stdout": ${fix}`,
      ],
    ],
    // In the engine secrets arrive unwrapped (secretProps unknown): any stdin counts.
    [
      "any stdin as the engine shows it",
      res(TYPES.localCommand, "engine-view", { stdin: "tok" }),
      [`stdin is secret, but logging is not set (default "stdoutAndStderr"): ${fix}`],
    ],
  ]);
});
