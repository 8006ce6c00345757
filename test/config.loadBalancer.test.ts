// The load balancer mode and the L7 keys: certificate, TLS policy, idle timeout
// (components/config/validators/loadBalancer.ts; policies from components/data).
import { checkLoadBalancer } from "../components/config/validators/loadBalancer";
import { validatorTable } from "./config-helpers";

const ARN = (region: string) =>
  `arn:aws:acm:${region}:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666`;
const L4_ONLY = "applies only to loadBalancer l7; remove it or set loadBalancer to l7";
const l7 = (more: object = {}) => ({ loadBalancer: "l7" as const, ...more });
const policy = (sslPolicy: string) => l7({ sslPolicy });

describe("config validator: load balancer", () => {
  validatorTable(checkLoadBalancer, [
    ["l4 by default", {}, []],
    ["l7 with its defaults", l7(), []],
    ["l7 with every key", l7({ certificateArn: ARN("us-east-1"), idleTimeoutSeconds: 900 }), []],
    [
      "a mode that does not exist",
      { loadBalancer: "l5" as never },
      [`loadBalancer: "l5" is not a load balancer mode; use l4 (NLB) or l7 (ALB)`],
    ],
    [
      "L7 keys in l4",
      { certificateArn: ARN("us-east-1"), sslPolicy: "x", idleTimeoutSeconds: 60 },
      [`certificateArn: ${L4_ONLY}`, `sslPolicy: ${L4_ONLY}`, `idleTimeoutSeconds: ${L4_ONLY}`],
    ],
    [
      "a certificate ARN of the wrong shape",
      l7({ certificateArn: "arn:nope" }),
      [`certificateArn: "arn:nope" is not an ACM certificate ARN`],
    ],
    [
      "a certificate from another region",
      l7({ certificateArn: ARN("eu-west-1") }),
      [
        "certificateArn: is in eu-west-1 but the stack is in us-east-1; an ALB needs a certificate from its own region",
      ],
    ],
    [
      "an idle timeout below a minute",
      l7({ idleTimeoutSeconds: 30 }),
      ["idleTimeoutSeconds: 30 is out of range; use 60 to 4000 (Rancher asks for 1800)"],
    ],
    [
      "an idle timeout above the ALB's maximum",
      l7({ idleTimeoutSeconds: 4001 }),
      ["idleTimeoutSeconds: 4001 is out of range; use 60 to 4000 (Rancher asks for 1800)"],
    ],
  ]);
});

describe("config validator: the ALB's TLS policy (components/data/elb-security-policies.json)", () => {
  const notAPolicy = (p: string, near = "") =>
    `sslPolicy: "${p}" is not an ELB security policy for an ALB${near} (the policies are in components/data/elb-security-policies.json; recommended: ELBSecurityPolicy-TLS13-1-2-2021-06)`;
  validatorTable(checkLoadBalancer, [
    ["the recommended policy", policy("ELBSecurityPolicy-TLS13-1-2-2021-06"), []],
    ["a post-quantum policy", policy("ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"), []],
    ["a FIPS policy", policy("ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04"), []],
    ["a forward-secrecy policy", policy("ELBSecurityPolicy-FS-1-2-Res-2020-10"), []],
    [
      "a typo, with the nearest name",
      policy("ELBSecurityPolicy-TLS13-1-2-2021-07"),
      [
        notAPolicy(
          "ELBSecurityPolicy-TLS13-1-2-2021-07",
          "; did you mean ELBSecurityPolicy-TLS13-1-2-2021-06?",
        ),
      ],
    ],
    [
      "a name that does not exist",
      policy("ELBSecurityPolicy-TLS13-1-2-Extra-2021-06"),
      [
        notAPolicy(
          "ELBSecurityPolicy-TLS13-1-2-Extra-2021-06",
          "; did you mean ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06?",
        ),
      ],
    ],
    [
      "an NLB-only policy",
      policy("ELBSecurityPolicy-2015-05"),
      [notAPolicy("ELBSecurityPolicy-2015-05", "; did you mean ELBSecurityPolicy-2016-08?")],
    ],
    [
      "a policy allowing TLS 1.1",
      policy("ELBSecurityPolicy-TLS13-1-1-2021-06"),
      [
        `sslPolicy: "ELBSecurityPolicy-TLS13-1-1-2021-06" allows TLS below 1.2 (from TLS 1.1); use ELBSecurityPolicy-TLS13-1-2-2021-06`,
      ],
    ],
    [
      "the API's outdated default",
      policy("ELBSecurityPolicy-2016-08"),
      [
        `sslPolicy: "ELBSecurityPolicy-2016-08" allows TLS below 1.2 (from TLS 1.0); use ELBSecurityPolicy-TLS13-1-2-2021-06`,
      ],
    ],
  ]);
});
