import { fireEvent, render, screen } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { commands, type Progress } from "../bindings";
import { locale } from "../lib/locale.svelte";
import { nav, server, studio } from "../lib/state.svelte";
import { buildReport, err, ok, progress, settle, verifyOk } from "../test/fakes";
import Build from "./Build.svelte";

vi.mock("../bindings", async () => (await import("../test/fakes")).bindingsMock());
vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakes")).coreMock());

const cmd = vi.mocked(commands);
type Answer = Awaited<ReturnType<typeof commands.buildPackage>>;

/** Starts a build that the test finishes itself; returns the progress channel and the answer function. */
async function startBuild() {
  await studio.analyze("/apps/Mon Appli");
  let finish: (a: Answer) => void = () => {};
  cmd.buildPackage.mockReturnValueOnce(new Promise<Answer>((r) => (finish = r)));
  const done = studio.build(false);
  await settle(); // the manifest is saved first
  const channel = cmd.buildPackage.mock.calls[0][1] as unknown as { onmessage: (p: Progress) => void };
  return { channel, finish, done };
}

describe("Build screen", () => {
  beforeEach(() => {
    vi.spyOn(performance, "now").mockReturnValue(10_000);
  });

  it("shows the progress of the build, and cancel asks the core to stop", async () => {
    const { channel, finish, done } = await startBuild();
    render(Build);
    expect(nav.screen).toBe("build");
    expect(document.getElementById("progress")!.textContent).toContain("Lecture des fichiers");
    channel.onmessage(progress("compressing", 1024, 4096, "Mon Appli.msi"));
    await settle();
    expect(document.querySelector(".progress-head")!.textContent).toBe("Compression1 Kio / 4 Kio");
    expect((document.querySelector(".bar > div") as HTMLElement).style.transform).toBe("scaleX(0.25)");
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("25");
    expect(screen.getByText("Mon Appli.msi")).toBeTruthy();

    await fireEvent.click(screen.getByRole("button", { name: "Annuler" }));
    expect(cmd.cancelBuild).toHaveBeenCalledTimes(1);
    finish(err("cancelled", "cancelled by the user"));
    await done;
    expect(nav.screen).toBe("analysis");
    expect(studio.buildError?.code).toBe("cancelled");
  });

  it("keeps progress updates cheap: a burst in the same instant shows the first and the end", async () => {
    const { channel, finish, done } = await startBuild();
    render(Build);
    channel.onmessage(progress("compressing", 100, 1000));
    channel.onmessage(progress("compressing", 200, 1000));
    channel.onmessage(progress("compressing", 300, 1000));
    await settle();
    expect(studio.progress?.done).toBe(100);
    channel.onmessage(progress("done", 1000, 1000));
    await settle();
    expect(document.querySelector(".progress-head strong")!.textContent).toBe("Terminé");
    finish(ok(buildReport()));
    await done;
  });

  it("shows what was built, then the offline verification", async () => {
    let verified: (v: ReturnType<typeof ok<ReturnType<typeof verifyOk>>>) => void = () => {};
    cmd.verifyPackage.mockReturnValueOnce(new Promise((r) => (verified = r)));
    const { finish, done } = await startBuild();
    render(Build);
    finish(ok(buildReport()));
    await settle();
    expect(document.getElementById("package-id")!.textContent).toBe("1796018654");
    expect(document.getElementById("result")!.textContent).toContain("✔ Paquet construit — Mon Appli 2.1.0");
    expect(document.getElementById("fragments")!.textContent).toBe("1 — 3,4 Kio");
    expect(screen.getByText("0,01 s")).toBeTruthy();
    expect(document.getElementById("info-file")!.textContent).toBe('<DOWNLOAD ID="1796018654" ACT="LAUNCH" />');
    expect(document.getElementById("verify-ok")).toBeNull();
    expect(cmd.verifyPackage).toHaveBeenCalledWith("/home/admin/ocs-packages/1796018654");

    verified(ok(verifyOk()));
    await done;
    await settle();
    expect(document.getElementById("verify-ok")!.textContent).toMatch(/^✔ L'agent acceptera ce paquet/);
    const toPublish = document.getElementById("to-publish") as HTMLButtonElement;
    expect(toPublish.disabled).toBe(false);
    await fireEvent.click(toPublish);
    expect(nav.screen).toBe("publish");
    expect(server.pub?.name).toBe("Mon Appli 2.1.0");
  });

  it("lists the verification's problems with their fix, and refuses to publish a package the agent would refuse", async () => {
    cmd.verifyPackage.mockResolvedValueOnce(
      ok(
        verifyOk({
          ok: false,
          problems: [
            { severity: "error", code: "digest", message: "the digest does not match", fix: "build again" },
            { severity: "warning", code: "big", message: "large package", fix: "split it" },
          ],
        }),
      ),
    );
    const { finish, done } = await startBuild();
    render(Build);
    finish(ok(buildReport()));
    await done;
    await settle();
    const items = [...document.querySelectorAll("#problems li")];
    expect(items.map((li) => li.className)).toEqual(["error", "warning"]);
    expect(items[0].querySelector("strong")!.textContent).toBe("Erreur");
    expect(items[0].textContent).toContain("the digest does not match");
    expect(items[0].textContent).toContain("Correction : build again");
    expect(items[1].querySelector("strong")!.textContent).toBe("Attention");
    expect(document.getElementById("verify-ok")).toBeNull();
    expect((document.getElementById("to-publish") as HTMLButtonElement).disabled).toBe(true);
  });

  it("says when the verification itself failed", async () => {
    cmd.verifyPackage.mockResolvedValueOnce(err("verify", "cannot read /out/1/info"));
    const { finish, done } = await startBuild();
    render(Build);
    finish(ok(buildReport({ warnings: [{ code: "execute_file_missing", message: "a warning of the build" }] })));
    await done;
    await settle();
    expect(document.getElementById("verify-error")!.textContent).toContain("cannot read /out/1/info");
    const w = document.querySelector<HTMLElement>("#result .warn")!;
    expect(w.dataset.code).toBe("execute_file_missing");
    expect(w.querySelector("strong")!.textContent).toBe("Programme de la commande absent du paquet");
    expect(w.querySelector("span[lang=en]")!.textContent).toBe("a warning of the build");
  });

  it("shows the rate and the time left from successive progress reports, per stage", async () => {
    const MIB = 1048576;
    const now = vi.mocked(performance.now);
    const { channel, finish, done } = await startBuild();
    render(Build);
    const rate = () => document.getElementById("build-rate")!.textContent;
    const eta = () => document.getElementById("build-eta")!.textContent;
    expect(rate()).toBe("débit en cours de mesure…");
    expect(eta()).toBe("");
    now.mockReturnValue(10_000);
    channel.onmessage(progress("compressing", 0, 100 * MIB));
    now.mockReturnValue(11_000);
    channel.onmessage(progress("compressing", 10 * MIB, 100 * MIB));
    await settle();
    expect(rate()).toBe("10 Mio/s");
    expect(eta()).toBe("encore environ 9 s");
    now.mockReturnValue(13_000);
    channel.onmessage(progress("compressing", 40 * MIB, 100 * MIB));
    await settle();
    expect(rate()).toBe("13,3 Mio/s");
    expect(eta()).toBe("encore environ 5 s");
    locale.set("en");
    await settle();
    expect(rate()).toBe("13.3 MiB/s");
    expect(eta()).toBe("about 5 s left");
    // A new stage is measured afresh.
    now.mockReturnValue(13_500);
    channel.onmessage(progress("fragmenting", 1 * MIB, 40 * MIB));
    await settle();
    expect(rate()).toBe("measuring the rate…");
    now.mockReturnValue(14_500);
    channel.onmessage(progress("fragmenting", 21 * MIB, 40 * MIB));
    await settle();
    expect(rate()).toBe("20 MiB/s");
    expect(eta()).toBe("about 1 s left");
    finish(ok(buildReport()));
    await done;
  });

  it("saves every choice to package.toml before building, and builds even when it cannot be saved", async () => {
    cmd.savePackage.mockResolvedValueOnce(err("output", "cannot write /apps/Mon Appli/package.toml: read-only file system"));
    await studio.analyze("/apps/Mon Appli");
    studio.manifest!.package.version = "2.2";
    await studio.build(false);
    expect(cmd.savePackage).toHaveBeenCalledTimes(1);
    const [file, saved] = cmd.savePackage.mock.calls[0];
    expect(file).toBe("/apps/Mon Appli/package.toml");
    expect(saved.package.version).toBe("2.2");
    expect(cmd.savePackage.mock.invocationCallOrder[0]).toBeLessThan(cmd.buildPackage.mock.invocationCallOrder[0]);
    expect(cmd.buildPackage).toHaveBeenCalledTimes(1);
    expect(studio.saveError?.code).toBe("output");
    expect(studio.opened?.saved).toBe(false);

    await studio.build(false);
    expect(studio.saveError).toBeUndefined();
    expect(studio.opened?.saved).toBe(true);
    expect(studio.dirty).toBe(false);
  });

  it("says when an imported package sent its server's archive again, unchanged", async () => {
    const { finish, done } = await startBuild();
    render(Build);
    finish(ok(buildReport({ kept_archive: true })));
    await done;
    await settle();
    expect(document.getElementById("kept-archive")!.textContent).toBe(
      "Paquet importé dont les fichiers n'ont pas changé : l'archive d'origine du serveur est renvoyée telle quelle (même empreinte).",
    );
    locale.set("en");
    await settle();
    expect(document.getElementById("kept-archive")!.textContent).toMatch(/^Imported package with unchanged files/);
  });

  it("says nothing of a kept archive for an ordinary build", async () => {
    const { finish, done } = await startBuild();
    render(Build);
    finish(ok(buildReport()));
    await done;
    await settle();
    expect(document.getElementById("kept-archive")).toBeNull();
  });

  it("goes back to the start screen for another folder", async () => {
    const { finish, done } = await startBuild();
    render(Build);
    finish(ok(buildReport()));
    await done;
    await settle();
    await fireEvent.click(document.getElementById("another")!);
    expect(nav.screen).toBe("start");
  });
});
