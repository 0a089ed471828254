// The install.bat editor of the Package screen: the template and its fields (pre-filled from what the manifest
// kept or the analysis suggests), the text the core generates from them, and the admin's edits of that text.
// Every script rule (quoting, switches, product codes, code pages) is the core's: this only asks and shows.
import {
  commands,
  type AppError,
  type CodePage,
  type Installer,
  type OpenedPackage_Serialize,
  type ScriptOutput,
  type ScriptRequest_Deserialize,
  type Script_Serialize,
  type TemplateChoice_Deserialize,
} from "../bindings";

export type TemplateKind = TemplateChoice_Deserialize["template"];
export const TEMPLATE_KINDS: readonly TemplateKind[] = ["msi-install", "msi-uninstall", "exe-silent", "command"];

/** How long a change waits for the next keystroke before the core regenerates (tests set 0). */
export const scriptTiming = { debounceMs: 250 };

/** The text as the editor holds it: a textarea gives LF line ends, the core CRLF. */
export const lf = (s: string): string => s.replace(/\r\n?/g, "\n");

/** What a write did, for the "written" line. */
export type Written = { path: string; codePage: CodePage; edited: boolean };

type Hooks = {
  /** "Name Version", for the script's comment and log file. */
  name: () => string;
  /** The file was written: the template the manifest keeps now (null: the admin's own text) and the code page. */
  written: (script: Script_Serialize | null, codePage: CodePage) => void;
};

function isMsiKind(i: Installer): boolean {
  return i.kind === "msi" || i.kind === "mst" || i.kind === "msp";
}

export class ScriptEditor {
  kind = $state<TemplateKind>("command");
  msi = $state("");
  transforms = $state<string[]>([]);
  /** KEY=VALUE, one per line. */
  properties = $state("");
  passive = $state(false);
  log = $state(true);
  productCode = $state("");
  exe = $state("");
  args = $state("");
  line = $state("");
  codePage = $state<CodePage>(850);

  /** The editor's text (LF). */
  text = $state("");
  /** The text of the last generation (LF); the editor was edited by hand when it differs. */
  generated = $state<string | undefined>();
  output = $state.raw<ScriptOutput | undefined>();
  /** A new generation not put in the editor because the admin edited it: shown as a difference. */
  pending = $state<string | undefined>();
  /** The folder's own install.bat (not generated) and what writing would put instead: shown before replacing. */
  overwrite = $state.raw<{ current: string; next: string } | undefined>();
  error = $state.raw<AppError | undefined>();
  written = $state.raw<Written | undefined>();
  generating = $state(false);
  writing = $state(false);

  readonly folder: string;
  readonly msis: Installer[];
  readonly msts: Installer[];
  readonly exes: Installer[];
  /** A template was kept or suggested: the screen generates it as soon as it opens. */
  readonly hasDefault: boolean;

  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inflight: Promise<void> | undefined;
  private lastSig: string | undefined;
  private readonly hooks: Hooks;

  constructor(opened: OpenedPackage_Serialize, kept: Script_Serialize | undefined, codePage: CodePage | undefined, hooks: Hooks) {
    this.hooks = hooks;
    this.folder = opened.folder;
    const installers = opened.analysis?.installers ?? [];
    this.msis = installers.filter((i) => i.kind === "msi");
    this.msts = installers.filter((i) => i.kind === "mst");
    this.exes = installers.filter((i) => !isMsiKind(i));
    this.codePage = codePage || 850;
    const start = kept ?? opened.analysis?.suggested_script ?? undefined;
    this.hasDefault = start !== undefined || this.msis.length > 0 || this.exes.length > 0;
    this.msi = this.msis[0]?.path ?? "";
    this.exe = (this.exes.find((e) => e.silent_args) ?? this.exes[0])?.path ?? "";
    if (start) this.fill(start);
    else this.kind = this.msis.length > 0 ? "msi-install" : this.exes.length > 0 ? "exe-silent" : "command";
  }

  /** The fields of a kept or suggested template. */
  private fill(s: Script_Serialize): void {
    this.kind = s.template;
    switch (s.template) {
      case "msi-install":
        // A kept MSI that is no longer there: left empty, the core completes it from the folder (or says why not).
        this.msi = this.msis.some((m) => m.path.toLowerCase() === s.msi.toLowerCase()) ? s.msi : "";
        this.transforms = [...(s.transforms ?? [])];
        this.properties = Object.entries(s.properties ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join("\n");
        this.passive = s.ui === "passive";
        this.log = s.log ?? true;
        break;
      case "msi-uninstall":
        this.productCode = s.product_code;
        this.passive = s.ui === "passive";
        break;
      case "exe-silent":
        this.exe = s.exe;
        this.args = s.args;
        break;
      case "command":
        this.line = s.line;
        break;
    }
  }

  /** The admin's choice as the core takes it; an empty field is completed by the core from the folder. */
  choice(): TemplateChoice_Deserialize {
    const ui = this.passive ? "passive" : "quiet";
    switch (this.kind) {
      case "msi-install": {
        const properties: Record<string, string> = {};
        for (const raw of this.properties.split("\n")) {
          const l = raw.trim();
          if (!l) continue;
          const eq = l.indexOf("=");
          if (eq < 0) properties[l] = "";
          else properties[l.slice(0, eq).trim()] = l.slice(eq + 1).trim();
        }
        return { template: "msi-install", msi: this.msi.trim() || null, transforms: [...this.transforms], properties, ui, log: this.log };
      }
      case "msi-uninstall":
        return { template: "msi-uninstall", product_code: this.productCode.trim() || null, ui };
      case "exe-silent":
        return { template: "exe-silent", exe: this.exe, args: this.args.trim() || null };
      case "command":
        return { template: "command", line: this.line };
    }
  }

  request(): ScriptRequest_Deserialize {
    return { folder: this.folder, choice: this.choice(), name: this.hooks.name() || null, code_page: this.codePage };
  }

  /** What the generation depends on (read by the screen's effect, so any change of it regenerates). */
  signature(): string {
    return JSON.stringify([this.choice(), this.codePage, this.hooks.name()]);
  }

  /** The editor was edited by hand since the last generation (or written by hand with nothing generated). */
  get edited(): boolean {
    return this.generated === undefined ? this.text.trim() !== "" : this.text !== this.generated;
  }

  /**
   * A field changed: regenerate after a short pause (at once the first time, when there is a template to start
   * from). Nothing happens when nothing the generation depends on changed (the screen opened again).
   */
  schedule(): void {
    const sig = this.signature();
    if (sig === this.lastSig) return;
    const first = this.lastSig === undefined;
    this.lastSig = sig;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (first) {
      if (this.hasDefault) void this.generate();
      return;
    }
    if (scriptTiming.debounceMs <= 0) {
      void this.generate();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.generate();
    }, scriptTiming.debounceMs);
  }

  /** Asks the core for the script of the current fields; an edited editor keeps its text (the new one is pending). */
  generate(): Promise<void> {
    const run = this.run();
    this.inflight = run;
    return run;
  }

  private async run(): Promise<void> {
    const seq = ++this.seq;
    this.generating = true;
    this.lastSig = this.signature();
    const r = await commands.generateScript(this.request());
    if (seq !== this.seq) return; // a newer generation is on its way
    this.generating = false;
    this.written = undefined;
    if (r.status === "error") {
      this.error = r.error;
      return;
    }
    this.error = undefined;
    this.output = r.data;
    const next = lf(r.data.text);
    if (!this.edited) {
      this.text = next;
      this.generated = next;
      this.pending = undefined;
    } else if (next !== this.generated) {
      this.generated = next;
      this.pending = next === this.text ? undefined : next;
    }
  }

  /** Waits for a generation that is due or running, so a write never writes another text than the one shown. */
  private async flush(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
      await this.generate();
    } else if (this.inflight) {
      await this.inflight;
    }
  }

  useNew(): void {
    if (this.pending === undefined) return;
    this.text = this.pending;
    this.generated = this.pending;
    this.pending = undefined;
  }

  keepMine(): void {
    this.pending = undefined;
  }

  /**
   * Writes install.bat: the generated text through its template (an install.bat that is not generated is only
   * replaced after the admin saw what changes), or the text as edited.
   */
  async write(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    await this.flush();
    this.error = undefined;
    this.written = undefined;
    this.overwrite = undefined;
    if (this.edited) {
      const codePage = this.codePage;
      const r = await commands.writeScriptText(this.folder, this.text, codePage);
      if (r.status === "error") this.error = r.error;
      else {
        this.pending = undefined;
        this.written = { path: r.data, codePage, edited: true };
        this.hooks.written(null, codePage);
      }
    } else {
      const r = await commands.writeScript(this.request(), false);
      if (r.status === "error" && r.error.code === "exists") {
        this.overwrite = { current: lf(this.output?.current ?? ""), next: this.text };
      } else this.done(r);
    }
    this.writing = false;
  }

  /** Replaces the folder's own install.bat, once its difference was shown. */
  async overwriteFile(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    this.error = undefined;
    const r = await commands.writeScript(this.request(), true);
    this.overwrite = undefined;
    this.done(r);
    this.writing = false;
  }

  keepFile(): void {
    this.overwrite = undefined;
  }

  private done(r: Awaited<ReturnType<typeof commands.writeScript>>): void {
    if (r.status === "error") {
      this.error = r.error;
      return;
    }
    const out = r.data;
    this.output = out;
    const text = lf(out.text);
    this.text = text;
    this.generated = text;
    this.pending = undefined;
    this.written = { path: out.written ?? "", codePage: out.code_page, edited: false };
    this.hooks.written(out.script, out.code_page);
  }
}
