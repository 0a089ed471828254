// Display helpers: they only arrange what the core reported, in the admin's language. No rule of the core here.
import type { Action, ByteSizeJson, Explanation, FileInfo, LocalDisk, Manifest, Progress, RingGate, Stage, StepDetail } from "../bindings";
import { count, formatSize, stepName, type Dict, type Lang } from "./i18n";

/** The folder's top-level entries, as chips: files by name, folders as "name/". Sorted, at most `limit`. */
export function rootEntries(files: readonly FileInfo[], limit = 12): { name: string; isDir: boolean }[] {
  const tops = new Set<string>();
  for (const f of files) {
    const i = f.path.indexOf("/");
    tops.add(i < 0 ? f.path : f.path.slice(0, i + 1));
  }
  return [...tops]
    .sort()
    .slice(0, limit)
    .map((name) => ({ name, isDir: name.endsWith("/") }));
}

/** The last part of a path (a folder's name for the package box). */
export function basename(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}

/** A folder and a name in it, with the folder's own separator (a Windows path keeps its backslashes). */
export function joinPath(dir: string, name: string): string {
  const sep = dir.includes("\\") && !dir.includes("/") ? "\\" : "/";
  return `${dir.replace(/[\\/]+$/, "")}${sep}${name}`;
}

/** A duration as "0,01 s" / "12.5 s". */
export function seconds(ms: number | null | undefined, lang: Lang): string {
  const v = ms ?? 0;
  return `${(v / 1000).toLocaleString(lang, { maximumFractionDigits: v < 1000 ? 2 : 1 })} s`;
}

/** What a progress card shows: stage, amounts, percentage and the current file or step. `words`: the job's own
 * words for some stages (a copy to a redistribution server is no upload to the console). A wait for a scheduled time
 * (`waiting`: seconds waited of the wait, `current` the time) and a download (`downloading`: `current` the fragment
 * "i/n", no total) are worded from their figures. */
export function progressLine(t: Dict, lang: Lang, p: Progress | undefined, fallbackStage: Progress["stage"], words: Partial<Record<Stage, string>> = {}) {
  const total = p?.total ?? 0;
  const done = p?.done ?? 0;
  const stage = p?.stage ?? fallbackStage;
  const percent = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0;
  if (stage === "waiting" && p?.current) {
    return { stage: t.waitingUntil(p.current, total > 0 ? waitLeft(total - done, lang) : undefined), amount: "", percent, current: "" };
  }
  if (stage === "downloading") {
    return {
      stage: words[stage] ?? t.stages[stage],
      amount: total > 0 ? `${formatSize(done, lang)} / ${formatSize(total, lang)}` : done > 0 ? formatSize(done, lang) : "",
      percent,
      current: p?.current ? t.fragmentOf(p.current) : "",
    };
  }
  return {
    stage: words[stage] ?? t.stages[stage] ?? p?.stage ?? "",
    amount: total > 0 ? `${formatSize(done, lang)} / ${formatSize(total, lang)}` : "",
    percent,
    current: p?.current ? stepName(t, p.current) : "",
  };
}

/** What is left of a wait, as a clock says it: "45 s", "12 min", "2 h 03" (minutes rounded up). */
export function waitLeft(sec: number, lang: Lang): string {
  const s = Math.max(0, Math.round(sec));
  if (s < 60) return `${s} s`;
  const m = Math.ceil(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, "0")}`;
  return duration(s, lang);
}

/** A publication step's detail in the window's language, from the figures the core reports. */
export function stepDetail(t: Dict, lang: Lang, d: StepDetail): string {
  const w = t.stepText;
  const size = (b: number) => formatSize(b, lang);
  switch (d.kind) {
    case "verified":
      return `${count(d.fragments, t.fragments.toLowerCase())} · ${size(d.bytes)} · ${d.digest}`;
    case "within_upload_limit":
      return `${size(d.bytes)} ≤ ${size(d.limit)}${d.measured ? "" : ` ${w.assumed}`}`;
    case "over_upload_limit":
      return w.overLimit(size(d.bytes), size(d.limit), d.measured ? "" : ` ${w.assumed}`);
    case "direct_copied":
      return w.directCopied(size(d.bytes), `${d.target}:${d.download_dir.replace(/\/+$/, "")}/${d.server_id}`);
    case "already_published":
      return `${w.alreadyThere} ${d.server_id}`;
    case "replaces":
      return `${w.replaces} ${d.server_id}`;
    case "name_free":
      return w.nameFree;
    case "fragment_ratio":
      return size(d.mib * 1048576);
    case "uploaded":
      return `${size(d.bytes)} ${w.sent} ${d.server_id}`;
    case "id_taken":
      return `${w.idTaken} ${d.server_id}`;
    case "served":
      return `${d.info_url} ${w.sameInfo}`;
    case "activated":
      return `${w.activation} ${d.enable_id} · ${d.info_loc}${d.pack_loc && d.pack_loc !== d.info_loc ? ` · ${d.pack_loc}` : ""}`;
    case "replaced":
      return `${d.moved} ${w.moved} ${d.old}`;
  }
}

/** The package's action as the info file writes it: ACT and its value. */
export function actionText(a: Action): string {
  switch (a.kind) {
    case "launch":
      return `LAUNCH ${a.file}`;
    case "execute":
      return `EXECUTE ${a.command}`;
    case "store":
      return `STORE ${a.path}`;
  }
}

/** Why the previous ring's gate is open or closed, in the window's language, with the core's figures. */
export function gateText(t: Dict, lang: Lang, g: RingGate): string {
  const pct = (n: number | null | undefined) => (n == null ? "—" : n.toLocaleString(lang, { maximumFractionDigits: 1 }));
  return t.gate[g.verdict]({
    ring: g.ring,
    machines: g.machines,
    finished: g.finished,
    succeeded: g.succeeded,
    rate: pct(g.rate),
    threshold: pct(g.threshold),
  });
}

/** A state's meaning and fix, in the window's language (the core writes both). */
export function explanation(e: Explanation, lang: Lang): { meaning: string; fix: string } {
  return lang === "fr" ? { meaning: e.meaning_fr, fix: e.fix_fr } : { meaning: e.meaning_en, fix: e.fix_en };
}

/** A share of `total` in percent, for the results bar. */
export function percent(n: number | null | undefined, total: number | null | undefined): number {
  const t = total ?? 0;
  return t > 0 ? ((n ?? 0) * 100) / t : 0;
}

/** A duration in seconds as "45 s", "3 min 05 s", "2 h 10 min" (rounded to the second). */
export function duration(sec: number | null | undefined, lang: Lang): string {
  if (sec == null || !Number.isFinite(sec)) return "—";
  const s = Math.max(0, Math.round(sec));
  const pad = (n: number) => String(n).padStart(2, "0");
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${pad(s % 60)} s`;
  const h = Math.floor(s / 3600);
  if (h < 48) return `${h} h ${pad(Math.floor((s % 3600) / 60))} min`;
  const days = Math.floor(h / 24);
  return `${days} ${lang === "fr" ? "j" : "d"} ${pad(h % 24)} h`;
}

const MIB = 1048576;
const UNITS: Record<string, number> = { B: 1, KiB: 1024, MiB: MIB, GiB: 1073741824 };

/**
 * The manifest's fragment size as it travels (`"5MiB"` for whole units, else a number of bytes) in bytes, and the
 * nearest whole MiB of the slider (1 to 100). `exact`: the size is that whole number of MiB.
 */
export function fragmentMib(size: ByteSizeJson | null | undefined): { bytes: number | undefined; mib: number; exact: boolean } {
  let bytes: number | undefined;
  if (typeof size === "number") bytes = size;
  else if (typeof size === "string") {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB)?\s*$/.exec(size);
    if (m) bytes = Math.round(Number(m[1]) * UNITS[m[2] ?? "B"]);
  }
  if (bytes === undefined || !Number.isFinite(bytes) || bytes <= 0) return { bytes: undefined, mib: 5, exact: false };
  const mib = Math.min(100, Math.max(1, Math.round(bytes / MIB)));
  return { bytes, mib, exact: bytes === mib * MIB };
}

/** "Name Version", as the console shows a package (and the texts' {application}). */
export function displayName(m: Pick<Manifest, "package"> | undefined): string {
  return m ? `${m.package.name.trim()} ${(m.package.version ?? "").trim()}`.trim() : "";
}

/** An id for one of the admin's own texts, from its title: lower case, no accents, words joined by dashes. */
export function slug(title: string): string {
  return title
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
}

/**
 * Which of this computer's disks to compare with the PCs' need: the one holding `outDir` (the longest mount point
 * that contains it; the output folder is in the home folder by default), else the one with the most free space.
 */
export function pickLocalDisk(disks: readonly LocalDisk[], outDir: string): { disk: LocalDisk; why: "out_dir" | "largest" } | undefined {
  const norm = (p: string) => p.replace(/\\/g, "/").toLowerCase();
  const dir = norm(outDir);
  let best: LocalDisk | undefined;
  if (dir) {
    for (const d of disks) {
      const mp = norm(d.mount_point).replace(/\/+$/, "");
      const holds = mp === "" ? dir.startsWith("/") : dir === mp || dir.startsWith(`${mp}/`);
      if (holds && (!best || norm(d.mount_point).length > norm(best.mount_point).length)) best = d;
    }
  }
  if (best) return { disk: best, why: "out_dir" };
  const largest = [...disks].sort((a, b) => b.available_bytes - a.available_bytes)[0];
  return largest ? { disk: largest, why: "largest" } : undefined;
}

/** A value as JSON with its object keys sorted: two manifests with the same choices compare equal. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === "object" && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).filter(([, y]) => y !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}
