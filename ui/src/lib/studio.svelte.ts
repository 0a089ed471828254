// The local work: a package opened (its folder analysed, its manifest read or defaulted), edited on its screens,
// saved, measured, built and verified offline. A view over the core's commands: the manifest is the core's, the
// window only edits its fields.
import {
  commands,
  type AppError,
  type BuildReport,
  type CodePage,
  type FootprintRequest_Deserialize,
  type Manifest_Serialize,
  type OpenedPackage_Serialize,
  type Progress,
  type RecentPackage,
  type Script_Serialize,
  type SourceFootprint,
  type TargetOs,
  type VerifyReport,
} from "../bindings";
import { canonicalJson, displayName } from "./format";
import { nav } from "./nav.svelte";
import { progressChannel, RateMeter, type Rate } from "./progress";
import { ScriptEditor } from "./script.svelte";

/** The footprint measure of one package: what it was asked for, its progress, its result. */
export class Measure {
  /** The OS and priority it was asked for: a change of either measures again (the plans depend on both). */
  key = $state("");
  running = $state(false);
  progress = $state.raw<Progress | undefined>();
  result = $state.raw<SourceFootprint | undefined>();
  error = $state.raw<AppError | undefined>();
}

/** A measure stands for its package (a new package starts a new Measure) at this OS and priority. */
function measureKey(req: FootprintRequest_Deserialize): string {
  return JSON.stringify([req.os, req.priority]);
}

class Studio {
  /** Where packages are written (the core's default until the admin types another folder). */
  outDir = $state("");
  /** The folder being opened, while the core reads it. */
  analyzing = $state<string | undefined>();
  /** Why the last analysis failed (shown on the start screen). */
  startError = $state.raw<AppError | undefined>();
  /** The recently opened packages (start screen). */
  recent = $state.raw<RecentPackage[]>([]);
  /** What the core opened: the manifest as saved (or defaulted), its file, the folder and its analysis. */
  opened = $state.raw<OpenedPackage_Serialize | undefined>();
  /** Every choice of the package, as the admin edits it (the screens bind to its fields); built as it is. */
  manifest = $state<Manifest_Serialize | undefined>();
  /** The manifest as its file holds it (canonical JSON), to tell unsaved changes; undefined: no file yet. */
  savedJson = $state<string | undefined>();
  saving = $state(false);
  /** The last save went through (cleared by the next one). */
  savedOk = $state(false);
  saveError = $state.raw<AppError | undefined>();
  /** The install.bat editor of the opened package (its fields and edits survive a change of screen). */
  script = $state.raw<ScriptEditor | undefined>();
  /** The footprint and fragment plans of the opened package. */
  measure = $state.raw(new Measure());
  building = $state(false);
  progress = $state.raw<Progress | undefined>();
  /** The build's rate and time left, from its successive progress reports. */
  rate = $state.raw<Rate | undefined>();
  /** Why the last build failed (shown with the form, on the analysis screen). */
  buildError = $state.raw<AppError | undefined>();
  report = $state.raw<BuildReport | undefined>();
  verify = $state.raw<VerifyReport | undefined>();
  verifyError = $state.raw<AppError | undefined>();
  /** A folder is dragged over the window. */
  dropHover = $state(false);

  /** No other screen while the core analyses, measures or builds: what it returns belongs to this screen. */
  get busy(): boolean {
    return this.building || this.analyzing !== undefined || this.measure.running;
  }

  /** The manifest differs from its file (or has none yet). */
  get dirty(): boolean {
    return this.manifest !== undefined && (this.savedJson === undefined || canonicalJson($state.snapshot(this.manifest)) !== this.savedJson);
  }

  reset(): void {
    this.outDir = "";
    this.analyzing = undefined;
    this.startError = undefined;
    this.recent = [];
    this.opened = undefined;
    this.manifest = undefined;
    this.savedJson = undefined;
    this.saving = false;
    this.savedOk = false;
    this.saveError = undefined;
    this.script = undefined;
    this.building = false;
    this.clearBuild();
    this.dropHover = false;
  }

  /** Forgets the last measure and build (a new package, or a fresh window). */
  private clearBuild(): void {
    this.measure = new Measure();
    this.progress = undefined;
    this.rate = undefined;
    this.buildError = undefined;
    this.report = undefined;
    this.verify = undefined;
    this.verifyError = undefined;
  }

  async loadRecent(): Promise<void> {
    this.recent = await commands.recentPackages();
  }

  /** The system's folder chooser, then the analysis of the chosen folder. */
  async pickAndAnalyze(): Promise<void> {
    if (this.busy) return;
    const folder = await commands.pickFolder();
    if (folder) await this.analyze(folder);
  }

  /** The system's file chooser for a package.toml, then opens it. */
  async pickManifest(): Promise<void> {
    if (this.busy) return;
    const file = await commands.pickManifest();
    if (file) await this.analyze(file);
  }

  /** Opens a folder (or its package.toml, or a built package): analysis, manifest, defaults. */
  async analyze(path: string): Promise<void> {
    if (this.busy) return;
    this.analyzing = path;
    this.startError = undefined;
    nav.screen = "analysis";
    const r = await commands.openPackage(path);
    this.analyzing = undefined;
    if (r.status === "error") {
      this.startError = r.error;
      nav.screen = "start";
      return;
    }
    const o = r.data;
    this.opened = o;
    this.savedJson = o.saved ? canonicalJson(o.manifest) : undefined;
    const manifest = structuredClone(o.manifest);
    manifest.package.priority ||= 5;
    this.manifest = manifest;
    this.savedOk = false;
    this.saveError = undefined;
    this.script = new ScriptEditor(o, manifest.script, manifest.windows?.batch_code_page, {
      name: () => displayName(this.manifest),
      written: (script, codePage) => this.scriptWritten(script, codePage),
    });
    this.clearBuild();
  }

  /** Saves every choice to the package's manifest file; true when saved. */
  async save(): Promise<boolean> {
    const opened = this.opened;
    if (!opened || !this.manifest || this.saving) return false;
    const manifest = $state.snapshot(this.manifest);
    this.saving = true;
    this.savedOk = false;
    this.saveError = undefined;
    const r = await commands.savePackage(opened.manifest_file, manifest);
    this.saving = false;
    if (this.opened !== opened) return false; // another package since
    if (r.status === "error") {
      this.saveError = r.error;
      return false;
    }
    this.savedJson = canonicalJson(manifest);
    this.savedOk = true;
    if (!opened.saved) this.opened = { ...opened, saved: true };
    return true;
  }

  /** Retargets the package (the core makes the entry script follow: install.bat ↔ install.sh). */
  async setOs(os: TargetOs): Promise<void> {
    const m = this.manifest;
    if (!m || m.package.os === os) return;
    const next = await commands.setTargetOs($state.snapshot(m), os);
    if (this.manifest === m) this.manifest = next;
  }

  /** install.bat was written: the manifest keeps its template (none for an edited text) and the code page, as the
   *  core did in the file when there is one. */
  private scriptWritten(script: Script_Serialize | null, codePage: CodePage): void {
    const apply = (m: Manifest_Serialize) => {
      if (script) m.script = script;
      else delete m.script;
      m.windows = { ...m.windows, batch_code_page: codePage };
    };
    if (this.manifest) apply(this.manifest);
    if (this.savedJson !== undefined) {
      const onDisk = JSON.parse(this.savedJson) as Manifest_Serialize;
      apply(onDisk);
      this.savedJson = canonicalJson(onDisk);
    }
  }

  /** What a footprint measure is asked for now: the saved manifest (else the folder), the OS and priority. */
  footprintRequest(): FootprintRequest_Deserialize | undefined {
    const o = this.opened;
    const m = this.manifest;
    if (!o || !m) return undefined;
    return { source: o.saved ? o.manifest_file : o.folder, os: m.package.os, priority: m.package.priority, cycle: null };
  }

  /** Measures the package unless the last measure, for the same OS and priority, went through. */
  async ensureFootprint(): Promise<void> {
    const req = this.footprintRequest();
    const m = this.measure;
    if (!req || m.running || (m.key === measureKey(req) && m.result && !m.error)) return;
    await this.measureFootprint();
  }

  /** Measures the package (compressing without writing), with progress; cancelled like a build. */
  async measureFootprint(): Promise<void> {
    const req = this.footprintRequest();
    if (!req || this.busy) return;
    const m = this.measure;
    const key = measureKey(req);
    if (m.key !== key) m.result = undefined; // the plans of another OS or priority
    m.key = key;
    m.running = true;
    m.progress = undefined;
    m.error = undefined;
    const channel = progressChannel((p) => {
      if (m.running) m.progress = p;
    });
    const r = await commands.computeFootprint(req, channel);
    m.running = false;
    if (r.status === "error") m.error = r.error;
    else m.result = r.data;
  }

  /** `keepBadNames`: the admin chose to keep paths a Windows PC cannot unzip, after the build named them. */
  async build(keepBadNames: boolean): Promise<void> {
    const opened = this.opened;
    if (!opened || !this.manifest || this.busy) return;
    const manifest = $state.snapshot(this.manifest);
    this.building = true;
    this.buildError = undefined;
    this.progress = undefined;
    this.rate = undefined;
    this.report = undefined;
    this.verify = undefined;
    this.verifyError = undefined;
    nav.screen = "build";
    // Every choice is kept in package.toml first, so the package can be reopened and built again identically.
    // A manifest that cannot be saved (a read-only folder) does not stop the build: the package box says why.
    await this.save();
    const meter = new RateMeter();
    const channel = progressChannel((p) => {
      if (!this.building) return;
      this.progress = p;
      this.rate = meter.push(p, performance.now());
    });
    const r = await commands.buildPackage(
      { manifest_file: opened.manifest_file, manifest, out_dir: this.outDir, keep_bad_names: keepBadNames },
      channel,
    );
    this.building = false;
    if (r.status === "error") {
      this.buildError = r.error;
      nav.screen = "analysis";
      return;
    }
    const report = r.data;
    this.report = report;
    const v = await commands.verifyPackage(report.dir);
    if (this.report !== report) return; // another build or folder since
    if (v.status === "ok") this.verify = v.data;
    else this.verifyError = v.error;
  }

  cancel(): void {
    void commands.cancelBuild();
  }
}

export const studio = new Studio();
