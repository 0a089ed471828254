// Small view helpers shared by every screen.
import type { AppError, Progress } from "./bindings";
import { size, t } from "./i18n";

export const esc = (s: unknown): string =>
  String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** An error as the admin reads it: a headline in their language, the core's precise message under it. */
export function errorBox(e?: AppError, id = "error"): string {
  if (!e) return "";
  const headline = t().codes[e.code] ?? t().error;
  return `<div class="error" id="${id}" role="alert" data-code="${esc(e.code)}"><strong>${esc(headline)}</strong><br/><span class="small">${esc(t().details)} : ${esc(e.message)}</span></div>`;
}

/** A progress card with its stage, amounts and a cancel button. */
export function progressView(p?: Progress, fallbackStage = "scanning"): string {
  const total = p?.total ?? 0;
  const done = p?.done ?? 0;
  const pct = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0;
  const stage = p ? t().stages[p.stage] ?? p.stage : t().stages[fallbackStage];
  const current = p?.current ? t().steps[p.current] ?? p.current : "";
  return `<section class="card" id="progress">
    <div class="progress-head"><strong>${esc(stage)}</strong><span>${total > 0 ? `${esc(size(done))} / ${esc(size(total))}` : ""}</span></div>
    <div class="bar"><div style="width:${pct}%"></div></div>
    <p class="mono small">${esc(current)}</p>
    <div class="actions"><button id="cancel" class="ghost">${esc(t().cancel)}</button></div>
  </section>`;
}

/** Value of an input by id ("" when absent). */
export const val = (id: string): string => (document.getElementById(id) as HTMLInputElement | null)?.value ?? "";
export const checked = (id: string): boolean => (document.getElementById(id) as HTMLInputElement | null)?.checked ?? false;
export const on = (id: string, ev: string, f: (e: Event) => void): void => document.getElementById(id)?.addEventListener(ev, f);
