import { fireEvent, render, screen } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { commands } from "../bindings";
import { nav, server } from "../lib/state.svelte";
import { computer, err, ok, session, settle } from "../test/fakes";
import Deploy from "./Deploy.svelte";

vi.mock("../bindings", async () => (await import("../test/fakes")).bindingsMock());
vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakes")).coreMock());

const cmd = vi.mocked(commands);
const pkg = { server_id: "1796018700", name: "Mon Appli 2.1.0" };
const key = session().key;
const pcs = [computer("1", "PC-ALPHA-01", "ALPHA"), computer("2", "PC-ALPHA-02", "ALPHA-2")];
const box = (id: string) => document.getElementById(id) as HTMLInputElement;
const gate = { ring: "ALPHA", machines: 2, finished: 2, succeeded: 2, rate: 100, threshold: 90, open: true, verdict: "passed" as const };

describe("Deploy screen", () => {
  beforeEach(() => {
    server.session = session();
    server.openDeploy(pkg);
  });

  it("searches by TAG and name, and checks every computer found", async () => {
    cmd.searchComputers.mockResolvedValueOnce(ok(pcs));
    render(Deploy);
    expect(screen.getByText(/^Déploiement — Mon Appli 2\.1\.0/)).toBeTruthy();
    expect((document.getElementById("affect") as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(box("dep-name"), { target: { value: " PC " } });
    await fireEvent.click(document.getElementById("dep-search")!);
    await settle();
    expect(cmd.searchComputers).toHaveBeenCalledWith(key, { tag: "ALPHA", name: "PC" });
    expect(document.getElementById("computer-count")!.textContent).toBe("2 ordinateur(s) trouvé(s)");
    expect(document.getElementById("computers")!.textContent).toContain("ALPHA-2");
    expect(box("pc-1").checked && box("pc-2").checked).toBe(true);
    expect(document.getElementById("affect")!.textContent).toBe("Affecter aux ordinateurs cochés (2)");
  });

  it("searches with Enter in the TAG field, and says when nothing matches", async () => {
    cmd.searchComputers.mockResolvedValueOnce(ok([]));
    render(Deploy);
    await fireEvent.input(box("dep-tag"), { target: { value: "" } });
    await fireEvent.keyDown(box("dep-tag"), { key: "Enter" });
    await settle();
    expect(cmd.searchComputers).toHaveBeenCalledWith(key, { tag: null, name: null });
    expect(document.getElementById("no-computer")!.textContent).toBe("Aucun ordinateur ne correspond.");
    expect((document.getElementById("affect") as HTMLButtonElement).disabled).toBe(true);
  });

  it("assigns the checked computers only, without a ring rule by default", async () => {
    cmd.searchComputers.mockResolvedValueOnce(ok(pcs));
    cmd.deployPackage.mockResolvedValueOnce(ok({ report: { server_id: pkg.server_id, enable_id: "42", assigned: [pcs[0]], already: [] }, gate: null }));
    render(Deploy);
    await fireEvent.click(document.getElementById("dep-search")!);
    await settle();
    await fireEvent.click(box("pc-2"));
    expect(document.getElementById("affect")!.textContent).toBe("Affecter aux ordinateurs cochés (1)");
    await fireEvent.click(document.getElementById("affect")!);
    await settle();
    expect(cmd.deployPackage).toHaveBeenCalledWith(key, pkg.server_id, [pcs[0]], null);
    expect(document.getElementById("deployed")!.textContent).toMatch(/^✔ 1 ordinateur\(s\) affecté\(s\) ; déjà affectés : 0$/);
  });

  it("checks the previous ring and assigns behind the rule, with the core's verdict in words", async () => {
    cmd.searchComputers.mockResolvedValueOnce(ok(pcs));
    cmd.checkRing.mockResolvedValueOnce(ok(gate));
    cmd.deployPackage.mockResolvedValueOnce(err("ring_gate", "ALPHA: 1 of 2 finished succeeded (50 %), below 90 %"));
    render(Deploy);
    await fireEvent.click(document.getElementById("dep-search")!);
    await settle();
    await fireEvent.click(box("ring-on"));
    await fireEvent.input(box("ring-after"), { target: { value: "PILOTE" } });
    await fireEvent.input(box("ring-min"), { target: { value: "80" } });
    await fireEvent.click(document.getElementById("ring-check")!);
    await settle();
    expect(cmd.checkRing).toHaveBeenCalledWith(key, pkg.server_id, { after: "PILOTE", min_success: 80 });
    const g = document.getElementById("gate")!;
    expect(g.className).toBe("ok");
    expect(g.textContent).toBe("✔ Anneau ALPHA : 2 réussite(s) sur 2 ordinateur(s) ayant terminé (100 %), seuil de 90 % atteint.");
    await fireEvent.click(document.getElementById("affect")!);
    await settle();
    expect(cmd.deployPackage.mock.calls[0][3]).toEqual({ after: "PILOTE", min_success: 80 });
    expect(document.getElementById("deploy-error")!.textContent).toContain("L'anneau précédent n'a pas assez réussi");
    expect(document.getElementById("deployed")).toBeNull();
  });

  it("takes 90 % when the minimum is left empty", async () => {
    cmd.checkRing.mockResolvedValueOnce(ok({ ...gate, open: false, verdict: "none_finished" }));
    render(Deploy);
    await fireEvent.input(box("ring-min"), { target: { value: "" } });
    await fireEvent.click(document.getElementById("ring-check")!);
    await settle();
    expect(cmd.checkRing).toHaveBeenCalledWith(key, pkg.server_id, { after: "ALPHA", min_success: 90 });
    expect(document.getElementById("gate")!.className).toBe("warn");
    expect(document.getElementById("gate")!.textContent).toMatch(/^✋ Aucun des 2 ordinateur\(s\)/);
  });

  it("keeps the filter but forgets the computers for another package", async () => {
    cmd.searchComputers.mockResolvedValueOnce(ok(pcs));
    render(Deploy);
    await fireEvent.input(box("dep-tag"), { target: { value: "BETA" } });
    await fireEvent.click(document.getElementById("dep-search")!);
    await settle();
    server.openDeploy({ server_id: "1", name: "Autre" });
    await settle();
    expect(box("dep-tag").value).toBe("BETA");
    expect(document.getElementById("computers")).toBeNull();
  });

  it("opens the results", async () => {
    render(Deploy);
    await fireEvent.click(document.getElementById("to-results")!);
    expect(nav.screen).toBe("results");
    expect(cmd.packageStats).toHaveBeenCalledWith(key, pkg.server_id);
  });
});
