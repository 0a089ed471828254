// What the window tests share: the app under tauri-driver + WebKitWebDriver, screenshots, Tauri's native drop event,
// real MSIs from wixl, scratch folders.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Builder, By, until } from "selenium-webdriver";

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, "../..");
export const app = process.env.STUDIO_APP ?? path.join(root, "target/debug/ocs-studio-app");
export const shots = process.env.STUDIO_SCREENSHOTS ?? fs.mkdtempSync(path.join(os.tmpdir(), "studio-shots-"));
fs.mkdirSync(shots, { recursive: true });

/** One window session: the driver, a scratch folder and the app's settings inside it. */
export class Window {
  constructor(name) {
    this.work = fs.mkdtempSync(path.join(os.tmpdir(), `studio-${name}-`));
    // The app's settings (saved servers, texts, recent packages) go to a scratch folder, not the tester's own.
    process.env.XDG_CONFIG_HOME = path.join(this.work, "config");
  }

  /**
   * Starts the app under tauri-driver. `screenshots` (the default) keeps WebKit's compositing mode on: without a GPU
   * the app turns it off, and WebKitWebDriver's screenshots then never return (a WebKitGTK fault seen here). Tests
   * that take no screenshot run the app exactly as it sets itself up.
   */
  async start({ screenshots = true } = {}) {
    assert.ok(fs.existsSync(app), `build the app first (npm run app:build:debug): ${app}`);
    const env = screenshots ? { ...process.env, WEBKIT_DISABLE_COMPOSITING_MODE: "0" } : process.env;
    this.proc = spawn("tauri-driver", [], { stdio: "ignore", env });
    for (let i = 0; i < 100; i++) {
      try {
        if ((await fetch("http://127.0.0.1:4444/status")).ok) break;
      } catch {}
      await new Promise((r) => setTimeout(r, 100));
    }
    this.driver = await new Builder()
      .withCapabilities({ browserName: "wry", "tauri:options": { application: app } })
      .usingServer("http://127.0.0.1:4444/")
      .build();
    return this.driver;
  }

  async stop() {
    await this.driver?.quit().catch(() => {});
    this.proc?.kill();
    // The driver must be gone before the next session takes its port.
    await new Promise((r) => setTimeout(r, 300));
  }

  async shot(name) {
    // WebKit may hand back the previous frame right after a DOM change: let it paint first.
    await this.driver.sleep(400);
    fs.writeFileSync(path.join(shots, name), await this.driver.takeScreenshot(), "base64");
  }

  /** WebDriver cannot drag OS files: emit the event Tauri sends for a native drop. */
  async dropFolder(folder) {
    const err = await this.driver.executeAsyncScript((paths, done) => {
      window.__TAURI_INTERNALS__
        .invoke("plugin:event|emit_to", {
          target: { kind: "Webview", label: "main" },
          event: "tauri://drag-drop",
          payload: { paths, position: { x: 300, y: 200 } },
        })
        .then(() => done(), (e) => done(String(e)));
    }, [folder]);
    assert.equal(err ?? null, null, `drop event: ${err}`);
  }

  /** Waits for element `id`; fails with the text of `errorId` if that one shows up instead. */
  async firstOf(id, errorId, ms) {
    let found;
    try {
      found = await this.driver.wait(async () => {
        for (const k of [id, errorId]) {
          const els = await this.driver.findElements(By.id(k));
          if (els.length > 0) return els[0];
        }
        return false;
      }, ms);
    } catch (e) {
      await this.shot(`timeout-${id}.png`);
      throw new Error(`neither #${id} nor #${errorId} within ${ms} ms (screenshot timeout-${id}.png): ${e.message}`);
    }
    if ((await found.getAttribute("id")) === errorId) {
      await this.shot(`failed-${id}.png`);
      assert.fail(`${errorId}: ${await found.getText()}`);
    }
    return found;
  }

  async byId(id, ms = 15000) {
    return this.driver.wait(until.elementLocated(By.id(id)), ms);
  }

  /** Clicks element `id` once it is scrolled to the middle of the window (not under an edge or a scrollbar). */
  async click(id) {
    const el = await this.byId(id);
    await this.driver.executeScript((e) => e.scrollIntoView({ block: "center", inline: "center" }), el);
    await el.click();
    return el;
  }

  async fill(id, value) {
    const el = await this.byId(id, 10000);
    await el.clear();
    await el.sendKeys(value);
    return el;
  }

  /** Opens a step of the rail. */
  async step(id) {
    const b = await this.driver.wait(until.elementLocated(By.css(`.rail-step[data-step='${id}']`)), 10000);
    await this.driver.wait(until.elementIsEnabled(b), 10000);
    await b.click();
    await this.driver.wait(until.elementLocated(By.css(`#screen[data-screen='${id}']`)), 10000);
  }

  /** Sets an input's value as a user would (input + change events), for sliders and number fields. */
  async setValue(id, value) {
    await this.driver.executeScript(
      (id, v) => {
        const el = document.getElementById(id);
        const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), "value").set;
        setter.call(el, String(v));
        el.dispatchEvent(new Event("input", { bubbles: true }));
        el.dispatchEvent(new Event("change", { bubbles: true }));
      },
      id,
      value,
    );
  }

  folder(name, files) {
    const dir = path.join(this.work, name);
    for (const [rel, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), content);
    }
    return dir;
  }
}

/** A real MSI, built with Debian's wixl (as the core's tests do). */
export function realMsi(dir, file, product, version) {
  fs.mkdirSync(dir, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "studio-wxs-"));
  fs.writeFileSync(path.join(work, "payload.bin"), Buffer.alloc(400000, 3));
  fs.writeFileSync(
    path.join(work, "app.wxs"),
    `<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="${product}" Version="${version}" Manufacturer="ACME Logiciels" UpgradeCode="1B2C3D4E-5F60-4718-8293-A4B5C6D7E8F9" Language="1036">
    <Package InstallerVersion="200" Compressed="yes"/>
    <Media Id="1" Cabinet="app.cab" EmbedCab="yes"/>
    <Directory Id="TARGETDIR" Name="SourceDir"><Directory Id="ProgramFilesFolder"><Directory Id="INSTALLDIR" Name="App">
      <Component Id="Main" Guid="2B3C4D5E-6F70-4819-A2B3-C4D5E6F7A8B9"><File Id="P" Source="payload.bin"/></Component>
    </Directory></Directory></Directory>
    <Feature Id="F" Level="1"><ComponentRef Id="Main"/></Feature>
  </Product>
</Wix>`,
  );
  const r = spawnSync("wixl", ["-o", path.join(dir, file), "app.wxs"], { cwd: work });
  assert.equal(r.status, 0, `wixl failed: ${r.stderr}`);
}

/** Runs the real Unix agent as the ALPHA computer of the loopback server. */
export function runAgent(tag = "ALPHA") {
  const r = spawnSync("bash", [path.join(root, "scripts/ocs-server/agent-run.sh"), tag], { env: { ...process.env, OCS_AGENT_TIMEOUT: "60" } });
  assert.equal(r.status, 0, `agent-run.sh failed: ${r.stderr}`);
}

/** Starts measuring the longest gap between animation frames in the page (the window must keep drawing). */
export async function watchFrames(driver) {
  await driver.executeScript(() => {
    const w = window;
    // Each measure has its own record and its own frame loop: a loop stopped by framesSeen never writes into the next.
    const f = { max: 0, count: 0, start: 0, last: 0, on: true, gaps: [] };
    w.__frames = f;
    const tick = (t) => {
      if (!f.on) return;
      // Gaps are measured between frames, from the first one drawn after this script (not from the script's own run).
      if (f.count === 0) f.start = f.last = t;
      // Each long gap: its length, when it ended (ms after the start) and what the screen showed then.
      if (t - f.last > 50)
        f.gaps.push([
          Math.round(t - f.last),
          Math.round(t - f.start),
          document.getElementById("screen")?.dataset.screen,
          document.querySelector(".progress-head strong")?.textContent,
        ]);
      f.max = Math.max(f.max, t - f.last);
      f.last = t;
      f.count++;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

/**
 * Waits inside the page (a MutationObserver, one WebDriver call) until element `id` or `errorId` exists and returns
 * the id that showed up: polling with findElement from the test would itself take the page's time while frames are
 * measured.
 */
export async function appearsInPage(driver, id, errorId, ms) {
  await driver.manage().setTimeouts({ script: ms + 1000 });
  return driver.executeAsyncScript(
    (ids, ms, done) => {
      const seen = () => ids.find((k) => document.getElementById(k));
      if (seen()) return done(seen());
      const obs = new MutationObserver(() => {
        const k = seen();
        if (k) {
          obs.disconnect();
          done(k);
        }
      });
      obs.observe(document.body, { childList: true, subtree: true });
      setTimeout(() => {
        obs.disconnect();
        done(null);
      }, ms);
    },
    [id, errorId],
    ms,
  );
}

/** Stops the measure: { max (ms), count (frames) }. */
export async function framesSeen(driver) {
  return driver.executeScript(() => {
    window.__frames.on = false;
    return { max: window.__frames.max, count: window.__frames.count, gaps: window.__frames.gaps };
  });
}

export { By, until };
