// Display helpers: they only arrange what the core reported, in the admin's language. No rule of the core here.
import type { Action, Explanation, FileInfo, Progress, RingGate, StepDetail } from "../bindings";
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

/** A duration as "0,01 s" / "12.5 s". */
export function seconds(ms: number | null | undefined, lang: Lang): string {
  const v = ms ?? 0;
  return `${(v / 1000).toLocaleString(lang, { maximumFractionDigits: v < 1000 ? 2 : 1 })} s`;
}

/** What a progress card shows: stage, amounts, percentage and the current file or step. */
export function progressLine(t: Dict, lang: Lang, p: Progress | undefined, fallbackStage: Progress["stage"]) {
  const total = p?.total ?? 0;
  const done = p?.done ?? 0;
  return {
    stage: t.stages[p?.stage ?? fallbackStage] ?? p?.stage ?? "",
    amount: total > 0 ? `${formatSize(done, lang)} / ${formatSize(total, lang)}` : "",
    percent: total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0,
    current: p?.current ? stepName(t, p.current) : "",
  };
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
