import { describe, expect, it } from "vitest";
import { lineDiff } from "./diff";
import { canonicalJson, displayName, duration, fragmentMib, pickLocalDisk, slug } from "./format";
import { dictionaries, lintText, planBlockedText, warningHeadline } from "./i18n";
import { RateMeter } from "./progress";
import { lint, progress } from "../test/fakes";

const MIB = 1048576;

describe("line diff", () => {
  it("keeps the common lines and marks the removed and added ones, CRLF or LF", () => {
    expect(lineDiff("a\r\nb\r\nc\r\n", "a\nB\nc\nd\n")).toEqual([
      { kind: "same", text: "a" },
      { kind: "del", text: "b" },
      { kind: "add", text: "B" },
      { kind: "same", text: "c" },
      { kind: "add", text: "d" },
    ]);
    expect(lineDiff("", "x")).toEqual([{ kind: "add", text: "x" }]);
    expect(lineDiff("x\ny", "")).toEqual([
      { kind: "del", text: "x" },
      { kind: "del", text: "y" },
    ]);
    expect(lineDiff("same\n", "same")).toEqual([{ kind: "same", text: "same" }]);
  });
});

describe("authoring helpers", () => {
  it("words durations from seconds to days", () => {
    expect(duration(0, "fr")).toBe("0 s");
    expect(duration(44.6, "fr")).toBe("45 s");
    expect(duration(185, "en")).toBe("3 min 05 s");
    expect(duration(4100, "fr")).toBe("1 h 08 min");
    expect(duration(3 * 86400 + 7200, "fr")).toBe("3 j 02 h");
    expect(duration(3 * 86400 + 7200, "en")).toBe("3 d 02 h");
    expect(duration(null, "fr")).toBe("—");
  });

  it("reads the manifest's fragment size as it travels: whole units as text, else bytes", () => {
    expect(fragmentMib("5MiB")).toEqual({ bytes: 5 * MIB, mib: 5, exact: true });
    expect(fragmentMib(10 * MIB)).toEqual({ bytes: 10 * MIB, mib: 10, exact: true });
    expect(fragmentMib("1GiB")).toEqual({ bytes: 1024 * MIB, mib: 100, exact: false });
    expect(fragmentMib("512KiB")).toEqual({ bytes: 512 * 1024, mib: 1, exact: false });
    expect(fragmentMib(3 * MIB + 1)).toEqual({ bytes: 3 * MIB + 1, mib: 3, exact: false });
    expect(fragmentMib("n'importe quoi").bytes).toBeUndefined();
  });

  it("names a package and derives an id from a title", () => {
    expect(displayName({ package: { name: " Mon Appli ", version: " 2.1 " } })).toBe("Mon Appli 2.1");
    expect(displayName({ package: { name: "Outil", version: "" } })).toBe("Outil");
    expect(slug("Mise à jour : Été 2025 !")).toBe("mise-a-jour-ete-2025");
    expect(slug("…")).toBe("");
  });

  it("compares with the disk of the output folder, else the one with most free space", () => {
    const disk = (mount_point: string, available_bytes: number) => ({ mount_point, available_bytes, total_bytes: 2 * available_bytes, enough: false });
    const disks = [disk("/", 10), disk("/home", 5), disk("/home/admin/data", 1), disk("C:\\", 7)];
    expect(pickLocalDisk(disks, "/home/admin/ocs-packages")).toEqual({ disk: disks[1], why: "out_dir" });
    expect(pickLocalDisk(disks, "/home/admin/data/out")?.disk).toBe(disks[2]);
    expect(pickLocalDisk(disks, "/srv/out")?.disk).toBe(disks[0]);
    expect(pickLocalDisk(disks, "C:\\Users\\admin\\ocs-packages")?.disk).toBe(disks[3]);
    expect(pickLocalDisk([disk("/data", 1), disk("/big", 9)], "")).toEqual({ disk: { mount_point: "/big", available_bytes: 9, total_bytes: 18, enough: false }, why: "largest" });
    expect(pickLocalDisk([], "/x")).toBeUndefined();
  });

  it("writes JSON with sorted keys, so the same choices compare equal", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[2,{"y":2,"z":1}]},"b":1}');
  });

  it("words lints and warnings by code, with the level's (or the generic) word for an unknown one", () => {
    const { fr, en } = dictionaries;
    expect(lintText(fr, lint("unclosed_tag", "warning", "", { subject: "i" }))).toMatch(/^La balise <i> n'est jamais fermée/);
    expect(lintText(en, lint("control_char", "error", "", { subject: "U+0007", field: "done_text" }))).toMatch(
      /^End message: the invisible control character U\+0007 cannot be stored in the info file/,
    );
    expect(lintText(fr, lint("too_long", "error", "", { count: 8123 }))).toMatch(/^Une fois enregistré, le texte fait 8123 caractères, au-delà de 8000 :/);
    expect(lintText(fr, lint("double_quote", "info", ""))).toMatch(/&quot;.*Rien à faire\.$/);
    expect(lintText(fr, lint("line_breaks", "info", ""))).toContain("<br>");
    expect(lintText(en, lint("something_new" as never, "error", ""))).toBe("Error");
    expect(lintText(fr, lint("toString" as never, "warning", "", { field: "done_text" }))).toBe("Message de fin : attention");
    expect(warningHeadline(fr, "notify_unix")).toBe("Notification ignorée par l'agent Linux/macOS");
    expect(warningHeadline(en, "case_collision")).toBe("Names that differ only by case");
    expect(warningHeadline(fr, "constructor" as never)).toBe("Attention");
    // Every code the core sends has its text in both languages.
    for (const t of [fr, en]) {
      for (const code of Object.keys(fr.notify.lintTexts)) expect(typeof t.notify.lintTexts[code as never]).toBe("function");
      for (const code of Object.keys(fr.pkg.warnings)) expect(t.pkg.warnings[code as keyof typeof fr.pkg.warnings]).toMatch(/\S/);
    }
  });

  it("words why there is no delivery plan from its figures", () => {
    const { fr, en } = dictionaries;
    expect(planBlockedText(en, { kind: "never_downloaded", priority: 7, period: 3 })).toBe(
      "The agents never download a package of priority 7: it is above the server's period length (3 cycles). Use a priority from 1 to 3, or have the server's period length raised (DOWNLOAD_PERIOD_LENGTH).",
    );
    expect(planBlockedText(fr, { kind: "never_downloaded", priority: 2, period: 1 })).toContain("(1 cycle). Choisissez la priorité 1,");
    expect(planBlockedText(fr, { kind: "no_cycle" })).toMatch(/^La longueur de période du serveur est de 0 cycle/);
  });
});

describe("rate meter", () => {
  it("measures over the stage's recent reports and estimates the time left", () => {
    const m = new RateMeter(5000);
    expect(m.push(progress("compressing", 0, 100 * MIB), 0)).toBeUndefined();
    expect(m.push(progress("compressing", 10 * MIB, 100 * MIB), 1000)).toEqual({ bytesPerSecond: 10 * MIB, secondsLeft: 9 });
    // A slow stretch: the average over the window follows it.
    m.push(progress("compressing", 12 * MIB, 100 * MIB), 5000);
    const r = m.push(progress("compressing", 14 * MIB, 100 * MIB), 9000)!;
    expect(r.bytesPerSecond).toBeCloseTo((4 * MIB) / 8, 0);
    expect(m.push(progress("done", 100, 100), 9500)).toBeUndefined();
    expect(m.push(progress("verifying", 5, 10), 9600)).toBeUndefined();
  });
});
