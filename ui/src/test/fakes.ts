// Test doubles for the generated bindings and Tauri's API, and sample data as the core sends it.
// Each test file mocks the modules with them:
//   vi.mock("../bindings", async () => (await import("../test/fakes")).bindingsMock());
//   vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakes")).coreMock());
import { fireEvent } from "@testing-library/svelte";
import { expect, vi } from "vitest";
import type {
  AppError,
  BuildReport_Serialize,
  CheckOutput_Serialize,
  CodePageInfo,
  Computer,
  CopyOutput_Serialize,
  ErrorCode,
  GroupActivation,
  GroupMember,
  HostKeyInfo_Serialize,
  ImportOutput_Serialize,
  Lint_Serialize,
  LintCode,
  Manifest_Deserialize,
  Manifest_Serialize,
  OpenedPackage_Serialize,
  PackageStats,
  Plan,
  PreviewOutput_Serialize,
  Progress,
  PublishReport_Serialize,
  RecentPackage,
  Relay_Serialize,
  RelayCheck_Serialize,
  RelayCopyResult_Serialize,
  RelayDefaults_Serialize,
  RelayImportOutput_Serialize,
  RetireOutcome_Serialize,
  ScriptOutput_Serialize,
  ServerGroup,
  ServerPackage,
  ServerSession_Serialize,
  LoginOutput_Serialize,
  ServerSpec_Serialize,
  SourceFootprint_Serialize,
  SshTarget_Serialize,
  Store,
  SubnetAssignReport,
  TargetOs,
  Template_Serialize,
  UseTextOutput_Serialize,
  UseTextRequest_Deserialize,
  VerifyReport_Serialize,
  Warning,
} from "../bindings";

export const ok = <T>(data: T) => ({ status: "ok" as const, data });
export const err = (code: ErrorCode, message: string) => ({ status: "error" as const, error: { code, message } satisfies AppError });

/** Every command of bindings.ts as a vi.fn(), with answers that let a screen draw. */
export function bindingsMock() {
  return {
    commands: {
      appInfo: vi.fn(async () => ({ version: "0.1.0", default_out_dir: "/home/admin/ocs-packages" })),
      pickFolder: vi.fn(async (): Promise<string | null> => null),
      openPackage: vi.fn(async () => ok(opened())),
      buildPackage: vi.fn(async () => ok(buildReport())),
      cancelBuild: vi.fn(async () => true),
      verifyPackage: vi.fn(async () => ok(verifyOk())),
      savedServers: vi.fn(async (): Promise<ServerSpec_Serialize[]> => []),
      connectServer: vi.fn(async () => ok(session())),
      forgetServer: vi.fn(async () => ok(true)),
      serverPackages: vi.fn(async () => ok([] as ServerPackage[])),
      publishPackage: vi.fn(async () => ok(publishReport())),
      searchComputers: vi.fn(async () => ok([computer("1", "PC-ALPHA-01", "ALPHA")])),
      checkRing: vi.fn(),
      deployPackage: vi.fn(),
      packageStats: vi.fn(async () => ok(stats())),
      deleteServerPackage: vi.fn(),
      savePackage: vi.fn(async () => ok(null)),
      recentPackages: vi.fn(async (): Promise<RecentPackage[]> => []),
      pickManifest: vi.fn(async (): Promise<string | null> => null),
      generateScript: vi.fn(async () => ok(scriptOutput())),
      writeScript: vi.fn(async () =>
        ok(scriptOutput({ current: scriptOutput().text, current_is_generated: true, changes: false, written: "/apps/Mon Appli/install.bat" })),
      ),
      writeScriptText: vi.fn(async () => ok("/apps/Mon Appli/install.bat")),
      setTargetOs: vi.fn(async (m: Manifest_Deserialize, os: TargetOs) => retarget(m, os)),
      checkManifest: vi.fn(async () => ok([] as Warning[])),
      codePages: vi.fn(async (): Promise<CodePageInfo[]> => [
        { number: 850, region: "Western Europe (French)" },
        { number: 437, region: "United States" },
      ]),
      previewNotification: vi.fn(async (): Promise<PreviewOutput_Serialize> => previewOutput()),
      notificationTexts: vi.fn(async () => ok(texts())),
      useNotificationText: vi.fn(async (req: UseTextRequest_Deserialize) => ok(useText(req))),
      saveNotificationText: vi.fn(async () => ok(texts())),
      renameNotificationText: vi.fn(async () => ok(texts())),
      deleteNotificationText: vi.fn(async () => ok(texts())),
      computeFootprint: vi.fn(async () => ok(sourceFootprint())),
      relayList: vi.fn(async () => ok([] as Relay_Serialize[])),
      relayAdd: vi.fn(async () => ok([] as Relay_Serialize[])),
      relayRemove: vi.fn(async () => ok([] as Relay_Serialize[])),
      relayImport: vi.fn(async () => ok(relayImport())),
      relayDefaults: vi.fn(async (): Promise<RelayDefaults_Serialize> => ({ user: "root", download_dir: "/var/www/download", key: null })),
      relayCheck: vi.fn(async () => ok([] as RelayCheck_Serialize[])),
      relayCopy: vi.fn(async () => ok(copyOutput())),
      relayScheduleLine: vi.fn(async () => ok("echo 'ocs-studio' relay copy /home/admin/ocs-packages/1796018654 | at 18:00")),
      relayRetire: vi.fn(async (): Promise<{ status: "ok"; data: RetireOutcome_Serialize }> => ok({ relays: [], console: null })),
      sshHostKey: vi.fn(async () => ok(hostKey())),
      sshTrust: vi.fn(async () => ok(hostKey({ known: true }))),
      sshSavePassword: vi.fn(async () => ok<Store>("keyring")),
      sshSavePassphrase: vi.fn(async () => ok<Store>("keyring")),
      sshParseTarget: vi.fn(async (text: string, defaultUser: string) => parseTarget(text, defaultUser)),
      sshCheck: vi.fn(async () => ok(sshCheck())),
      deployDefaults: vi.fn(async () => ({ filter: { tag: "ALPHA", name: null }, rule: { after: "ALPHA", min_success: 90 } })),
      groupList: vi.fn(async () => ok([] as ServerGroup[])),
      groupCreate: vi.fn(async () => ok(group("sites", []))),
      groupDelete: vi.fn(async () => ok(null)),
      groupActivate: vi.fn(async () => ok([] as GroupActivation[])),
      groupAssign: vi.fn(async (): Promise<{ status: "ok"; data: SubnetAssignReport }> => ok({ assigned: [], already: [], unmatched: [] })),
      importServerPackage: vi.fn(async () => ok(importOutput())),
    },
  };
}

/** A Channel that only keeps its handler: tests call `onmessage` as the core would. */
export function coreMock() {
  class Channel<T> {
    onmessage: (message: T) => void = () => {};
  }
  return { Channel, invoke: vi.fn() };
}

/** A manifest as the core sends it: the procedure's defaults for "Mon Appli 2.1.0". */
export function manifest(): Manifest_Serialize {
  return {
    package: { name: "Mon Appli", version: "2.1.0", description: "", os: "windows", priority: 5, protocol: "HTTP" },
    source: { folder: ".", exclude: [] },
    action: { kind: "launch", file: "install.bat" },
    notification: { enabled: false, text: "", countdown: 0, can_abort: false, can_delay: true },
    after_install: { enabled: false, text: "" },
    fragments: { size: "5MiB" },
    digest: { algorithm: "MD5", encoding: "Hexa" },
    windows: { batch_code_page: 850 },
  };
}

/** What set_target_os does: the default entry script follows the system. */
function retarget(m: Manifest_Deserialize, os: TargetOs): Manifest_Serialize {
  const next = structuredClone(m) as Manifest_Serialize;
  const entry = (o: TargetOs | undefined) => (o === "windows" || o === undefined ? "install.bat" : "install.sh");
  if (next.action.kind === "launch" && next.action.file === entry(m.package.os)) next.action = { kind: "launch", file: entry(os) };
  next.package.os = os;
  return next;
}

export function opened(over: Partial<OpenedPackage_Serialize> = {}): OpenedPackage_Serialize {
  return {
    manifest: manifest(),
    manifest_file: "/apps/Mon Appli/package.toml",
    saved: false,
    folder: "/apps/Mon Appli",
    analysis: {
      root: "/apps/Mon Appli",
      files: [
        { path: "install.bat", size: 60 },
        { path: "Mon Appli.msi", size: 412000 },
        { path: "config/réglages.ini", size: 20 },
      ],
      file_count: 3,
      total_bytes: 412080,
      installers: [
        {
          path: "Mon Appli.msi",
          kind: "msi",
          label: "MSI package",
          size: 412000,
          silent_args: "/qn",
          product_name: "Mon Appli",
          product_version: "2.1.0",
          manufacturer: "ACME Logiciels",
          product_code: "{12345678-1234-1234-1234-123456789ABC}",
          upgrade_code: null,
          title: null,
          arch: null,
        },
      ],
      entry_script: "install.bat",
      warnings: [],
      suggested_name: null,
      suggested_command: null,
      suggested_script: null,
    },
    ...over,
  } as unknown as OpenedPackage_Serialize;
}

export function buildReport(over: Partial<BuildReport_Serialize> = {}): BuildReport_Serialize {
  return {
    id: 1796018654,
    name: "Mon Appli 2.1.0",
    os: "windows",
    action: "LAUNCH",
    digest: "6a6e38904e01a1dcddfc0e2758e4e517",
    digest_algo: "MD5",
    digest_encode: "Hexa",
    fragments: 1,
    fragment_size: 3482,
    fragment_sizes: [3482],
    archive_format: "zip",
    archive_size: 3482,
    file_count: 3,
    unpacked_bytes: 412080,
    dir: "/home/admin/ocs-packages/1796018654",
    info: '<DOWNLOAD ID="1796018654" ACT="LAUNCH" />',
    duration_ms: 12,
    warnings: [],
    kept_archive: false,
    ...over,
  };
}

export function verifyOk(over: Partial<VerifyReport_Serialize> = {}): VerifyReport_Serialize {
  return {
    ok: true,
    dir: "/home/admin/ocs-packages/1796018654",
    id: "1796018654",
    problems: [],
    fragments: 1,
    archive_size: 3482,
    archive_format: "zip",
    entries: 3,
    computed_digest: "6a6e38904e01a1dcddfc0e2758e4e517",
    ...over,
  };
}

export function session(over: Partial<LoginOutput_Serialize> = {}): ServerSession_Serialize {
  return {
    key: "admin@https://ocs.example.com/ocsreports/",
    login: {
      url: "https://ocs.example.com/ocsreports/",
      user: "admin",
      console: { label: "2.11.1", flow: "wizard" },
      password_from: null,
      saved_in: null,
      not_saved: null,
      download_location: "ocs.example.com/download",
      ...over,
    },
  };
}

export function publishReport(over: Partial<PublishReport_Serialize> = {}): PublishReport_Serialize {
  return {
    server_id: "1796018700",
    enable_id: "42",
    name: "Mon Appli 2.1.0",
    console: "2.11.1",
    already_published: false,
    replaced: [],
    moved_computers: 0,
    archive_size: 3482,
    digest: "6a6e38904e01a1dcddfc0e2758e4e517",
    fragments: 1,
    fragment_note: "",
    fragment_ratio_mib: 1,
    fragment_setting_changed: true,
    upload_limit: { bytes: 104857600, measured: false },
    info_url: "https://ocs.example.com/download/1796018700/info",
    fragment_url: null,
    direct: null,
    steps: [
      { step: "verify", detail: { kind: "verified", fragments: 1, bytes: 3482, digest: "6a6e38904e01a1dcddfc0e2758e4e517" }, ms: 3 },
      { step: "upload-limit", detail: { kind: "within_upload_limit", bytes: 3482, limit: 104857600, measured: false }, ms: 1 },
      { step: "existing", detail: { kind: "name_free" }, ms: 20 },
      { step: "upload", detail: { kind: "uploaded", bytes: 3482, server_id: "1796018700" }, ms: 120 },
      { step: "activate", detail: { kind: "activated", enable_id: "42", info_loc: "ocs.example.com/download", pack_loc: "ocs.example.com/download" }, ms: 30 },
    ],
    duration_ms: 180,
    ...over,
  };
}

export function computer(id: string, name: string, tag: string): Computer {
  return { id, name, tag, last_contact: "2025-05-01 10:00:00", os: "Microsoft Windows 11 Pro" };
}

export function stats(over: Partial<PackageStats> = {}): PackageStats {
  return {
    server_id: "1796018700",
    name: "Mon Appli 2.1.0",
    total: 2,
    counts: [
      {
        state: "ERR_EXECUTE",
        count: 1,
        explanation: {
          code: "ERR_EXECUTE",
          outcome: "failure",
          meaning_en: "The agent could not run the command.",
          fix_en: "Check install.bat.",
          meaning_fr: "L'agent n'a pas pu lancer la commande.",
          fix_fr: "Vérifiez install.bat.",
        },
      },
      {
        state: "SUCCESS",
        count: 1,
        explanation: { code: "SUCCESS", outcome: "success", meaning_en: "Installed.", fix_en: "", meaning_fr: "Installé.", fix_fr: "" },
      },
    ],
    machines: [
      { id: "1", name: "PC-ALPHA-01", tag: "ALPHA", state: "ERR_EXECUTE", since: "2025-05-01 10:05" },
      { id: "2", name: "PC-ALPHA-02", tag: "ALPHA", state: "SUCCESS", since: "2025-05-01 10:06" },
    ],
    succeeded: 1,
    failed: 1,
    pending: 0,
    ...over,
  };
}

export function progress(stage: Progress["stage"], done: number, total: number, current: string | null = null): Progress {
  return { stage, done, total, current };
}

export const GENERATED = [
  "@echo off",
  "rem Mon Appli 2.1.0 - generated by OCS Package Studio; edit freely, keep the last line.",
  "rem The agent counts 0, 1641, 3010 and 3011 as success; any other code is reported as EXIT_CODE_n.",
  'cd /d "%~dp0"',
  'msiexec /i "Mon Appli.msi" /qn /norestart /l*v "%TEMP%\\Mon_Appli_2.1.0.log"',
  "exit /b %ERRORLEVEL%",
  "",
].join("\r\n");

/** A generated install.bat, with the command line `cmd` (CRLF, as the core sends it). */
export function scriptText(cmd: string): string {
  return GENERATED.replace(/^msiexec .*$/m, cmd);
}

export function scriptOutput(over: Partial<ScriptOutput_Serialize> = {}): ScriptOutput_Serialize {
  return {
    script: { template: "msi-install", msi: "Mon Appli.msi", transforms: [], properties: {}, ui: "quiet", log: true },
    text: GENERATED,
    code_page: 850,
    name: "Mon Appli 2.1.0",
    current: null,
    current_is_generated: false,
    changes: true,
    success_codes: [
      { code: 0, status: "SUCCESS", meaning: "installed" },
      { code: 3010, status: "SUCCESS_REBOOT_REQUIRED", meaning: "installed; a reboot is needed to finish" },
    ],
    written: null,
    ...over,
  };
}

export function previewOutput(over: Partial<PreviewOutput_Serialize> = {}): PreviewOutput_Serialize {
  return {
    text: "",
    done_text: "",
    agent_html: "",
    done_html: "",
    lints: [],
    preview_html: '<section class="ocs-dialog"><p>Aperçu</p></section>',
    ok: true,
    ...over,
  };
}

/** A lint as the core sends it, about the notification's text unless `over` says otherwise. */
export function lint(code: LintCode, level: Lint_Serialize["level"], message: string, over: Partial<Lint_Serialize> = {}): Lint_Serialize {
  return { level, code, field: "text", subject: null, count: null, message, ...over };
}

/** What use_notification_text does with the texts of `texts()`: a text before the installation turns the notification
 * on with its options, one after it becomes the end message. */
export function useText(req: UseTextRequest_Deserialize): UseTextOutput_Serialize {
  const n = req.notification;
  const notification = { enabled: n.enabled ?? false, text: n.text ?? "", countdown: n.countdown ?? 0, can_abort: n.can_abort ?? false, can_delay: n.can_delay ?? true };
  let done = { enabled: req.done.enabled ?? false, text: req.done.text ?? "" };
  const x = texts().find((t) => t.id === req.id);
  if (!x) throw new Error(`no text ${req.id}`);
  if (x.when === "after") {
    done = { enabled: true, text: x.text };
    return { notification, done };
  }
  return { notification: { enabled: true, text: x.text, countdown: x.countdown, can_abort: x.can_abort, can_delay: x.can_delay }, done };
}

function template(id: string, lang: string, title: string, when: string, text: string, over: Partial<Template_Serialize> = {}): Template_Serialize {
  return { id, lang, title, when, text, countdown: 0, can_abort: false, can_delay: true, builtin: true, ...over };
}

/** The texts library as notification_texts sends it for "Mon Appli 2.1.0": built-in texts, then the admin's own. */
export function texts(own: Template_Serialize[] = []): Template_Serialize[] {
  return [
    template("before-fr", "fr", "Avant l'installation", "before", "Le service informatique va installer <b>Mon Appli 2.1.0</b> sur votre poste."),
    template("before-en", "en", "Before installation", "before", "IT is about to install <b>Mon Appli 2.1.0</b> on your computer."),
    template("done-fr", "fr", "Fin de l'installation", "after", "L'installation de <b>Mon Appli 2.1.0</b> est terminée."),
    template("urgent-fr", "fr", "Mise à jour de sécurité urgente", "before", "<b>Mise à jour urgente</b> de Mon Appli 2.1.0.", { countdown: 300, can_delay: false }),
    ...own,
  ];
}

export function ownText(id: string, title: string, text = "Maintenance ce soir"): Template_Serialize {
  return template(id, "fr", title, "before", text, { builtin: false, countdown: 60 });
}

const MIB = 1048576;

/** One plan per MiB from 1 to 100 for an archive of `archive` bytes: smaller fragments take longer. */
export function plans(archive = 40 * MIB): Plan[] {
  return Array.from({ length: 100 }, (_, i) => {
    const size = (i + 1) * MIB;
    const fragments = Math.max(1, Math.ceil(archive / size));
    return {
      fragment_size: size,
      fragments,
      largest: Math.min(size, archive),
      smallest: archive - (fragments - 1) * size,
      delivery_seconds: 100 * (fragments + 1),
      touches: fragments + 1,
      recommended: i + 1 >= 5 && i + 1 <= 10,
      notes: i + 1 > 10 ? ["large_fragments"] : i + 1 < 5 && fragments > 1 ? ["small_fragments"] : [],
    };
  });
}

export function sourceFootprint(over: Partial<SourceFootprint_Serialize> = {}): SourceFootprint_Serialize {
  return {
    footprint: {
      archive_bytes: 40 * MIB,
      unzipped_bytes: 60 * MIB,
      install_estimate_bytes: 100 * MIB,
      phases: [
        { name: "download", bytes: 40 * MIB },
        { name: "reassemble", bytes: 80 * MIB },
        { name: "unpack", bytes: 100 * MIB },
        { name: "install", bytes: 200 * MIB },
      ],
      peak_bytes: 200 * MIB,
      agent_required_free_bytes: 120 * MIB,
      seed_rule_bytes: 200 * MIB,
      agent_factor: 3,
      seed_factor: 5,
      recommended_free_bytes: 200 * MIB,
      local_disks: [
        { mount_point: "/", available_bytes: 150 * MIB, total_bytes: 1000 * MIB, enough: false },
        { mount_point: "/home", available_bytes: 5000 * MIB, total_bytes: 9000 * MIB, enough: true },
      ],
      advice: [{ kind: "peak_above_agent_check", agent_bytes: 120 * MIB, peak_bytes: 200 * MIB }],
    },
    priority: 5,
    cycle: { period_length: 10, cycle_latency_s: 10, frag_latency_s: 10, period_latency_s: 0, bandwidth_mbit_s: 10 },
    plans: plans(),
    plan_error: null,
    ...over,
  };
}

/** Lets pending promises (the mocked commands) settle. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
}

/** Picks `value` in the select `id` as a user does (it must be offered), then lets the screen settle. */
export async function choose(id: string, value: string): Promise<void> {
  const select = document.getElementById(id) as HTMLSelectElement;
  const option = [...select.options].find((o) => o.value === value);
  expect(option, `${id} offers ${value}`).toBeTruthy();
  select.selectedIndex = option!.index;
  option!.selected = true;
  await fireEvent.change(select);
  await settle();
}

/** A redistribution server as relay_list sends it. */
export function relay(name: string, host = `${name}.example.org`, over: Partial<Relay_Serialize> = {}): Relay_Serialize {
  return { name, ssh: { host, port: 22, user: "root" }, download_dir: "/var/www/download", url: `${host}/download`, ...over };
}

/** Two kept servers: Pau (on port 2222, with a key) and Bordeaux. */
export function relays(): Relay_Serialize[] {
  return [
    relay("relais-pau", "relais-pau.example.org", { ssh: { host: "relais-pau.example.org", port: 2222, user: "ocs", key: "/home/admin/.ssh/relais" } }),
    relay("relais-bordeaux"),
  ];
}

export function relayImport(over: Partial<RelayImportOutput_Serialize> = {}): RelayImportOutput_Serialize {
  return { added: [], updated: [], problems: [], relays: [], ...over };
}

/** A server's key seen for the first time. */
export function hostKey(over: Partial<HostKeyInfo_Serialize> = {}): HostKeyInfo_Serialize {
  return {
    target: "root@relais-bordeaux.example.org",
    host: "relais-bordeaux.example.org",
    port: 22,
    algorithm: "ssh-ed25519",
    fingerprint: "SHA256:m6QbKxvB0dPD2vJH0HkU8bXW3vNQ1oYzq3B1cWmW2dQ",
    known: false,
    changed_at: null,
    ...over,
  };
}

/** A server that passed the check: logged in, folder writable. */
export function relayCheckOk(name: string, free = 20 * 1073741824): RelayCheck_Serialize {
  return {
    relay: name,
    ok: true,
    check: {
      target: `root@${name}.example.org`,
      fingerprint: "SHA256:abc",
      auth: "key /home/admin/.ssh/relais",
      dir: "/var/www/download",
      dir_writable: true,
      free_bytes: free,
    },
    error: null,
    error_code: null,
    host_key: null,
  };
}

/** A server the check could not use. */
export function relayCheckFailed(name: string, code: ErrorCode, error: string, over: Partial<RelayCheck_Serialize> = {}): RelayCheck_Serialize {
  return { relay: name, ok: false, check: null, error, error_code: code, host_key: null, ...over };
}

export function copyResult(relay: string, over: Partial<RelayCopyResult_Serialize> = {}): RelayCopyResult_Serialize {
  return {
    relay,
    url: `${relay}.example.org/download/1796018700/`,
    status: "copied",
    sent_fragments: 3,
    kept_fragments: 0,
    bytes_sent: 3482,
    attempts: 1,
    ms: 1500,
    error: null,
    error_code: null,
    ...over,
  };
}

export function copyOutput(over: Partial<CopyOutput_Serialize> = {}): CopyOutput_Serialize {
  return {
    package_id: "1796018700",
    bytes: 3482,
    results: [copyResult("relais-pau"), copyResult("relais-bordeaux", { status: "already_there", sent_fragments: 0, kept_fragments: 3 })],
    all_ok: true,
    ms: 1600,
    ...over,
  };
}

/** A server package opened as a studio package. */
export function importOutput(over: Partial<ImportOutput_Serialize> = {}): ImportOutput_Serialize {
  return {
    dir: "/home/admin/ocs-packages/imported/Firefox 128",
    manifest_file: "/home/admin/ocs-packages/imported/Firefox 128/package.toml",
    manifest: manifest(),
    server_id: "1700000002",
    files: 3,
    archive_bytes: 3482,
    digest: "6a6e38904e01a1dcddfc0e2758e4e517",
    fragments: 1,
    unmapped: [],
    ...over,
  };
}

/**
 * What ssh_parse_target answers for the simple addresses of the tests (`[user@]host[:port]`), and its refusal
 * otherwise: the tests' stand-in for the core's reading, not a copy of it.
 */
function parseTarget(text: string, defaultUser: string) {
  const m = /^(?:([^@\s]+)@)?([A-Za-z0-9.-]+)(?::(\d+))?$/.exec(text.trim());
  const user = m?.[1] ?? defaultUser;
  const port = m?.[3] === undefined ? 22 : Number(m[3]);
  if (!m || !user || port < 1 || port > 65535) return err("bad_target", `'${text}' is not an SSH address: write user@host or user@host:port`);
  return ok<SshTarget_Serialize>({ host: m[2], port, user });
}

/** An SSH check that went well: key known, logged in, folder writable. */
export function sshCheck(over: Partial<CheckOutput_Serialize> = {}): CheckOutput_Serialize {
  return {
    target: "root@ocs.example.com",
    fingerprint: "SHA256:m6QbKxvB0dPD2vJH0HkU8bXW3vNQ1oYzq3B1cWmW2dQ",
    auth: "key /home/admin/.ssh/ocs",
    dir: "/var/lib/ocsinventory-reports/download",
    dir_writable: true,
    free_bytes: 50 * 1073741824,
    ...over,
  };
}

/** A member of a server group: a relay OCS knows as a computer. */
export function member(computer: string, ip: string, subnets: string[], over: Partial<GroupMember> = {}): GroupMember {
  return { hardware_id: Number(ip.split(".").join("")), computer, ip, url: `${computer.toLowerCase()}.example.org/download`, folder: "/var/www/download", subnets, ...over };
}

export function group(name: string, members: GroupMember[], over: Partial<ServerGroup> = {}): ServerGroup {
  return { id: 1, name, description: "", members, ...over };
}
