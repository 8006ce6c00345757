// The AWS side: `aws:region` must be a region, and an `aws:` key one or two letters from a
// provider setting is the typo it is (components/config/validators/aws.ts).
import * as assert from "node:assert/strict";
import { awsKeyProblems, checkRegion } from "../components/config/validators/aws";
import { validatorTable } from "./config-helpers";

describe("config validator: aws:region", () => {
  const cases: [string, string | undefined, string[]][] = [
    ["a region", "eu-central-2", []],
    ["a sovereign-cloud region", "eusc-de-east-1", []],
    ["no region", undefined, ["aws:region: not set; run: pulumi config set aws:region <region>"]],
    [
      "a typo, with the nearest region",
      "us-esat-1",
      [
        `aws:region: "us-esat-1" is not an AWS region; did you mean us-east-1? (e.g. us-east-1; the known regions are in components/data/aws-regions.json)`,
      ],
    ],
    [
      "a made-up region of the right shape",
      "us-east-9",
      [
        `aws:region: "us-east-9" is not an AWS region; did you mean us-east-1? (e.g. us-east-1; the known regions are in components/data/aws-regions.json)`,
      ],
    ],
  ];
  validatorTable(
    checkRegion,
    cases.map(([what, region, expected]) => [what, {}, expected, region ? { region } : {}]),
  );
});

describe("config: aws: keys", () => {
  const cases: [string, Record<string, string>, [string, string][]][] = [
    [
      "a typo'd aws:region",
      { "aws:regoin": "us-east-1" },
      [
        [
          "aws:regoin",
          `is not an AWS provider setting; did you mean "aws:region"? (pulumi config rm aws:regoin, then set aws:region)`,
        ],
      ],
    ],
    [
      "a typo'd aws:profile",
      { "aws:profle": "ops" },
      [
        [
          "aws:profle",
          `is not an AWS provider setting; did you mean "aws:profile"? (pulumi config rm aws:profle, then set aws:profile)`,
        ],
      ],
    ],
    [
      "legitimate provider keys, and one that is no near miss",
      {
        "aws:region": "us-east-1",
        "aws:profile": "ops",
        "aws:skipCredentialsValidation": "true",
        "aws:defaultTags": '{"tags":{"a":"b"}}',
        "aws:assumeRoles": "[]",
        "aws:accessKey": "AKIA",
        "aws:secretKey": "x",
        "aws:token": "t",
        "aws:somethingElseEntirely": "not a near miss",
        "rancher-ha:hostname": "not an aws: key",
      },
      [],
    ],
  ];
  for (const [what, raw, expected] of cases) {
    it(`${expected.length ? "reports" : "accepts"} ${what}`, () => {
      assert.deepEqual(awsKeyProblems(raw), expected);
    });
  }
});
