import { fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import App from "./App.svelte";
import { commands } from "./bindings";
import { LANG_STORAGE_KEY, locale } from "./lib/locale.svelte";
import { go, nav, server, studio } from "./lib/state.svelte";
import { buildReport, err, ok, session, settle, verifyOk } from "./test/fakes";

vi.mock("./bindings", async () => (await import("./test/fakes")).bindingsMock());
vi.mock("@tauri-apps/api/core", async () => (await import("./test/fakes")).coreMock());

const cmd = vi.mocked(commands);
const rail = () => screen.getByRole("navigation", { name: "Étapes" });
const step = (id: string) => rail().querySelector(`[data-step="${id}"]`) as HTMLButtonElement;
const enabled = () => [...rail().querySelectorAll("button")].filter((b) => !b.disabled).map((b) => b.dataset.step);

describe("App", () => {
  it("shows the header, the rail with the current step, and the start screen", () => {
    render(App);
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("OCS Package Studio");
    expect(screen.getByText("Paquets de télédéploiement OCS Inventory NG")).toBeTruthy();
    expect([...rail().querySelectorAll("ol button")].map((b) => b.textContent!.trim())).toEqual([
      "1 Accueil",
      "2 Analyse",
      "3 Paquet",
      "4 Notification",
      "5 Empreinte et fragments",
      "6 Construction",
      "7 Publication",
      "8 Déploiement",
      "9 Résultats",
    ]);
    expect(step("start").getAttribute("aria-current")).toBe("step");
    expect(step("analysis").hasAttribute("aria-current")).toBe(false);
    expect(enabled()).toEqual(["start", "server", "relays"]);
    expect(document.getElementById("drop-zone")).not.toBeNull();
    expect(screen.getByText("Aucun dossier ouvert")).toBeTruthy();
  });

  it("reaches the redistribution servers from the rail, in both languages", async () => {
    render(App);
    expect(step("relays").textContent!.trim()).toBe("⇶ Relais");
    await fireEvent.click(step("relays"));
    await settle();
    expect(nav.screen).toBe("relays");
    expect(step("relays").getAttribute("aria-current")).toBe("step");
    expect(cmd.relayList).toHaveBeenCalled();
    expect(cmd.relayDefaults).toHaveBeenCalled();
    expect(document.getElementById("relay-list")).not.toBeNull();
    await fireEvent.click(document.getElementById("lang")!);
    expect(document.querySelector("[data-step='relays']")!.textContent!.trim()).toBe("⇶ Redistribution servers");
    // Every control of the screen is a real, labelled one.
    for (const b of document.querySelectorAll("main button")) {
      expect(b.getAttribute("type")).toBe("button");
      expect(b.textContent!.trim(), b.outerHTML).not.toBe("");
    }
    for (const input of document.querySelectorAll("main input, main select, main textarea")) {
      expect(input.closest("label") ?? input.getAttribute("aria-label"), `label for #${input.id}`).toBeTruthy();
    }
  });

  it("switches between French and English, and remembers the choice", async () => {
    render(App);
    const lang = document.getElementById("lang")!;
    expect(lang.textContent).toBe("English");
    expect(document.getElementById("drop-zone")!.textContent).toContain("Déposez le dossier de l'application ici");
    await fireEvent.click(lang);
    expect(document.getElementById("drop-zone")!.textContent).toContain("Drop the application folder here");
    expect(lang.textContent).toBe("Français");
    expect(screen.getByRole("navigation", { name: "Steps" })).toBeTruthy();
    expect(document.documentElement.lang).toBe("en");
    expect(localStorage.getItem(LANG_STORAGE_KEY)).toBe("en");
    locale.reload();
    expect(locale.lang).toBe("en");
    await fireEvent.click(lang);
    expect(document.documentElement.lang).toBe("fr");
    expect(localStorage.getItem(LANG_STORAGE_KEY)).toBe("fr");
  });

  it("opens the steps as the work goes, and follows the package in the state box", async () => {
    cmd.pickFolder.mockResolvedValueOnce("/apps/Mon Appli");
    render(App);
    await fireEvent.click(document.getElementById("choose")!);
    await settle();
    expect(step("analysis").getAttribute("aria-current")).toBe("step");
    expect(enabled()).toEqual(["start", "analysis", "package", "notification", "footprint", "server", "relays"]);
    const box = document.querySelector(".pkg-box")!;
    expect(box.querySelector(".box-folder")!.textContent).toBe("Mon Appli");
    expect(box.querySelector(".box-name")!.textContent).toBe("Mon Appli 2.1.0");
    expect(box.querySelector(".box-built")!.textContent).toBe("pas encore construit");

    // The box follows what the admin types.
    await fireEvent.input(document.getElementById("version")!, { target: { value: "2.1.1" } });
    expect(box.querySelector(".box-name")!.textContent).toBe("Mon Appli 2.1.1");

    await fireEvent.click(document.getElementById("build")!);
    await settle();
    expect(nav.screen).toBe("build");
    expect(document.getElementById("verify-ok")).not.toBeNull();
    expect(enabled()).toEqual(["start", "analysis", "package", "notification", "footprint", "build", "publish", "server", "relays"]);
    expect(step("build").classList.contains("done")).toBe(true);
    // The build saved every choice first.
    expect(cmd.savePackage).toHaveBeenCalledTimes(1);
    expect(cmd.savePackage.mock.calls[0][1].package.version).toBe("2.1.1");
    expect(step("package").classList.contains("done")).toBe(true);
    expect(box.querySelector(".box-built")!.textContent).toBe("1796018654");
    expect(box.querySelector(".box-published")!.textContent).toBe("pas encore publié");

    // Back to the analysis through the rail: the form kept what was typed.
    await fireEvent.click(step("analysis"));
    expect((document.getElementById("version") as HTMLInputElement).value).toBe("2.1.1");

    await fireEvent.click(step("publish"));
    expect(document.getElementById("srv-url")).not.toBeNull();
    server.session = session();
    await settle();
    await fireEvent.click(document.getElementById("publish")!);
    await settle();
    expect(box.querySelector(".box-published")!.textContent).toBe("1796018700");
    expect(enabled()).toEqual(["start", "analysis", "package", "notification", "footprint", "build", "publish", "server", "relays"]);
    await fireEvent.click(document.getElementById("to-deploy")!);
    expect(step("deploy").getAttribute("aria-current")).toBe("step");
    expect(enabled()).toContain("results");
    await fireEvent.click(step("results"));
    expect(nav.screen).toBe("results");
  });

  it("keeps the admin on the build while the core works, and on the analysis after a failed build", async () => {
    let finish: (v: Awaited<ReturnType<typeof commands.buildPackage>>) => void = () => {};
    cmd.buildPackage.mockReturnValueOnce(new Promise((r) => (finish = r)));
    await studio.analyze("/apps/Mon Appli");
    render(App);
    await fireEvent.click(document.getElementById("build")!);
    expect(enabled()).toEqual(["build"]);
    await fireEvent.click(step("start"));
    expect(nav.screen).toBe("build");
    finish(err("windows_paths", "a:b"));
    await settle();
    expect(nav.screen).toBe("analysis");
    expect(document.getElementById("keep-build")).not.toBeNull();
    expect(enabled()).toEqual(["start", "analysis", "package", "notification", "footprint", "server", "relays"]);
  });

  it("does not offer to publish a package the verification refused", async () => {
    cmd.verifyPackage.mockResolvedValueOnce(ok(verifyOk({ ok: false, problems: [{ severity: "error", code: "x", message: "m", fix: "f" }] })));
    cmd.buildPackage.mockResolvedValueOnce(ok(buildReport()));
    await studio.analyze("/apps/Mon Appli");
    await studio.build(false);
    render(App);
    expect(step("build").getAttribute("aria-current")).toBe("step");
    expect(step("publish").disabled).toBe(true);
    expect(step("build").classList.contains("done")).toBe(false);
  });

  it("reaches every action with the keyboard: real buttons, labelled inputs", async () => {
    await studio.analyze("/apps/Mon Appli");
    render(App);
    const buttons = [...document.querySelectorAll("button")];
    expect(buttons.length).toBeGreaterThanOrEqual(10);
    for (const b of buttons) {
      expect(b.getAttribute("type")).toBe("button");
      expect(b.textContent!.trim(), b.outerHTML).not.toBe("");
    }
    for (const input of document.querySelectorAll("main input, main select")) {
      expect(input.closest("label") ?? input.getAttribute("aria-label"), `label for #${input.id}`).toBeTruthy();
    }
    // Nothing but real controls in the tab order (the start screen's drop zone is the one exception).
    go("start");
    await settle();
    expect([...document.querySelectorAll("[tabindex]:not([tabindex='-1'])")].map((e) => e.id)).toEqual(["drop-zone"]);
  });
});

describe("authoring screens", () => {
  it("open once a package is opened, with every control labelled and reachable", async () => {
    await studio.analyze("/apps/Mon Appli");
    render(App);
    for (const id of ["package", "notification", "footprint"]) {
      await fireEvent.click(step(id));
      await settle();
      expect(nav.screen).toBe(id);
      expect(step(id).getAttribute("aria-current")).toBe("step");
      const buttons = [...document.querySelectorAll("main button")];
      expect(buttons.length, id).toBeGreaterThan(0);
      for (const b of buttons) {
        expect(b.getAttribute("type")).toBe("button");
        expect(b.textContent!.trim(), b.outerHTML).not.toBe("");
      }
      for (const input of document.querySelectorAll("main input, main select, main textarea")) {
        expect(input.closest("label") ?? input.getAttribute("aria-label"), `${id}: label for #${input.id}`).toBeTruthy();
      }
      expect([...document.querySelectorAll("main [tabindex]:not([tabindex='-1'])")]).toEqual([]);
      expect(document.querySelectorAll("main iframe:not([sandbox=''])")).toHaveLength(0);
    }
    expect(document.getElementById("fp-chart")).not.toBeNull();
  });

  it("saves package.toml from the package box, and says when changes are not saved", async () => {
    await studio.analyze("/apps/Mon Appli");
    render(App);
    const box = document.querySelector(".pkg-box")!;
    expect(box.querySelector(".box-saved")!.textContent).toBe("pas encore enregistré");
    const save = document.getElementById("save-package")!;
    expect(save.textContent).toBe("Enregistrer package.toml");
    await fireEvent.click(save);
    await settle();
    expect(cmd.savePackage).toHaveBeenCalledWith("/apps/Mon Appli/package.toml", expect.objectContaining({ package: expect.objectContaining({ name: "Mon Appli" }) }));
    expect(studio.opened?.saved).toBe(true);
    expect(document.getElementById("save-ok")!.textContent).toBe("✔ Enregistré");
    expect(box.querySelector(".box-saved")!.textContent).toBe("package.toml");
    expect(step("package").classList.contains("done")).toBe(true);

    await fireEvent.input(document.getElementById("version")!, { target: { value: "2.2" } });
    expect(box.querySelector(".box-saved")!.textContent).toBe("Modifications non enregistrées");
    expect(document.getElementById("save-ok")).toBeNull();
    expect(step("package").classList.contains("done")).toBe(false);

    cmd.savePackage.mockResolvedValueOnce(err("manifest", "priority 0 is refused: it blocks every other package"));
    await fireEvent.click(save);
    await settle();
    expect(document.getElementById("save-error")!.textContent).toContain("priority 0 is refused");
    expect(box.querySelector(".box-saved")!.textContent).toBe("Modifications non enregistrées");
  });
});

describe("focus", () => {
  it("moves to the new screen when the button used went away with the old one", async () => {
    cmd.pickFolder.mockResolvedValueOnce("/apps/Mon Appli");
    render(App);
    const choose = document.getElementById("choose")!;
    choose.focus();
    await fireEvent.click(choose);
    await settle();
    expect(nav.screen).toBe("analysis");
    expect(document.activeElement).toBe(document.querySelector("main"));
  });
});

describe("focus at start", () => {
  it("is left at the top of the window when it opens", async () => {
    render(App);
    await settle();
    expect(document.activeElement).toBe(document.body);
  });
});
