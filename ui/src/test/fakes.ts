// Test doubles for the generated bindings and Tauri's API, and sample data as the core sends it.
// Each test file mocks the modules with them:
//   vi.mock("../bindings", async () => (await import("../test/fakes")).bindingsMock());
//   vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakes")).coreMock());
import { vi } from "vitest";
import type {
  AppError,
  BuildReport_Serialize,
  Computer,
  ErrorCode,
  OpenedPackage_Serialize,
  PackageStats,
  Progress,
  PublishReport_Serialize,
  ServerPackage,
  ServerSession_Serialize,
  ServerSpec_Serialize,
  VerifyReport_Serialize,
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

export function opened(over: Partial<OpenedPackage_Serialize> = {}): OpenedPackage_Serialize {
  return {
    manifest: {
      package: { name: "Mon Appli", version: "2.1.0", description: "", os: "windows", priority: 5, protocol: "HTTP" },
      source: { folder: ".", exclude: [] },
      action: { kind: "launch", file: "install.bat" },
    },
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

export function session(over: Partial<ServerSession_Serialize> = {}): ServerSession_Serialize {
  return {
    key: "admin@https://ocs.example.com/ocsreports/",
    url: "https://ocs.example.com/ocsreports/",
    user: "admin",
    console: { label: "2.11.1", flow: "wizard" },
    password_from: null,
    saved_in: null,
    download_location: "ocs.example.com/download",
    ...over,
  };
}

export function publishReport(over: Partial<PublishReport_Serialize> = {}): PublishReport_Serialize {
  return {
    server_id: "1796018700",
    enable_id: "42",
    name: "Mon Appli 2.1.0",
    console: "2.11.1",
    already_published: false,
    replaced: null,
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

/** Lets pending promises (the mocked commands) settle. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
}
