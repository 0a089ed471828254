// The studio window: a thin view over the core's commands (bindings.ts is generated from the Rust side).
import { Channel } from "@tauri-apps/api/core";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { commands, type AppError, type BuildReport, type FolderSummary, type Progress, type VerifyReport } from "./bindings";
import { lang, size, t, toggleLanguage } from "./i18n";
import { bindServer, bindServersCard, enter, initServer, renderServer, saveForms, serversCard, type ServerScreen } from "./server";
import { errorBox, esc, progressView } from "./ui";

type State =
  | { kind: "start"; error?: AppError }
  | { kind: "analyzing"; folder: string }
  | { kind: "ready"; summary: FolderSummary; error?: AppError }
  | { kind: "building"; summary: FolderSummary; progress?: Progress }
  | { kind: "built"; summary: FolderSummary; report: BuildReport; verify?: VerifyReport }
  | ServerScreen;

let state: State = { kind: "start" };
let outDir = "";
const form = { name: "", version: "", priority: 5 };
const app = document.getElementById("app")!;

function set(next: State): void {
  saveForms();
  state = next;
  if (next.kind === "server" || next.kind === "publish" || next.kind === "deploy" || next.kind === "results") enter(next);
  render();
}

function header(): string {
  return `<header>
    <img src="/icon.png" alt="" class="logo" />
    <div><h1>OCS Package Studio</h1><p>${esc(t().subtitle)}</p></div>
    <button id="lang" class="ghost" title="Language">${esc(t().language)}</button>
  </header>`;
}

function startView(): string {
  return `<section class="drop" id="drop-zone" tabindex="0">
      <div class="drop-icon">⇩</div>
      <h2>${esc(t().dropTitle)}</h2>
      <p>${esc(t().dropHint)}</p>
      <button id="choose" class="primary">${esc(t().choose)}</button>
    </section>${errorBox(state.kind === "start" ? state.error : undefined)}${serversCard()}`;
}

function installersView(s: FolderSummary): string {
  const list = s.analysis.installers;
  if (list.length === 0) return `<span class="muted">${esc(t().noInstaller)}</span>`;
  return list
    .map((i) => {
      const props = [i.product_name, i.product_version, i.manufacturer].filter(Boolean).join(" · ");
      const code = i.product_code ? `<br/><span class="mono small">ProductCode ${esc(i.product_code)}</span>` : "";
      const silent = i.silent_args ? `<br/><span class="mono small">${esc(t().silent)} ${esc(i.silent_args)}</span>` : "";
      return `<div class="installer"><strong>${esc(i.path)}</strong> <span class="chip">${esc(i.label)}</span>${props ? `<br/>${esc(props)}` : ""}${code}${silent}</div>`;
    })
    .join("");
}

function summaryView(s: FolderSummary): string {
  const tops = new Set<string>();
  for (const f of s.analysis.files) {
    const i = f.path.indexOf("/");
    tops.add(i < 0 ? f.path : f.path.slice(0, i + 1));
  }
  const roots = [...tops].sort().map((name) => ({ name, is_dir: name.endsWith("/") }));
  return `<section class="card" id="summary">
    <h2>${esc(s.name || s.folder)}</h2>
    <dl>
      <dt>${esc(t().folder)}</dt><dd class="mono">${esc(s.folder)}</dd>
      <dt>${esc(t().manifest)}</dt><dd class="mono">${esc(s.manifest_file ?? t().noManifest)}</dd>
      <dt>${esc(t().content)}</dt><dd id="file-count">${s.analysis.file_count ?? 0} ${esc(t().files)} · ${esc(size(s.analysis.total_bytes))}</dd>
      <dt>${esc(t().action)}</dt><dd class="mono">${esc(s.action)} ${esc(s.action_value)}</dd>
      <dt>${esc(t().rootFiles)}</dt><dd class="roots">${roots
        .slice(0, 12)
        .map((e) => `<span class="chip ${e.is_dir ? "dir" : ""}">${esc(e.name)}</span>`)
        .join("")}</dd>
      <dt>${esc(t().installers)}</dt><dd id="installers">${installersView(s)}</dd>
    </dl>
    ${s.analysis.warnings.map((w) => `<p class="warn analysis-warning">⚠ ${esc(w.message)}</p>`).join("")}
  </section>`;
}

function formView(disabled: boolean): string {
  const d = disabled ? "disabled" : "";
  const options = [1, 2, 3, 4, 5, 6, 7, 8, 9]
    .map((p) => `<option value="${p}" ${p === form.priority ? "selected" : ""}>${p}</option>`)
    .join("");
  return `<section class="card">
    <div class="grid">
      <label>${esc(t().name)}<input id="name" value="${esc(form.name)}" ${d} /></label>
      <label>${esc(t().version)}<input id="version" value="${esc(form.version)}" ${d} /></label>
      <label>${esc(t().priority)}<select id="priority" ${d}>${options}</select></label>
      <label class="wide">${esc(t().outDir)}<input id="out-dir" class="mono" value="${esc(outDir)}" ${d} /></label>
    </div>
    <p class="help">${esc(t().priorityHelp)}</p>
    <div class="actions">
      <button id="another" class="ghost" ${d}>${esc(t().another)}</button>
      <button id="build" class="primary" ${d}>${esc(t().build)}</button>
    </div>
  </section>`;
}

function resultView(r: BuildReport, v?: VerifyReport): string {
  const frags = (r.fragment_sizes ?? []).map((s) => size(s)).join(", ");
  const checks = !v
    ? `<p>…</p>`
    : v.ok && v.problems.length === 0
      ? `<p class="ok" id="verify-ok">✔ ${esc(t().verifyOk)}</p>`
      : `<ul class="problems">${v.problems
          .map((p) => `<li class="${p.severity}"><strong>${esc(p.severity === "error" ? t().error : t().warning)}</strong> ${esc(p.message)}<br/><em>${esc(t().fix)} :</em> ${esc(p.fix)}</li>`)
          .join("")}</ul>`;
  return `<section class="card" id="result">
    <h2>✔ ${esc(t().built)} — ${esc(r.name)}</h2>
    <dl>
      <dt>${esc(t().id)}</dt><dd class="mono" id="package-id">${r.id}</dd>
      <dt>${esc(t().digest)}</dt><dd class="mono">${esc(r.digest_algo)} ${esc(r.digest)}</dd>
      <dt>${esc(t().archive)}</dt><dd>${esc(size(r.archive_size))} (${esc(r.archive_format ?? "")}) · ${r.file_count} ${esc(t().files)}</dd>
      <dt>${esc(t().fragments)}</dt><dd id="fragments">${r.fragments} — ${esc(frags)}</dd>
      <dt>${esc(t().folder)}</dt><dd class="mono">${esc(r.dir)}</dd>
      <dt>${esc(t().took)}</dt><dd>${((r.duration_ms ?? 0) / 1000).toLocaleString(lang(), { maximumFractionDigits: (r.duration_ms ?? 0) < 1000 ? 2 : 1 })} s</dd>
    </dl>
    ${r.warnings.map((w) => `<p class="warn">${esc(t().warning)} : ${esc(w.message)}</p>`).join("")}
    <h3>${esc(t().verification)}</h3>
    ${checks}
    <pre class="info" id="info-file">${esc(r.info)}</pre>
    <div class="actions"><button id="another" class="ghost">${esc(t().another)}</button><button id="to-publish" class="primary" ${v && !v.ok ? "disabled" : ""}>${esc(t().toPublish)}</button></div>
  </section>`;
}

function render(): void {
  let body = "";
  switch (state.kind) {
    case "start":
      body = startView();
      break;
    case "analyzing":
      body = `<section class="card"><p>${esc(t().analyzing)}</p><p class="mono">${esc(state.folder)}</p></section>`;
      break;
    case "ready":
      body =
        summaryView(state.summary) +
        formView(false) +
        errorBox(state.error) +
        (state.error?.code === "windows_paths" ? `<button id="keep-build">${esc(t().keepBuild)}</button>` : "");
      break;
    case "building":
      body = summaryView(state.summary) + formView(true) + progressView(state.progress);
      break;
    case "built":
      body = resultView(state.report, state.verify);
      break;
    default:
      body = renderServer(state);
  }
  app.innerHTML = header() + `<main>${body}</main>`;
  bind();
}

function bind(): void {
  document.getElementById("lang")?.addEventListener("click", () => {
    saveForms();
    toggleLanguage();
    render();
  });
  if (state.kind === "server" || state.kind === "publish" || state.kind === "deploy" || state.kind === "results") {
    bindServer(state);
    return;
  }
  if (state.kind === "start") bindServersCard();
  const built = state.kind === "built" ? state : undefined;
  document.getElementById("to-publish")?.addEventListener("click", () => built && set({ kind: "publish", report: built.report }));
  document.getElementById("choose")?.addEventListener("click", async () => {
    const folder = await commands.pickFolder();
    if (folder) await analyze(folder);
  });
  document.getElementById("another")?.addEventListener("click", () => set({ kind: "start" }));
  for (const [id, key] of [["name", "name"], ["version", "version"]] as const) {
    document.getElementById(id)?.addEventListener("input", (e) => (form[key] = (e.target as HTMLInputElement).value));
  }
  document.getElementById("priority")?.addEventListener("change", (e) => (form.priority = Number((e.target as HTMLSelectElement).value)));
  document.getElementById("out-dir")?.addEventListener("input", (e) => (outDir = (e.target as HTMLInputElement).value));
  document.getElementById("build")?.addEventListener("click", () => build(false));
  document.getElementById("keep-build")?.addEventListener("click", () => build(true));
  document.getElementById("cancel")?.addEventListener("click", () => void commands.cancelBuild());
}

export async function analyze(folder: string): Promise<void> {
  set({ kind: "analyzing", folder });
  const r = await commands.analyzeFolder(folder);
  if (r.status === "error") return set({ kind: "start", error: r.error });
  form.name = r.data.name;
  form.version = r.data.version;
  form.priority = r.data.priority || 5;
  set({ kind: "ready", summary: r.data });
}

/** `keepBadNames`: the admin chose to keep paths a Windows PC cannot unzip, after the build named them. */
async function build(keepBadNames: boolean): Promise<void> {
  if (state.kind !== "ready") return;
  const summary = state.summary;
  set({ kind: "building", summary });
  const channel = new Channel<Progress>();
  let last = 0;
  channel.onmessage = (p) => {
    // Redraw at most 10 times a second: the core already throttles, the window must never stutter.
    const now = performance.now();
    if (state.kind === "building" && (now - last > 100 || p.stage === "done")) {
      last = now;
      set({ kind: "building", summary, progress: p });
    }
  };
  const r = await commands.buildPackage({ folder: summary.folder, out_dir: outDir, name: form.name, version: form.version, priority: form.priority, keep_bad_names: keepBadNames }, channel);
  if (r.status === "error") return set({ kind: "ready", summary, error: r.error });
  set({ kind: "built", summary, report: r.data });
  const v = await commands.verifyPackage(r.data.dir);
  const now = state as State; // set() changed it since the narrowing above
  if (now.kind === "built" && v.status === "ok") set({ ...now, verify: v.data });
}

async function main(): Promise<void> {
  document.documentElement.lang = lang();
  outDir = (await commands.appInfo()).default_out_dir;
  await initServer(
    () => {
      saveForms();
      render();
    },
    (next) => set(next),
  );
  render();
  await getCurrentWebview().onDragDropEvent((event) => {
    const zone = document.getElementById("drop-zone");
    if (event.payload.type === "over" || event.payload.type === "enter") zone?.classList.add("hover");
    else zone?.classList.remove("hover");
    if (event.payload.type === "drop" && event.payload.paths.length > 0 && (state.kind === "start" || state.kind === "ready")) {
      void analyze(event.payload.paths[0]);
    }
  });
}

void main();
