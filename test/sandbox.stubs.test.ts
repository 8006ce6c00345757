// The sandbox's stubs themselves (test/sandbox/stubs): what the node script tests rely on.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Sandbox } from "./sandbox/sandbox";

describe("sandbox stubs", () => {
  let sb: Sandbox;
  beforeEach(() => (sb = new Sandbox()));
  afterEach(() => sb.cleanup());

  const ping = () => sb.runShell("curl -fsS https://10.0.0.10:9345/ping");

  it("a call cut off while it counted (an empty count file) leaves the next call its outcome", async () => {
    // What `timeout` does to a polled stub at a script's deadline, between truncating the count
    // file and writing it: a later run of the script must not find every call failing.
    sb.plan("curl.ping", "fail", "ok");
    fs.writeFileSync(path.join(sb.state, "curl.ping.count"), "");
    const first = await ping();
    assert.equal(first.code, 7, first.stderr);
    const second = await ping();
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, "pong");
    assert.equal(sb.count("curl.ping"), 2);
  });
});
