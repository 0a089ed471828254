// While a 1 GiB folder builds, the window must keep drawing: the longest gap between animation frames is measured in
// the page, from the build's first progress report to the end of its verification. The window runs as the app sets
// itself up on this machine (no GPU: WebKit's compositing mode off), unlike the screenshot tests (see support.mjs).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Window, appearsInPage, framesSeen, watchFrames } from "./support.mjs";

const w = new Window("frames");
let driver;
const MIB = 1024 * 1024;

/** Waits until no agent run of an earlier test is left (at most 10 s), then a second for the rest to end. */
async function waitForQuiet() {
  for (let i = 0; i < 50 && spawnSync("pgrep", ["-f", "ocsinventory-agent"]).status === 0; i++) {
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, 1000));
}

describe("a long build in the window", () => {
  before(async () => {
    driver = await w.start({ screenshots: false });
    await w.byId("drop-zone");
  });

  after(async () => {
    await w.stop();
  });

  it("keeps drawing while a 1 GiB folder builds", async () => {
    const big = w.folder("Gros", { "install.bat": "@echo off\r\nexit /b 0\r\n" });
    // Half incompressible, half compressible (a 1 MiB text pattern repeated): both paths of the compressor.
    const rnd = crypto.randomBytes(MIB);
    const text = Buffer.from("OCS Package Studio ".repeat(Math.ceil(MIB / 19)).slice(0, MIB));
    for (const [name, chunk] of [["a.bin", rnd], ["b.txt", text]]) {
      const fd = fs.openSync(path.join(big, name), "w");
      for (let i = 0; i < 512; i++) fs.writeSync(fd, chunk);
      fs.fsyncSync(fd); // its writing-back is the test's load, not the build's
      fs.closeSync(fd);
    }
    // The measure is of this window, not of what ran before it: let an earlier test's agent and app processes end.
    await waitForQuiet();
    await w.step("start");
    await w.dropFolder(big);
    await driver.wait(async () => /^3 /.test(await (await w.byId("file-count")).getText().catch(() => "")), 60000);
    await w.fill("out-dir", path.join(w.work, "out-big"));
    const started = Date.now();
    await w.click("build");
    // While it builds: from its first progress report to the moment its result is put in the page.
    await w.byId("progress", 20000);
    await watchFrames(driver);
    const built = await appearsInPage(driver, "result", "error", 600000);
    const during = await framesSeen(driver);
    assert.equal(built, "result", "the build ends with its result");
    const seconds = (Date.now() - started) / 1000;
    // Then the screen change to the result and the offline verification (1 GiB read and hashed again).
    await watchFrames(driver);
    const verified = await appearsInPage(driver, "verify-ok", "error", 600000);
    const after = await framesSeen(driver);
    if (verified !== "verify-ok") await w.firstOf("verify-ok", "error", 1000);
    const line = (f) => `${f.count} frames, longest gap ${f.max.toFixed(0)} ms, gaps over 50 ms: ${JSON.stringify(f.gaps)}`;
    console.log(`1 GiB build: ${seconds.toFixed(1)} s; while building: ${line(during)}; result and verification: ${line(after)}`);
    assert.ok(during.count > seconds * 20, `the window drew ${during.count} frames in ${seconds} s of build`);
    // Measured (2 cores, Xvfb, no GPU, so WebKit's compositing mode off as the app sets it): on an earlier machine
    // 1.9-2.4 s of build, longest gap 43-75 ms (the screen change to the result included); with WebKit's software
    // OpenGL compositing it was 100-150 ms, with dozens of 50-100 ms gaps, and the build took 5-8 s. On the machine
    // of 2026-12-04 (kernel 6.18), 2.8-3.5 s of build with a 60-90 ms gap at each progress repaint and a longest gap
    // of 83-134 ms, from the first run on, for reasons not yet found (the compression threads are in the idle
    // scheduling class there too). The bound is set above what that machine gives; a freeze is seconds.
    assert.ok(during.max < 150, `longest gap between frames while building: ${during.max} ms`);
    // The verification reads and hashes the 1 GiB again (measured: longest gap about 20 ms).
    assert.ok(after.max < 100, `longest gap between frames during the verification: ${after.max} ms`);
    fs.rmSync(path.join(w.work, "out-big"), { recursive: true, force: true });
    fs.rmSync(big, { recursive: true, force: true });
  });
});
