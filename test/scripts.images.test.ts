// rke2-images.sh in the sandbox: archives are verified against the release's checksum file,
// downloads resume, attempts are bounded, and a re-run downloads nothing.
import * as assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import {
  Sandbox,
  TEST_VERSION,
  callsOf,
  expectFailure,
  expectOk,
  explain,
} from "./sandbox/sandbox";

const CORE = "rke2-images-core.linux-amd64.tar.zst";
const CANAL = "rke2-images-canal.linux-amd64.tar.zst";
const IMAGES = "/var/lib/rancher/rke2/agent/images";
const ARTIFACTS = "https://github.example/rancher/rke2/releases/download";

describe("scripts: rke2-images.sh", () => {
  let sb: Sandbox;
  let core: Buffer;
  let canal: Buffer;
  beforeEach(() => {
    sb = new Sandbox();
    core = randomBytes(64 * 1024);
    canal = randomBytes(16 * 1024);
    sb.publishRelease({ [CORE]: core, [CANAL]: canal });
    sb.setParams({ imageArchives: [CORE, CANAL], artifactUrl: ARTIFACTS });
  });
  afterEach(() => sb.cleanup());

  const staged = (name: string) => fs.readFileSync(sb.rootPath(`${IMAGES}/${name}`));
  const archiveCalls = (r: Awaited<ReturnType<Sandbox["run"]>>) =>
    callsOf(r, "curl").filter((c) => c.argv.at(-1)!.endsWith(".tar.zst"));
  const partialDir = () => sb.rootPath("/var/lib/rancher-ha/images-partial");

  it("downloads each archive of the pinned release, checks it and stages it where RKE2 imports it", async () => {
    const r = await sb.run("rke2-images");
    expectOk(r);
    assert.deepEqual(staged(CORE), core);
    assert.deepEqual(staged(CANAL), canal);
    assert.equal(sb.mode(`${IMAGES}/${CORE}`), 0o644);
    const urls = callsOf(r, "curl").map((c) => c.argv.at(-1));
    // install.sh's path: <artifact URL>/<version with + as %2B>/<file>.
    const base = `${ARTIFACTS}/${TEST_VERSION.replace("+", "%2B")}`;
    assert.deepEqual(urls, [`${base}/sha256sum-amd64.txt`, `${base}/${CORE}`, `${base}/${CANAL}`]);
    for (const c of archiveCalls(r)) {
      assert.ok(c.argv.includes("-C") && c.argv.includes("--max-time"), explain(r));
    }
    assert.deepEqual(callsOf(r, "systemctl"), [], "never touches rke2-server");
    assert.equal(fs.existsSync(partialDir()), false, "no partial download left behind");
  });

  it("a re-run downloads nothing but the checksum file", async () => {
    expectOk(await sb.run("rke2-images"));
    const r = await sb.run("rke2-images");
    expectOk(r);
    assert.deepEqual(archiveCalls(r), []);
    assert.match(r.stderr, new RegExp(`${CORE} is already staged; nothing to download`));
    assert.deepEqual(staged(CORE), core);
  });

  it("resumes a partial download where it stopped instead of starting over", async () => {
    sb.plan("curl.archive", "partial", "ok");
    const r = await sb.run("rke2-images");
    expectOk(r);
    assert.deepEqual(staged(CORE), core, "the resumed file is whole and verified");
    const offsets = sb.readState("curl.archive.offsets").trim().split("\n").map(Number);
    assert.deepEqual(offsets.slice(0, 2), [0, core.length / 2], explain(r));
    assert.match(
      r.stderr,
      /download of rke2-images-core\S* stopped \(curl exit 18\) with 32768 bytes; the next attempt resumes/,
    );
  });

  it("a partial file left by an earlier, interrupted run is resumed by the next run", async () => {
    sb.setParams({
      imageArchives: [CORE, CANAL],
      artifactUrl: ARTIFACTS,
      tuning: { downloadAttempts: 1 },
    });
    sb.plan("curl.archive", "partial", "ok");
    expectFailure(
      await sb.run("rke2-images"),
      /download of rke2-images-core\S* from .* failed after 1 attempts/,
    );
    assert.equal(sb.exists(`${IMAGES}/${CORE}`), false, "nothing half-written where RKE2 imports");
    const r = await sb.run("rke2-images");
    expectOk(r);
    assert.deepEqual(staged(CORE), core);
    const offsets = sb.readState("curl.archive.offsets").trim().split("\n").map(Number);
    assert.equal(offsets[1], core.length / 2, "the second run resumed at the first run's bytes");
  });

  it("refuses an archive whose checksum does not match, after bounded attempts, staging nothing", async () => {
    sb.plan("curl.archive", "corrupt");
    const r = await sb.run("rke2-images");
    expectFailure(r, /download of rke2-images-core\S* from .* failed after 3 attempts/);
    assert.match(
      r.stderr,
      /checksum mismatch for rke2-images-core\S*: expected [0-9a-f]{64}, got [0-9a-f]{64}; discarded the download/,
    );
    assert.equal(archiveCalls(r).length, 3, explain(r));
    assert.equal(sb.exists(`${IMAGES}/${CORE}`), false);
    assert.deepEqual(fs.readdirSync(partialDir()), [], "the bad download is discarded");
  });

  it("replaces a staged archive whose checksum is wrong (a new release, or a damaged file)", async () => {
    fs.mkdirSync(sb.rootPath(IMAGES), { recursive: true });
    fs.writeFileSync(sb.rootPath(`${IMAGES}/${CORE}`), "old release");
    const r = await sb.run("rke2-images");
    expectOk(r);
    assert.deepEqual(staged(CORE), core);
  });

  it("fails naming the archive when the release does not list it", async () => {
    sb.setParams({
      imageArchives: [CORE, "rke2-images-traefik.linux-amd64.tar.zst"],
      artifactUrl: ARTIFACTS,
    });
    const r = await sb.run("rke2-images");
    expectFailure(
      r,
      /rke2-images-traefik\.linux-amd64\.tar\.zst is not listed in .*sha256sum-amd64\.txt/,
    );
  });

  it("removes archives of ours the version no longer uses, and leaves other files alone", async () => {
    fs.mkdirSync(sb.rootPath(IMAGES), { recursive: true });
    fs.writeFileSync(sb.rootPath(`${IMAGES}/rke2-images-traefik.linux-amd64.tar.zst`), "1.35");
    fs.writeFileSync(sb.rootPath(`${IMAGES}/my-registry-images.txt`), "docker.io/x/y:1\n");
    const r = await sb.run("rke2-images");
    expectOk(r);
    assert.deepEqual(
      fs.readdirSync(sb.rootPath(IMAGES)).sort(),
      [CANAL, CORE, "my-registry-images.txt"].sort(),
    );
  });

  it("retries the checksum file, bounded", async () => {
    sb.plan("curl.checksums", "fail");
    const r = await sb.run("rke2-images");
    expectFailure(r, /download of .*sha256sum-amd64\.txt failed after 3 attempts/);
    assert.deepEqual(archiveCalls(r), []);
  });
});
