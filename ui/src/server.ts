// The server screens: connect, publish, deploy (rings), results, delete. Views over the core's `ocs` API;
// every decision (checks, gate, explanations) comes from the Rust side.
import { Channel } from "@tauri-apps/api/core";
import {
  commands,
  type AppError,
  type BuildReport,
  type Computer,
  type DeployOutcome,
  type PackageStats,
  type Progress,
  type PublishReport,
  type RingGate,
  type ServerPackage,
  type ServerSession,
  type ServerSpec,
} from "./bindings";
import { count, lang, size, t } from "./i18n";
import { checked, errorBox, esc, on, progressView, val } from "./ui";

export type Pkg = { server_id: string; name: string };
export type ServerScreen =
  | { kind: "server" }
  | { kind: "publish"; report: BuildReport }
  | { kind: "deploy"; pkg: Pkg }
  | { kind: "results"; pkg: Pkg };

const srv = {
  form: { url: "", user: "", ca: "", password: "", remember: true },
  session: undefined as ServerSession | undefined,
  connecting: false,
  error: undefined as AppError | undefined,
  saved: [] as ServerSpec[],
  packages: undefined as ServerPackage[] | undefined,
  pub: {
    forDir: "",
    name: "",
    description: "",
    infoLoc: "",
    fileLoc: "",
    replace: false,
    running: false,
    progress: undefined as Progress | undefined,
    report: undefined as PublishReport | undefined,
    error: undefined as AppError | undefined,
  },
  dep: {
    forId: "",
    tag: "ALPHA",
    name: "",
    computers: undefined as Computer[] | undefined,
    selected: new Set<string>(),
    useRule: false,
    after: "ALPHA",
    min: 90,
    gate: undefined as RingGate | undefined,
    outcome: undefined as DeployOutcome | undefined,
    error: undefined as AppError | undefined,
    busy: false,
  },
  res: {
    forId: "",
    stats: undefined as PackageStats | undefined,
    error: undefined as AppError | undefined,
    busy: false,
    confirmDelete: false,
    deleted: undefined as ServerPackage | undefined,
  },
};

let redraw: () => void = () => {};
let go: (s: ServerScreen | { kind: "start" }) => void = () => {};
let screen: ServerScreen = { kind: "server" };

/** Wires the server screens to the window and loads the saved servers (before the first drawing). */
export async function initServer(rerender: () => void, goto: (s: ServerScreen | { kind: "start" }) => void): Promise<void> {
  redraw = rerender;
  go = goto;
  srv.saved = await commands.savedServers();
  if (!srv.form.url && srv.saved[0]) useSpec(srv.saved[0]);
}

function useSpec(s: ServerSpec): void {
  srv.form.url = s.url;
  srv.form.user = s.user;
  srv.form.ca = s.ca ?? "";
}

const key = (): string => srv.session?.key ?? "";

// ---------- Start screen card ----------

export function serversCard(): string {
  const rows = srv.saved
    .map(
      (s, i) =>
        `<li><span class="mono">${esc(s.user)} @ ${esc(s.url)}</span> <span><button class="ghost small-btn" id="forget-server-${i}" title="${esc(t().forgetHelp)}">${esc(t().forget)}</button> <button class="ghost small-btn" id="open-server-${i}">${esc(t().openServer)}</button></span></li>`,
    )
    .join("");
  return `<section class="card" id="servers">
    <h2>${esc(t().servers)}</h2>
    ${rows ? `<ul class="servers">${rows}</ul>` : `<p class="muted">${esc(t().noServer)}</p>`}
    <div class="actions"><button id="new-server" class="ghost">${esc(srv.saved.length ? t().newServer : t().connectServer)}</button></div>
  </section>`;
}

export function bindServersCard(): void {
  srv.saved.forEach((s, i) => {
    on(`open-server-${i}`, "click", () => {
      useSpec(s);
      go({ kind: "server" });
    });
    on(`forget-server-${i}`, "click", async () => {
      await commands.forgetServer(s);
      srv.saved = await commands.savedServers();
      redraw();
    });
  });
  on("new-server", "click", () => go({ kind: "server" }));
}

// ---------- Connection ----------

function connectionCard(): string {
  const s = srv.session;
  if (s) {
    const from = s.saved_in ? t().savedIn : s.password_from ? t().passwordFrom[s.password_from] : "";
    return `<section class="card" id="connection">
      <h2>${esc(t().server)}</h2>
      <p class="ok" id="connected">✔ ${esc(t().connected)} : <span class="mono">${esc(s.user)} @ ${esc(s.url)}</span> — ${esc(t().console)} ${esc(s.console.label ?? s.console.flow)}${from ? ` · ${esc(from)}` : ""}</p>
      <div class="actions"><button id="disconnect" class="ghost">${esc(t().newServer)}</button></div>
    </section>`;
  }
  const f = srv.form;
  const d = srv.connecting ? "disabled" : "";
  return `<section class="card" id="connection">
    <h2>${esc(t().server)}</h2>
    <div class="grid">
      <label class="span2">${esc(t().serverUrl)}<input id="srv-url" class="mono" placeholder="https://ocs.example.com/ocsreports/" value="${esc(f.url)}" ${d}/></label>
      <label>${esc(t().user)}<input id="srv-user" value="${esc(f.user)}" ${d}/></label>
      <label class="span2">${esc(t().caFile)}<input id="srv-ca" class="mono" placeholder="/etc/ssl/ocs/cacert.pem" value="${esc(f.ca)}" ${d}/></label>
      <label>${esc(t().password)}<input id="srv-password" type="password" autocomplete="off" value="${esc(f.password)}" ${d}/></label>
    </div>
    <p class="help">${esc(t().caHelp)} ${esc(t().passwordHelp)}</p>
    <label class="check"><input type="checkbox" id="srv-remember" ${f.remember ? "checked" : ""} ${d}/> ${esc(t().remember)}</label>
    <div class="actions"><button id="connect" class="primary" ${d}>${esc(srv.connecting ? t().connecting : t().connect)}</button></div>
    ${errorBox(srv.error, "connect-error")}
  </section>`;
}

function readConnectionForm(): void {
  if (!document.getElementById("srv-url")) return;
  srv.form.url = val("srv-url").trim();
  srv.form.user = val("srv-user").trim();
  srv.form.ca = val("srv-ca").trim();
  srv.form.password = val("srv-password");
  srv.form.remember = checked("srv-remember");
}

async function connect(): Promise<void> {
  readConnectionForm();
  srv.connecting = true;
  srv.error = undefined;
  redraw();
  const f = srv.form;
  const r = await commands.connectServer({ url: f.url, user: f.user, ca: f.ca || null }, f.password || null, f.remember);
  srv.connecting = false;
  srv.form.password = ""; // never kept in the page once used
  if (r.status === "error") {
    srv.error = r.error;
  } else {
    srv.session = r.data;
    srv.packages = undefined;
    if (screen.kind === "server") void loadPackages();
  }
  redraw();
}

function bindConnection(): void {
  on("connect", "click", () => void connect());
  on("srv-password", "keydown", (e) => {
    if ((e as KeyboardEvent).key === "Enter") void connect();
  });
  on("disconnect", "click", () => {
    srv.session = undefined;
    srv.packages = undefined;
    redraw();
  });
}

// ---------- Server screen: its packages ----------

async function loadPackages(): Promise<void> {
  const r = await commands.serverPackages(key());
  if (r.status === "error") srv.error = r.error;
  else srv.packages = r.data;
  redraw();
}

function packagesCard(): string {
  if (!srv.session) return "";
  if (!srv.packages) return `<section class="card"><p>…</p></section>`;
  const rows = srv.packages
    .map(
      (p, i) => `<tr><td class="mono">${esc(p.server_id)}</td><td>${esc(p.name)}</td><td>${esc(p.os)}</td><td>${esc(p.fragments)}</td><td>${esc(p.created)}</td>
        <td class="row-actions"><button class="ghost small-btn" id="pkg-results-${i}">${esc(t().resultsTitle)}</button> <button class="ghost small-btn" id="pkg-deploy-${i}">${esc(t().deployTitle)}</button></td></tr>`,
    )
    .join("");
  return `<section class="card" id="packages">
    <h2>${esc(t().serverPackages)} (${srv.packages.length})</h2>
    <table><thead><tr><th>${esc(t().serverId)}</th><th>${esc(t().name)}</th><th>OS</th><th>${esc(t().fragments)}</th><th>${esc(t().created)}</th><th></th></tr></thead><tbody>${rows}</tbody></table>
  </section>`;
}

// ---------- Publish ----------

function publishCard(r: BuildReport): string {
  if (!srv.session) return "";
  const p = srv.pub;
  if (p.report) {
    const rep = p.report;
    const steps = rep.steps.map((s) => `<tr><td>${esc(t().steps[s.step] ?? s.step)}</td><td class="num">${s.ms} ms</td><td class="small">${esc(stepDetail(s.step, s.detail, rep))}</td></tr>`).join("");
    return `<section class="card" id="published">
      <h2>✔ ${esc(t().published)} — ${esc(rep.name)}</h2>
      ${rep.already_published ? `<p class="ok">${esc(t().alreadyPublished)}</p>` : ""}
      <dl>
        <dt>${esc(t().serverId)}</dt><dd class="mono" id="server-id">${esc(rep.server_id)}</dd>
        <dt>${esc(t().console)}</dt><dd>${esc(rep.console)}</dd>
        <dt>${esc(t().archive)}</dt><dd>${esc(size(rep.archive_size))} · ${esc(count(rep.fragments, t().fragments.toLowerCase()))} · <span class="mono">${esc(rep.digest)}</span></dd>
        <dt>info</dt><dd class="mono">${esc(rep.info_url)}</dd>
        ${rep.replaced ? `<dt>${esc(t().replaced)}</dt><dd class="mono">${esc(rep.replaced)} (${rep.moved_computers} ${esc(t().moved)})</dd>` : ""}
      </dl>
      ${rep.fragments ? `<p class="help" id="frag-cut">${esc(t().fragCut(rep.fragments ?? 0, rep.fragment_ratio_mib ?? null, rep.fragment_setting_changed))}</p>` : ""}
      <table class="steps">${steps}</table>
      <div class="actions"><button id="to-results" class="ghost">${esc(t().toResults)}</button><button id="to-deploy" class="primary">${esc(t().toDeploy)}</button></div>
    </section>`;
  }
  if (p.running) return progressView(p.progress, "verifying");
  return `<section class="card" id="publish-form">
    <h2>${esc(t().publishTitle)} — ${esc(size(r.archive_size))}, ${esc(count(r.fragments, t().fragments.toLowerCase()))}</h2>
    <div class="grid">
      <label class="span2">${esc(t().name)}<input id="pub-name" value="${esc(p.name)}"/></label>
      <label>${esc(t().id)}<input value="${esc(r.id)}" disabled/></label>
      <label class="wide">${esc(t().description)}<input id="pub-description" value="${esc(p.description)}"/></label>
      <label class="span2">${esc(t().infoLoc)}<input id="pub-info" class="mono" placeholder="${esc(defaultLocation())}" value="${esc(p.infoLoc)}"/></label>
      <label>${esc(t().fileLoc)}<input id="pub-file" class="mono" placeholder="${esc(p.infoLoc || defaultLocation())}" value="${esc(p.fileLoc)}"/></label>
    </div>
    <p class="help">${esc(t().locHelp)}</p>
    <p class="help" id="frag-tradeoff">${esc(t().fragTradeoff)}</p>
    <p class="help">${esc(t().uploadCheck)}</p>
    <label class="check"><input type="checkbox" id="pub-replace" ${p.replace ? "checked" : ""}/> ${esc(t().replace)}</label>
    <div class="actions"><button id="publish" class="primary">${esc(t().publish)}</button></div>
    ${errorBox(p.error, "publish-error")}
  </section>`;
}

/** A step's detail in the window's language, from the report's fields (the core's English text otherwise). */
function stepDetail(step: string, detail: string, rep: PublishReport): string {
  const w = t().stepText;
  const frags = count(rep.fragments, t().fragments.toLowerCase());
  switch (step) {
    case "verify":
      return `${frags} · ${size(rep.archive_size)} · ${rep.digest}`;
    case "upload-limit":
      return rep.upload_limit ? `${size(rep.archive_size)} ≤ ${size(rep.upload_limit.bytes)} ${rep.upload_limit.measured ? "" : w.assumed}` : detail;
    case "existing":
      return rep.replaced ? `${w.replaces} ${rep.replaced}` : w.nameFree;
    case "fragment-setting":
      return rep.fragment_ratio_mib != null ? size((rep.fragment_ratio_mib ?? 0) * 1048576) : detail;
    case "upload":
      return `${size(rep.archive_size)} ${w.sent} ${rep.server_id}`;
    case "check-served":
      return `${rep.info_url} ${w.sameInfo}`;
    case "activate":
      return `${w.activation} ${rep.enable_id}`;
    case "replace":
      return `${rep.moved_computers} ${w.moved} ${rep.replaced ?? ""}`;
    default:
      return detail;
  }
}

function defaultLocation(): string {
  try {
    return `${new URL(srv.session?.url ?? srv.form.url).hostname}/download`;
  } catch {
    return "ocs.example.com/download";
  }
}

async function publish(r: BuildReport): Promise<void> {
  const p = srv.pub;
  p.name = val("pub-name").trim();
  p.description = val("pub-description");
  p.infoLoc = val("pub-info").trim();
  p.fileLoc = val("pub-file").trim();
  p.replace = checked("pub-replace");
  p.running = true;
  p.error = undefined;
  p.progress = undefined;
  redraw();
  const channel = new Channel<Progress>();
  let last = 0;
  channel.onmessage = (m) => {
    const now = performance.now();
    if (now - last > 100 || m.stage === "done") {
      last = now;
      p.progress = m;
      redraw();
    }
  };
  const res = await commands.publishPackage(
    key(),
    r.dir,
    {
      name: p.name,
      description: p.description,
      os: r.os,
      fragment_size: r.fragment_size,
      info_location: p.infoLoc || null,
      fragment_location: p.fileLoc || null,
      replace: p.replace,
    },
    channel,
  );
  p.running = false;
  if (res.status === "error") p.error = res.error;
  else p.report = res.data;
  redraw();
}

// ---------- Deploy ----------

function deployView(pkg: Pkg): string {
  const d = srv.dep;
  const dis = d.busy ? "disabled" : "";
  const list = d.computers;
  const table = !list
    ? ""
    : list.length === 0
      ? `<p class="muted" id="no-computer">${esc(t().noComputer)}</p>`
      : `<p id="computer-count">${list.length} ${esc(t().computersFound)}</p><table id="computers"><thead><tr><th></th><th>${esc(t().name)}</th><th>TAG</th><th>${esc(t().lastContact)}</th><th>OS</th></tr></thead><tbody>${list
          .map(
            (c) => `<tr><td><input type="checkbox" id="pc-${esc(c.id)}" ${d.selected.has(c.id) ? "checked" : ""} ${dis}/></td><td>${esc(c.name)}</td><td class="mono">${esc(c.tag)}</td><td>${esc(c.last_contact)}</td><td class="small">${esc(c.os)}</td></tr>`,
          )
          .join("")}</tbody></table>`;
  const gate = d.gate ? `<p class="${d.gate.open ? "ok" : "warn"}" id="gate">${d.gate.open ? "✔" : "✋"} ${esc(d.gate.reason)}</p>` : "";
  const outcome = d.outcome
    ? `<p class="ok" id="deployed">✔ ${d.outcome.report.assigned.length} ${esc(t().deployed)} ${d.outcome.report.already.length}</p>`
    : "";
  return `<section class="card" id="deploy">
    <h2>${esc(t().deployTitle)} — ${esc(pkg.name)} <span class="mono small">${esc(pkg.server_id)}</span></h2>
    <div class="grid">
      <label>${esc(t().tagContains)}<input id="dep-tag" class="mono" value="${esc(d.tag)}" ${dis}/></label>
      <label>${esc(t().nameContains)}<input id="dep-name" value="${esc(d.name)}" ${dis}/></label>
      <label class="bottom"><button id="dep-search" class="ghost" ${dis}>${esc(t().search)}</button></label>
    </div>
    ${table}
    <div class="ring">
      <label class="check"><input type="checkbox" id="ring-on" ${d.useRule ? "checked" : ""} ${dis}/> ${esc(t().ringRule)}</label>
      <div class="grid">
        <label>${esc(t().after)}<input id="ring-after" class="mono" value="${esc(d.after)}" ${dis}/></label>
        <label>${esc(t().minSuccess)}<input id="ring-min" type="number" min="0" max="100" value="${d.min}" ${dis}/></label>
        <label class="bottom"><button id="ring-check" class="ghost" ${dis}>${esc(t().checkRing)}</button></label>
      </div>
      ${gate}
    </div>
    <div class="actions"><button id="to-results" class="ghost">${esc(t().toResults)}</button><button id="affect" class="primary" ${!list || list.length === 0 || d.busy ? "disabled" : ""}>${esc(t().affect)} (${d.selected.size})</button></div>
    ${outcome}
    ${errorBox(d.error, "deploy-error")}
  </section>`;
}

function readDeployForm(): void {
  const d = srv.dep;
  d.tag = val("dep-tag");
  d.name = val("dep-name");
  d.useRule = checked("ring-on");
  d.after = val("ring-after");
  d.min = Number(val("ring-min") || 90);
}

async function searchComputers(): Promise<void> {
  const d = srv.dep;
  readDeployForm();
  d.busy = true;
  d.error = undefined;
  redraw();
  const r = await commands.searchComputers(key(), { tag: d.tag.trim() || null, name: d.name.trim() || null });
  d.busy = false;
  if (r.status === "error") d.error = r.error;
  else {
    d.computers = r.data;
    d.selected = new Set(r.data.map((c) => c.id));
  }
  redraw();
}

async function checkRing(pkg: Pkg): Promise<void> {
  const d = srv.dep;
  readDeployForm();
  const r = await commands.checkRing(key(), pkg.server_id, { after: d.after, min_success: d.min });
  if (r.status === "error") d.error = r.error;
  else d.gate = r.data;
  redraw();
}

async function affect(pkg: Pkg): Promise<void> {
  const d = srv.dep;
  readDeployForm();
  const chosen = (d.computers ?? []).filter((c) => d.selected.has(c.id));
  d.busy = true;
  d.error = undefined;
  d.outcome = undefined;
  redraw();
  const rule = d.useRule ? { after: d.after, min_success: d.min } : null;
  const r = await commands.deployPackage(key(), pkg.server_id, chosen, rule);
  d.busy = false;
  if (r.status === "error") d.error = r.error;
  else {
    d.outcome = r.data;
    d.gate = r.data.gate ?? d.gate;
  }
  redraw();
}

// ---------- Results ----------

function explanation(e: { meaning_fr: string; meaning_en: string; fix_fr: string; fix_en: string }): { meaning: string; fix: string } {
  return lang() === "fr" ? { meaning: e.meaning_fr, fix: e.fix_fr } : { meaning: e.meaning_en, fix: e.fix_en };
}

function resultsView(pkg: Pkg): string {
  const r = srv.res;
  if (r.deleted) {
    return `<section class="card" id="deleted"><p class="ok">✔ ${esc(t().deleted)} <span class="mono">${esc(r.deleted.server_id)}</span> ${esc(r.deleted.name)}</p></section>`;
  }
  const st = r.stats;
  const head = `<h2>${esc(t().resultsTitle)} — ${esc(pkg.name)} <span class="mono small">${esc(pkg.server_id)}</span></h2>`;
  if (!st) return `<section class="card" id="results">${head}<p>…</p>${errorBox(r.error, "results-error")}</section>`;
  const total = st.total ?? 0;
  const pct = (n: number | null) => (total > 0 ? ((n ?? 0) * 100) / total : 0);
  const bar = `<div class="stack" id="stack"><div class="s-ok" style="width:${pct(st.succeeded)}%"></div><div class="s-err" style="width:${pct(st.failed)}%"></div><div class="s-wait" style="width:${pct(st.pending)}%"></div></div>
    <p class="legend"><span class="dot s-ok"></span>${st.succeeded ?? 0} ${esc(t().succeeded)} <span class="dot s-err"></span>${st.failed ?? 0} ${esc(t().failed)} <span class="dot s-wait"></span>${st.pending ?? 0} ${esc(t().pending)} — ${esc(count(total, t().machines.toLowerCase()))}</p>`;
  const states = st.counts
    .map((c) => {
      const e = explanation(c.explanation);
      const machines = st.machines
        .filter((m) => m.state === c.state)
        .map((m) => `<li>${esc(m.name)} <span class="mono small">TAG ${esc(m.tag)}</span> <span class="small">${esc(m.since)}</span></li>`)
        .join("");
      return `<div class="state ${c.explanation.outcome}" data-state="${esc(c.state)}">
        <div class="state-head"><span class="count">${c.count ?? 0}</span><span class="mono">${esc(c.state)}</span></div>
        <p>${esc(e.meaning)}</p>${e.fix ? `<p class="fixline"><strong>${esc(t().todo)} :</strong> ${esc(e.fix)}</p>` : ""}
        <ul class="machines">${machines}</ul>
      </div>`;
    })
    .join("");
  const del = r.confirmDelete
    ? `<button id="delete-confirm" class="danger">${esc(t().confirmDelete)}</button>`
    : `<button id="delete" class="ghost">${esc(t().deleteTitle)}</button>`;
  return `<section class="card" id="results">${head}
    ${total === 0 ? `<p class="muted">${esc(t().noResult)}</p>` : bar + states}
    <div class="actions">${del}<button id="to-deploy" class="ghost">${esc(t().toDeploy)}</button><button id="refresh" class="primary" ${r.busy ? "disabled" : ""}>${esc(t().refresh)}</button></div>
    ${errorBox(r.error, "results-error")}
  </section>`;
}

async function loadStats(pkg: Pkg): Promise<void> {
  const r = srv.res;
  r.busy = true;
  redraw();
  const s = await commands.packageStats(key(), pkg.server_id);
  r.busy = false;
  if (s.status === "error") r.error = s.error;
  else {
    r.error = undefined;
    r.stats = s.data;
  }
  redraw();
}

async function deletePackage(pkg: Pkg): Promise<void> {
  const r = srv.res;
  r.busy = true;
  redraw();
  const s = await commands.deleteServerPackage(key(), pkg.server_id);
  r.busy = false;
  r.confirmDelete = false;
  if (s.status === "error") r.error = s.error;
  else r.deleted = s.data;
  redraw();
}

// ---------- Screen entry points ----------

/** Called when a screen is entered: resets the screen's transient state when it is about another package. */
export function enter(s: ServerScreen): void {
  screen = s;
  if (s.kind === "publish" && srv.pub.forDir !== s.report.dir) {
    srv.pub = { ...srv.pub, forDir: s.report.dir, name: s.report.name, description: "", running: false, progress: undefined, report: undefined, error: undefined, replace: false };
  }
  if (s.kind === "deploy" && srv.dep.forId !== s.pkg.server_id) {
    srv.dep = { ...srv.dep, forId: s.pkg.server_id, computers: undefined, selected: new Set(), gate: undefined, outcome: undefined, error: undefined };
  }
  if (s.kind === "results") {
    if (srv.res.forId !== s.pkg.server_id) srv.res = { forId: s.pkg.server_id, stats: undefined, error: undefined, busy: false, confirmDelete: false, deleted: undefined };
    if (srv.session) void loadStats(s.pkg);
  }
  if (s.kind === "server" && srv.session) void loadPackages();
}

function backBar(): string {
  return `<nav class="crumbs"><button id="back" class="ghost">${esc(t().back)}</button></nav>`;
}

export function renderServer(s: ServerScreen): string {
  switch (s.kind) {
    case "server":
      return backBar() + connectionCard() + packagesCard();
    case "publish":
      return backBar() + connectionCard() + publishCard(s.report);
    case "deploy":
      return backBar() + connectionCard() + (srv.session ? deployView(s.pkg) : "");
    case "results":
      return backBar() + connectionCard() + (srv.session ? resultsView(s.pkg) : "");
  }
}

export function bindServer(s: ServerScreen): void {
  on("back", "click", () => go({ kind: "start" }));
  bindConnection();
  if (s.kind === "server") {
    (srv.packages ?? []).forEach((p, i) => {
      on(`pkg-results-${i}`, "click", () => go({ kind: "results", pkg: { server_id: p.server_id, name: p.name } }));
      on(`pkg-deploy-${i}`, "click", () => go({ kind: "deploy", pkg: { server_id: p.server_id, name: p.name } }));
    });
  }
  if (s.kind === "publish") {
    on("publish", "click", () => void publish(s.report));
    on("cancel", "click", () => void commands.cancelBuild());
    const rep = srv.pub.report;
    if (rep) {
      const pkg = { server_id: rep.server_id, name: rep.name };
      on("to-deploy", "click", () => go({ kind: "deploy", pkg }));
      on("to-results", "click", () => go({ kind: "results", pkg }));
    }
  }
  if (s.kind === "deploy") {
    on("dep-search", "click", () => void searchComputers());
    on("dep-tag", "keydown", (e) => {
      if ((e as KeyboardEvent).key === "Enter") void searchComputers();
    });
    on("ring-check", "click", () => void checkRing(s.pkg));
    on("affect", "click", () => void affect(s.pkg));
    on("to-results", "click", () => go({ kind: "results", pkg: s.pkg }));
    for (const c of srv.dep.computers ?? []) {
      on(`pc-${c.id}`, "change", (e) => {
        if ((e.target as HTMLInputElement).checked) srv.dep.selected.add(c.id);
        else srv.dep.selected.delete(c.id);
        readDeployForm();
        redraw();
      });
    }
  }
  if (s.kind === "results") {
    on("refresh", "click", () => void loadStats(s.pkg));
    on("to-deploy", "click", () => go({ kind: "deploy", pkg: s.pkg }));
    on("delete", "click", () => {
      srv.res.confirmDelete = true;
      redraw();
    });
    on("delete-confirm", "click", () => void deletePackage(s.pkg));
  }
}

/** Keeps what the admin typed in the forms before the page is redrawn. */
export function saveForms(): void {
  readConnectionForm();
  if (document.getElementById("dep-tag")) readDeployForm();
  if (document.getElementById("pub-name")) {
    srv.pub.name = val("pub-name");
    srv.pub.description = val("pub-description");
    srv.pub.infoLoc = val("pub-info");
    srv.pub.fileLoc = val("pub-file");
    srv.pub.replace = checked("pub-replace");
  }
}
