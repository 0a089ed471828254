import { fireEvent, render } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { commands, type Progress } from "../bindings";
import { nav, studio } from "../lib/state.svelte";
import { err, ok, opened, progress, settle, sourceFootprint } from "../test/fakes";
import Footprint from "./Footprint.svelte";

vi.mock("../bindings", async () => (await import("../test/fakes")).bindingsMock());
vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakes")).coreMock());

const cmd = vi.mocked(commands);
const MIB = 1048576;
const el = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const txt = (id: string) => el(id).textContent!.replace(/\s+/g, " ").trim();
type Answer = Awaited<ReturnType<typeof commands.computeFootprint>>;

async function slide(mib: number): Promise<void> {
  const s = el<HTMLInputElement>("fp-slider");
  s.value = String(mib);
  await fireEvent.input(s);
}

describe("Footprint & fragments screen", () => {
  beforeEach(async () => {
    studio.outDir = "/home/admin/ocs-packages";
    await studio.analyze("/apps/Mon Appli");
    studio.outDir = "/home/admin/ocs-packages";
    nav.screen = "footprint";
  });

  it("measures on opening (the folder until a manifest is saved), and again only when the OS or priority changed", async () => {
    const view = render(Footprint);
    await settle();
    expect(cmd.computeFootprint).toHaveBeenCalledTimes(1);
    expect(cmd.computeFootprint.mock.calls[0][0]).toEqual({ source: "/apps/Mon Appli", os: "windows", priority: 5, cycle: null });
    view.unmount();
    const again = render(Footprint);
    await settle();
    expect(cmd.computeFootprint).toHaveBeenCalledTimes(1);
    again.unmount();

    // Saved since, and another priority: the plans depend on it.
    studio.opened = opened({ saved: true });
    studio.manifest!.package.priority = 3;
    render(Footprint);
    await settle();
    expect(cmd.computeFootprint).toHaveBeenCalledTimes(2);
    expect(cmd.computeFootprint.mock.calls[1][0]).toEqual({ source: "/apps/Mon Appli/package.toml", os: "windows", priority: 3, cycle: null });
  });

  it("shows the measure's progress, and cancel asks the core to stop", async () => {
    let finish: (a: Answer) => void = () => {};
    cmd.computeFootprint.mockReturnValueOnce(new Promise<Answer>((r) => (finish = r)));
    render(Footprint);
    await settle();
    expect(studio.busy).toBe(true);
    const channel = cmd.computeFootprint.mock.calls[0][1] as unknown as { onmessage: (p: Progress) => void };
    channel.onmessage(progress("compressing", 1024, 4096, "Mon Appli.msi"));
    await settle();
    expect(el("fp-progress").textContent).toContain("Compression");
    expect(el("fp-progress").querySelector(".bar > div")!.getAttribute("style")).toContain("scaleX(0.25)");
    await fireEvent.click(el("fp-cancel"));
    expect(cmd.cancelBuild).toHaveBeenCalledTimes(1);
    finish(err("cancelled", "cancelled by the user"));
    await settle();
    expect(document.getElementById("fp-progress")).toBeNull();
    expect(el("fp-error").dataset.code).toBe("cancelled");
    expect(studio.busy).toBe(false);
    await fireEvent.click(el("fp-measure"));
    await settle();
    expect(cmd.computeFootprint).toHaveBeenCalledTimes(2);
    expect(document.getElementById("fp-error")).toBeNull();
    expect(document.getElementById("fp-bar")).not.toBeNull();
  });

  it("measures again on opening when the last measure did not go through", async () => {
    cmd.computeFootprint.mockResolvedValueOnce(err("cancelled", "cancelled by the user"));
    const view = render(Footprint);
    await settle();
    expect(el("fp-error").dataset.code).toBe("cancelled");
    view.unmount();
    render(Footprint);
    await settle();
    expect(cmd.computeFootprint).toHaveBeenCalledTimes(2);
    expect(document.getElementById("fp-error")).toBeNull();
    expect(txt("fp-count")).toBe("8");
  });

  it("draws each phase against the agent's check, the procedure's advice and this computer, with the verdict", async () => {
    render(Footprint);
    await settle();
    const rows = [...document.querySelectorAll<HTMLElement>("#fp-bar .fp-track")];
    expect(rows.map((r) => r.dataset.phase)).toEqual(["download", "reassemble", "unpack", "install"]);
    // The scale is the largest figure (200 MiB) and a margin: 108 %.
    const width = (r: HTMLElement) => parseFloat((r.firstElementChild as HTMLElement).style.width);
    expect(width(rows[0])).toBeCloseTo((40 / 216) * 100, 1);
    expect(width(rows[3])).toBeCloseTo((200 / 216) * 100, 1);
    expect(rows[3].firstElementChild!.classList.contains("peak")).toBe(true);
    expect(rows[2].firstElementChild!.classList.contains("peak")).toBe(false);
    expect(parseFloat(el("fp-agent").style.left)).toBeCloseTo((120 / 216) * 100, 1);
    expect(parseFloat(el("fp-seed").style.left)).toBeCloseTo((200 / 216) * 100, 1);
    expect(txt("fp-agent")).toBe("Refus de l'agent (3 × le paquet) : 120 Mio");
    expect(txt("fp-seed")).toBe("Conseil de la procédure (5 × le paquet) : 200 Mio");
    // The output folder's disk (/home), beyond the scale.
    expect(txt("fp-local")).toBe("Cet ordinateur → : 4,9 Gio libres sur /home (disque du dossier de sortie) — assez pour ce paquet");
    expect(el("fp-local").classList.contains("off-scale")).toBe(true);
    expect(txt("fp-verdict")).toBe(
      "Chaque PC a besoin de 200 Mio libres sur le disque de l'agent (C:) : l'agent refuse en dessous de 120 Mio, le déploiement culmine à 200 Mio.",
    );
    expect([...document.querySelectorAll("#fp-advice li")].map((li) => li.textContent!.trim())).toEqual([
      "L'agent ne vérifie que 120 Mio (3 × le paquet) mais le déploiement culmine à 200 Mio : un PC entre les deux accepte le paquet puis échoue pendant l'installation.",
    ]);
  });

  it("takes the disk with most free space when no disk holds the output folder, and says so", async () => {
    studio.outDir = "D:\\paquets";
    cmd.computeFootprint.mockResolvedValueOnce(
      ok(
        sourceFootprint({
          footprint: {
            ...sourceFootprint().footprint,
            local_disks: [
              { mount_point: "/", available_bytes: 150 * MIB, total_bytes: 1000 * MIB, enough: false },
              { mount_point: "/data", available_bytes: 180 * MIB, total_bytes: 1000 * MIB, enough: false },
            ],
            advice: [{ kind: "split_large_package", archive_bytes: 600 * MIB }],
          },
        }),
      ),
    );
    render(Footprint);
    await settle();
    expect(txt("fp-local")).toBe("Cet ordinateur : 180 Mio libres sur /data (disque le plus libre) — pas assez pour ce paquet");
    expect(el("fp-local").classList.contains("short")).toBe(true);
    expect(parseFloat(el("fp-local").style.left)).toBeCloseTo((180 / 216) * 100, 1);
    expect(txt("fp-advice")).toMatch(/^Le paquet fait 600 Mio : découpez-le en plusieurs paquets plus petits/);
  });

  it("reads the fragment count, sizes and delivery time from the plans while the slider moves, without asking the core", async () => {
    render(Footprint);
    await settle();
    const slider = el<HTMLInputElement>("fp-slider");
    expect([slider.min, slider.max, slider.step, slider.type]).toEqual(["1", "100", "1", "range"]);
    expect(slider.value).toBe("5");
    expect(txt("fp-count")).toBe("8");
    expect(txt("fp-sizes")).toBe("5 Mio / 5 Mio");
    expect(txt("fp-time")).toBe("15 min 00 s");
    const asked = cmd.computeFootprint.mock.calls.length;

    for (const n of [6, 12, 20, 33]) await slide(n);
    expect(studio.manifest!.fragments.size).toBe("33MiB");
    expect(txt("fp-mib")).toBe("33 Mio");
    expect(txt("fp-count")).toBe("2");
    expect(txt("fp-sizes")).toBe("33 Mio / 7 Mio");
    expect(txt("fp-time")).toBe("5 min 00 s");
    expect([...document.querySelectorAll<HTMLElement>("#fp-notes li")].map((li) => [li.dataset.note, li.textContent])).toEqual([
      ["large_fragments", "Gros fragments : de longs téléchargements, qui reprennent de zéro quand un PC se met en veille ou perd le réseau."],
    ]);
    expect(el("fp-notes").hasAttribute("lang")).toBe(false);
    expect(el("fp-chart-marker").dataset.mib).toBe("33");
    await slide(1);
    expect(txt("fp-count")).toBe("40");
    expect(txt("fp-time")).toBe("1 h 08 min");
    expect(txt("fp-notes")).toBe("Petits fragments : il faut plus de passages de l'agent, le paquet arrive plus tard.");
    await slide(7);
    expect(document.getElementById("fp-notes")).toBeNull();
    expect(cmd.computeFootprint).toHaveBeenCalledTimes(asked);
    expect(cmd.checkManifest).not.toHaveBeenCalled();
  });

  it("marks the procedure's band under the slider and on the chart, with the chosen size", async () => {
    render(Footprint);
    await settle();
    const band = el("fp-band");
    expect(parseFloat(band.style.left)).toBeCloseTo((4 / 99) * 100, 2);
    expect(parseFloat(band.style.width)).toBeCloseTo((5 / 99) * 100, 2);
    expect(txt("fp-band-label")).toBe("5 à 10 Mio : conseillé par la procédure");
    const chart = el("fp-chart");
    expect(chart.tagName.toLowerCase()).toBe("svg");
    expect(chart.querySelector("title")!.textContent).toBe("Durée de livraison par PC selon la taille des fragments");
    expect(el("fp-chart-band")).not.toBeNull();
    expect(el("fp-chart-line").getAttribute("points")!.split(" ")).toHaveLength(100);
    const labels = [...chart.querySelectorAll(".axis-label")].map((t) => t.textContent);
    expect(labels).toEqual(["Taille des fragments (Mio)", "Livraison par PC"]);
    const marker = el("fp-chart-marker").querySelector("line")!;
    const x5 = parseFloat(marker.getAttribute("x1")!);
    await slide(50);
    const x50 = parseFloat(el("fp-chart-marker").querySelector("line")!.getAttribute("x1")!);
    expect(x50).toBeGreaterThan(x5);
  });

  it("reads a size the manifest holds in bytes, and says when it is not a whole number of MiB", async () => {
    studio.manifest!.fragments.size = 7 * MIB;
    render(Footprint);
    await settle();
    expect(el<HTMLInputElement>("fp-slider").value).toBe("7");
    expect(document.getElementById("fp-size-note")).toBeNull();
    studio.manifest!.fragments.size = "512KiB";
    await settle();
    expect(el<HTMLInputElement>("fp-slider").value).toBe("1");
    expect(txt("fp-size-note")).toBe("Le manifeste indique 512 Kio : le curseur le remplacera par un nombre entier de Mio.");
  });

  it("says why there is no delivery plan, with the priority and the period length", async () => {
    cmd.computeFootprint.mockResolvedValueOnce(ok(sourceFootprint({ plans: [], plan_error: { kind: "never_downloaded", priority: 9, period: 5 } })));
    render(Footprint);
    await settle();
    expect(el("fp-plan-error").dataset.kind).toBe("never_downloaded");
    expect(el("fp-plan-error").querySelector("strong")!.textContent).toBe("Pas de plan de livraison");
    expect(txt("fp-plan-error")).toContain(
      "Les agents ne téléchargent jamais un paquet de priorité 9 : elle dépasse la longueur de période du serveur (5 cycles). Choisissez une priorité de 1 à 5, ou faites augmenter la longueur de période du serveur (DOWNLOAD_PERIOD_LENGTH).",
    );
    expect(el("fp-plan-error").querySelector("[lang]")).toBeNull();
    expect(txt("fp-count")).toBe("—");
    expect(txt("fp-time")).toBe("—");
    expect(document.getElementById("fp-chart")).toBeNull();
    expect(document.getElementById("fp-band")).toBeNull();
    expect(document.getElementById("fp-bar")).not.toBeNull();
  });

  it("words the other reasons for no plan: no cycle at all, and sizes that cannot be cut (the core's detail kept)", async () => {
    cmd.computeFootprint.mockResolvedValueOnce(ok(sourceFootprint({ plans: [], plan_error: { kind: "no_cycle" } })));
    const view = render(Footprint);
    await settle();
    expect(txt("fp-plan-error")).toContain(
      "La longueur de période du serveur est de 0 cycle : les agents n'auraient aucun cycle pour télécharger. Faites-la régler sur le serveur (DOWNLOAD_PERIOD_LENGTH).",
    );
    view.unmount();

    cmd.computeFootprint.mockResolvedValueOnce(ok(sourceFootprint({ plans: [], plan_error: { kind: "fragments", message: "the package would need 100001 fragments" } })));
    await studio.measureFootprint();
    render(Footprint);
    await settle();
    expect(el("fp-plan-error").dataset.kind).toBe("fragments");
    expect(txt("fp-plan-error")).toContain("Le paquet ne peut pas être découpé à ces tailles :");
    expect(el("fp-plan-error").querySelector("[lang=en]")!.textContent).toBe("the package would need 100001 fragments");
  });

  it("takes the agent's and the procedure's factors from the core", async () => {
    const f = sourceFootprint().footprint;
    cmd.computeFootprint.mockResolvedValueOnce(ok(sourceFootprint({ footprint: { ...f, agent_factor: 4, seed_factor: 6 } })));
    render(Footprint);
    await settle();
    expect(txt("fp-agent")).toBe("Refus de l'agent (4 × le paquet) : 120 Mio");
    expect(txt("fp-seed")).toBe("Conseil de la procédure (6 × le paquet) : 200 Mio");
    expect(txt("fp-advice")).toMatch(/^L'agent ne vérifie que 120 Mio \(4 × le paquet\)/);
  });
});
