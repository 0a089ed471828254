// The local work: a package opened (its folder analysed, its manifest read or defaulted), built and verified
// offline. A view over the core's commands: the manifest is the core's, the window only edits its fields.
import { Channel } from "@tauri-apps/api/core";
import {
  commands,
  type AppError,
  type BuildReport,
  type Manifest_Serialize,
  type OpenedPackage_Serialize,
  type Progress,
  type VerifyReport,
} from "../bindings";
import { nav } from "./nav.svelte";
import { throttleProgress } from "./progress";

class Studio {
  /** Where packages are written (the core's default until the admin types another folder). */
  outDir = $state("");
  /** The folder being opened, while the core reads it. */
  analyzing = $state<string | undefined>();
  /** Why the last analysis failed (shown on the start screen). */
  startError = $state.raw<AppError | undefined>();
  /** What the core opened: the manifest as saved (or defaulted), its file, the folder and its analysis. */
  opened = $state.raw<OpenedPackage_Serialize | undefined>();
  /** Every choice of the package, as the admin edits it (the screens bind to its fields); built as it is. */
  manifest = $state<Manifest_Serialize | undefined>();
  building = $state(false);
  progress = $state.raw<Progress | undefined>();
  /** Why the last build failed (shown with the form, on the analysis screen). */
  buildError = $state.raw<AppError | undefined>();
  report = $state.raw<BuildReport | undefined>();
  verify = $state.raw<VerifyReport | undefined>();
  verifyError = $state.raw<AppError | undefined>();
  /** A folder is dragged over the window. */
  dropHover = $state(false);

  /** No other screen while the core analyses or builds: what it returns belongs to this screen. */
  get busy(): boolean {
    return this.building || this.analyzing !== undefined;
  }

  reset(): void {
    this.outDir = "";
    this.analyzing = undefined;
    this.startError = undefined;
    this.opened = undefined;
    this.manifest = undefined;
    this.building = false;
    this.progress = undefined;
    this.buildError = undefined;
    this.report = undefined;
    this.verify = undefined;
    this.verifyError = undefined;
    this.dropHover = false;
  }

  /** The system's folder chooser, then the analysis of the chosen folder. */
  async pickAndAnalyze(): Promise<void> {
    if (this.busy) return;
    const folder = await commands.pickFolder();
    if (folder) await this.analyze(folder);
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
    this.opened = r.data;
    const manifest = structuredClone(r.data.manifest);
    manifest.package.priority ||= 5;
    this.manifest = manifest;
    this.buildError = undefined;
    this.progress = undefined;
    this.report = undefined;
    this.verify = undefined;
    this.verifyError = undefined;
  }

  /** `keepBadNames`: the admin chose to keep paths a Windows PC cannot unzip, after the build named them. */
  async build(keepBadNames: boolean): Promise<void> {
    const opened = this.opened;
    if (!opened || !this.manifest || this.busy) return;
    const manifest = $state.snapshot(this.manifest);
    this.building = true;
    this.buildError = undefined;
    this.progress = undefined;
    this.report = undefined;
    this.verify = undefined;
    this.verifyError = undefined;
    nav.screen = "build";
    const channel = new Channel<Progress>();
    channel.onmessage = throttleProgress((p) => {
      if (this.building) this.progress = p;
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
