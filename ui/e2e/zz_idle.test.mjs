import { after, before, describe, it } from "node:test";
import { spawn } from "node:child_process";
import { Window, framesSeen, watchFrames } from "./support.mjs";
const w = new Window("idle");
let driver;
describe("idle", () => {
  before(async () => { driver = await w.start(); await w.byId("drop-zone"); });
  after(async () => { await w.stop(); });
  it("frames while the CLI builds", async () => {
    await new Promise((r) => setTimeout(r, 1500));
    await watchFrames(driver);
    const t0 = Date.now();
    const p = spawn("chrt", ["-i", "0", "ionice", "-c3", "/work/main/target/debug/ocs-studio", "build", "/tmp/bigsrc", "--out", "/tmp/bigout-" + Date.now()], { stdio: "ignore" });
    await new Promise((r) => p.on("exit", r));
    const secs = (Date.now() - t0) / 1000;
    const f = await framesSeen(driver);
    console.log(`CLI ${secs}s ${f.count} frames max ${Math.round(f.max)} gaps ${JSON.stringify(f.gaps.map(g => [g[0], g[1]]))}`);
  });
});
