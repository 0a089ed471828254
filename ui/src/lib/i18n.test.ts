import { describe, expect, it, vi } from "vitest";
import { count, dictionaries, formatSize, headline, initialLang, stepName } from "./i18n";
import { actionText, gateText, percent, progressLine, rootEntries, seconds, stepDetail, waitLeft } from "./format";
import { throttleProgress } from "./progress";
import { progress, publishReport } from "../test/fakes";

const { fr, en } = dictionaries;

describe("i18n", () => {
  it("has the same keys in both languages", () => {
    const keys = (o: object): string[] =>
      Object.entries(o)
        .flatMap(([k, v]) => (v && typeof v === "object" ? keys(v).map((s) => `${k}.${s}`) : [k]))
        .sort();
    expect(keys(en)).toEqual(keys(fr));
  });

  it("chooses French on a French system, English otherwise, and the saved choice first", () => {
    expect(initialLang(null, "fr-FR")).toBe("fr");
    expect(initialLang(null, "en-US")).toBe("en");
    expect(initialLang(null, "de-DE")).toBe("en");
    expect(initialLang("fr", "en-US")).toBe("fr");
    expect(initialLang("en", "fr-FR")).toBe("en");
    expect(initialLang("klingon", "fr-CA")).toBe("fr");
  });

  it("formats sizes in binary units, with the French decimal comma", () => {
    expect(formatSize(0, "fr")).toBe("0 o");
    expect(formatSize(3482, "fr")).toBe("3,4 Kio");
    expect(formatSize(3482, "en")).toBe("3.4 KiB");
    expect(formatSize(104857600, "en")).toBe("100 MiB");
    expect(formatSize(null, "en")).toBe("0 B");
  });

  it("counts with a singular for 0 and 1", () => {
    expect(count(1, "fragments")).toBe("1 fragment");
    expect(count(0, "fragments")).toBe("0 fragment");
    expect(count(3, "fragments")).toBe("3 fragments");
  });

  it("gives an error headline per code, and the generic word for an unknown one", () => {
    expect(headline(fr, "windows_paths")).toMatch(/PC Windows/);
    expect(headline(en, "login_refused")).toMatch(/refuses this user/);
    expect(headline(en, "nope" as never)).toBe("Error");
    expect(headline(fr, "toString" as never)).toBe("Erreur");
  });

  it("names publication steps, and keeps an unknown one as the core wrote it", () => {
    expect(stepName(fr, "check-served")).toBe("Relecture de ce que sert le serveur");
    expect(stepName(en, "install.bat")).toBe("install.bat");
  });
});

describe("format", () => {
  it("lists the top-level entries of a folder, folders with a slash", () => {
    const files = [{ path: "b/x", size: 1 }, { path: "a.txt", size: 1 }, { path: "b/y", size: 1 }, { path: "c/d/e", size: 1 }];
    expect(rootEntries(files)).toEqual([
      { name: "a.txt", isDir: false },
      { name: "b/", isDir: true },
      { name: "c/", isDir: true },
    ]);
    expect(rootEntries(files, 1)).toHaveLength(1);
  });

  it("words each publication step from its figures", () => {
    const rep = publishReport();
    const d = rep.steps.map((s) => stepDetail(fr, "fr", s.detail));
    expect(d[0]).toBe("1 fragment · 3,4 Kio · 6a6e38904e01a1dcddfc0e2758e4e517");
    expect(d[1]).toBe("3,4 Kio ≤ 100 Mio (valeur par défaut de Debian supposée)");
    expect(d[2]).toBe("nom libre");
    expect(d[3]).toBe("3,4 Kio envoyés ; la console a créé le paquet 1796018700");
    expect(stepDetail(en, "en", { kind: "replaced", moved: 3, old: "17" })).toBe("3 computer(s) moved from 17");
    expect(stepDetail(en, "en", { kind: "fragment_ratio", mib: 2 })).toBe("2 MiB");
    expect(stepDetail(en, "en", { kind: "within_upload_limit", bytes: 1024, limit: 2048, measured: true })).toBe("1 KiB ≤ 2 KiB");
  });

  it("words the direct publishing over SSH in both languages", () => {
    const over = { kind: "over_upload_limit" as const, bytes: 300 * 1048576, limit: 100 * 1048576, measured: true };
    expect(stepDetail(fr, "fr", over)).toBe("Au-dessus de la limite d'envoi de la console (300 Mio > 100 Mio) : publication directe par SSH");
    expect(stepDetail(en, "en", { ...over, measured: false })).toBe(
      "Above the console's upload limit (300 MiB > 100 MiB (Debian's default assumed)): published directly over SSH",
    );
    const copied = { kind: "direct_copied" as const, server_id: "1796018700", bytes: 3482, target: "root@ocs.example.com", download_dir: "/var/lib/ocsinventory-reports/download/", ms: 40 };
    expect(stepDetail(fr, "fr", copied)).toBe(
      "3,4 Kio copiés par SSH vers root@ocs.example.com:/var/lib/ocsinventory-reports/download/1796018700 et vérifiés ; lignes de la console écrites en une transaction",
    );
    expect(stepDetail(en, "en", copied)).toBe(
      "3.4 KiB copied over SSH to root@ocs.example.com:/var/lib/ocsinventory-reports/download/1796018700 and verified; the console's rows written in one transaction",
    );
    expect(stepName(fr, "direct-copy")).toBe("Copie directe par SSH");
    expect(stepName(en, "direct-copy")).toBe("Direct copy over SSH");
    expect(headline(fr, "ssh_unknown_host")).toMatch(/^Serveur SSH encore inconnu/);
    expect(headline(en, "no_relays")).toMatch(/^No redistribution server/);
  });

  it("words the ring gate in the window's language", () => {
    const g = { ring: "ALPHA", machines: 4, finished: 4, succeeded: 3, rate: 75, threshold: 90, open: false, verdict: "below_threshold" as const };
    expect(gateText(fr, "fr", g)).toBe(
      "Anneau ALPHA : 3 réussite(s) sur 4 ordinateur(s) ayant terminé (75 %), sous le seuil de 90 % : corrigez d'abord les échecs.",
    );
    expect(gateText(en, "en", { ...g, verdict: "not_deployed" })).toBe("No computer of ring ALPHA has the package: deploy to that ring first.");
  });

  it("shows the action as the info file writes it", () => {
    expect(actionText({ kind: "launch", file: "install.bat" })).toBe("LAUNCH install.bat");
    expect(actionText({ kind: "execute", command: 'msiexec /i "a.msi" /qn' })).toBe('EXECUTE msiexec /i "a.msi" /qn');
    expect(actionText({ kind: "store", path: "C:\\Apps" })).toBe("STORE C:\\Apps");
  });

  it("formats progress, durations and shares", () => {
    expect(progressLine(fr, "fr", progress("compressing", 512, 2048, "a.msi"), "scanning")).toEqual({
      stage: "Compression",
      amount: "512 o / 2 Kio",
      percent: 25,
      current: "a.msi",
    });
    expect(progressLine(en, "en", undefined, "verifying")).toEqual({ stage: "Verifying", amount: "", percent: 0, current: "" });
    expect(progressLine(en, "en", progress("uploading", 1, 1, "upload"), "scanning").current).toBe("Upload");
    expect(seconds(12, "fr")).toBe("0,01 s");
    expect(seconds(12500, "en")).toBe("12.5 s");
    expect(percent(1, 4)).toBe(25);
    expect(percent(1, 0)).toBe(0);
  });
});

describe("the stages of a download and of a wait", () => {
  it("words a scheduled wait from its figures: the time, and what is left, in both languages", () => {
    // 7980 s to wait, 600 s waited: 2 h 03 left.
    expect(progressLine(fr, "fr", progress("waiting", 600, 7980, "18:00"), "checking")).toEqual({
      stage: "En attente jusqu'à 18:00 (reste 2 h 03)",
      amount: "",
      percent: 8,
      current: "",
    });
    expect(progressLine(en, "en", progress("waiting", 600, 7980, "18:00"), "checking").stage).toBe("Waiting until 18:00 (2 h 03 left)");
    expect(progressLine(fr, "fr", progress("waiting", 7950, 7980, "18:00"), "checking").stage).toBe("En attente jusqu'à 18:00 (reste 30 s)");
    expect(progressLine(en, "en", progress("waiting", 0, 600, "06:30"), "checking").stage).toBe("Waiting until 06:30 (10 min left)");
    expect(progressLine(fr, "fr", progress("waiting", 0, 0, "06:30"), "checking").stage).toBe("En attente jusqu'à 06:30");
    expect(waitLeft(61, "fr")).toBe("2 min");
    expect(waitLeft(3600, "en")).toBe("1 h 00");
  });

  it("words a download: the stage, the fragment i/n, and what came down when no total is known", () => {
    expect(progressLine(fr, "fr", progress("downloading", 3 * 1048576, 0, "2/4"), "checking")).toEqual({
      stage: "Téléchargement depuis le serveur",
      amount: "3 Mio",
      percent: 0,
      current: "Fragment 2/4",
    });
    expect(progressLine(en, "en", progress("downloading", 1024, 4096, "1/4"), "checking")).toEqual({
      stage: "Downloading from the server",
      amount: "1 KiB / 4 KiB",
      percent: 25,
      current: "Fragment 1/4",
    });
    expect(fr.stages.waiting).toBe("En attente");
    expect(en.stages.downloading).toBe("Downloading from the server");
  });
});

describe("progress throttle", () => {
  it("passes at most one report per interval, but always a new stage and the end", () => {
    let now = 1000;
    const seen = vi.fn();
    const on = throttleProgress(seen, 100, () => now);
    on(progress("compressing", 1, 10));
    now += 10;
    on(progress("compressing", 2, 10)); // dropped: too soon
    now += 10;
    on(progress("fragmenting", 3, 10)); // new stage
    now += 10;
    on(progress("done", 10, 10)); // the end
    now += 200;
    on(progress("done", 10, 10));
    expect(seen.mock.calls.map(([p]) => `${p.stage}:${p.done}`)).toEqual(["compressing:1", "fragmenting:3", "done:10", "done:10"]);
  });
});
