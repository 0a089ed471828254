import { fireEvent, render, screen } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { commands } from "../bindings";
import { nav, studio } from "../lib/state.svelte";
import { buildReport, err, ok, opened, settle } from "../test/fakes";
import Analysis from "./Analysis.svelte";

vi.mock("../bindings", async () => (await import("../test/fakes")).bindingsMock());
vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakes")).coreMock());

const cmd = vi.mocked(commands);
const input = (id: string) => document.getElementById(id) as HTMLInputElement;

async function openFolder(o = opened()): Promise<void> {
  cmd.openPackage.mockResolvedValueOnce(ok(o));
  studio.outDir = "/out";
  await studio.analyze(o.folder);
}

describe("Analysis screen", () => {
  beforeEach(async () => {
    await openFolder();
  });

  it("shows what the core found: files, installers with their MSI properties, the action", () => {
    render(Analysis);
    expect(document.getElementById("file-count")!.textContent).toMatch(/^3 fichiers · 402,4 Kio$/);
    const installers = document.getElementById("installers")!.textContent!;
    expect(installers).toContain("Mon Appli.msi");
    expect(installers).toContain("Mon Appli · 2.1.0 · ACME Logiciels");
    expect(installers).toContain("ProductCode {12345678-1234-1234-1234-123456789ABC}");
    expect(installers).toContain("mode silencieux : /qn");
    expect(document.getElementById("summary")!.textContent).toContain("LAUNCH install.bat");
    expect(screen.getByText("aucun (valeurs par défaut de la procédure)")).toBeTruthy();
    const chips = [...document.querySelectorAll(".roots .chip")].map((c) => c.textContent);
    expect(chips).toEqual(["Mon Appli.msi", "config/", "install.bat"]);
    expect(document.querySelector(".roots .chip.dir")!.textContent).toBe("config/");
  });

  it("shows the analysis warnings and a saved manifest's file", async () => {
    const o = opened({ saved: true });
    o.analysis!.warnings = [{ code: "no_entry_script", message: "no install.bat at the root" }];
    o.analysis!.installers = [];
    await openFolder(o);
    render(Analysis);
    const w = document.querySelector<HTMLElement>(".analysis-warning")!;
    expect(w.dataset.code).toBe("no_entry_script");
    expect(w.querySelector("strong")!.textContent).toBe("Pas d'install.bat à la racine");
    expect(w.querySelector("span[lang=en]")!.textContent).toBe("no install.bat at the root");
    expect(w.textContent).toBe("⚠ Pas d'install.bat à la racine no install.bat at the root");
    expect(screen.getByText("/apps/Mon Appli/package.toml")).toBeTruthy();
    expect(screen.getByText("aucun installeur reconnu")).toBeTruthy();
  });

  it("fills the form from the manifest, priority 5 by default", () => {
    render(Analysis);
    expect(input("name").value).toBe("Mon Appli");
    expect(input("version").value).toBe("2.1.0");
    expect((document.getElementById("priority") as HTMLSelectElement).value).toBe("5");
    expect(input("out-dir").value).toBe("/out");
    // Labels are tied to their inputs.
    expect(screen.getByLabelText("Nom")).toBe(input("name"));
    expect(screen.getByLabelText("Priorité")).toBe(document.getElementById("priority"));
  });

  it("builds the manifest with the admin's changes", async () => {
    render(Analysis);
    await fireEvent.input(input("name"), { target: { value: "Mon Appli Pro" } });
    await fireEvent.input(input("version"), { target: { value: "2.2" } });
    const priority = document.getElementById("priority") as HTMLSelectElement;
    priority.selectedIndex = 2;
    await fireEvent.change(priority);
    await fireEvent.input(input("out-dir"), { target: { value: "/srv/out" } });
    await fireEvent.click(document.getElementById("build")!);
    await settle();
    expect(cmd.buildPackage).toHaveBeenCalledTimes(1);
    const [request] = cmd.buildPackage.mock.calls[0];
    expect(request.manifest_file).toBe("/apps/Mon Appli/package.toml");
    expect(request.out_dir).toBe("/srv/out");
    expect(request.keep_bad_names).toBe(false);
    expect(request.manifest.package).toMatchObject({ name: "Mon Appli Pro", version: "2.2", priority: 3 });
    expect(request.manifest.action).toEqual({ kind: "launch", file: "install.bat" });
    expect(nav.screen).toBe("build");
  });

  it("comes back with the build's error, and offers to keep Windows-unsafe names", async () => {
    cmd.buildPackage.mockResolvedValueOnce(err("windows_paths", "config/a:b.ini: ':' is not allowed on Windows"));
    // jsdom lays nothing out: record which element is brought into view.
    const scrolled: Element[] = [];
    Element.prototype.scrollIntoView = function (this: Element) {
      scrolled.push(this);
    };
    render(Analysis);
    await fireEvent.click(document.getElementById("build")!);
    await settle();
    expect(nav.screen).toBe("analysis");
    const box = document.getElementById("error")!;
    expect(box.textContent).toContain("Des noms de fichiers ne pourront pas être décompressés");
    // The error appears under the build button, often below the fold: it is scrolled into view, with its action.
    expect(scrolled).toEqual([box]);
    const keep = document.getElementById("keep-build")!;
    expect(box.contains(keep)).toBe(true);
    expect(keep.textContent).toBe("Les garder et construire quand même");

    cmd.buildPackage.mockResolvedValueOnce(ok(buildReport()));
    await fireEvent.click(keep);
    await settle();
    expect(cmd.buildPackage).toHaveBeenCalledTimes(2);
    expect(cmd.buildPackage.mock.calls[1][0].keep_bad_names).toBe(true);
    expect(nav.screen).toBe("build");
    expect(studio.report?.id).toBe(1796018654);
  });

  it("offers no keep-build for other errors", async () => {
    cmd.buildPackage.mockResolvedValueOnce(err("launch_file_missing", "install.bat is missing; the folder has setup.exe"));
    render(Analysis);
    await fireEvent.click(document.getElementById("build")!);
    await settle();
    const box = document.getElementById("error")!;
    expect(box.textContent).toMatch(/install\.bat/);
    expect(box.textContent).toMatch(/setup\.exe/);
    expect(document.getElementById("keep-build")).toBeNull();
    expect(box.querySelector(".actions")).toBeNull();
  });

  it("shows the folder being read while the core analyses it", async () => {
    let answer: (v: ReturnType<typeof ok<ReturnType<typeof opened>>>) => void = () => {};
    cmd.openPackage.mockReturnValueOnce(new Promise((r) => (answer = r)));
    const pending = studio.analyze("/apps/Autre");
    render(Analysis);
    expect(screen.getByText("Analyse du dossier…")).toBeTruthy();
    expect(screen.getByText("/apps/Autre")).toBeTruthy();
    expect(document.getElementById("build")).toBeNull();
    answer(ok(opened({ folder: "/apps/Autre" })));
    await pending;
    await settle();
    expect(document.getElementById("build")).not.toBeNull();
  });

  it("goes back to the start screen for another folder", async () => {
    render(Analysis);
    await fireEvent.click(document.getElementById("another")!);
    expect(nav.screen).toBe("start");
  });
});
