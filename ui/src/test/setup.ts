// Each test starts from a fresh window: no component left mounted, the stores as at start, French.
import { cleanup } from "@testing-library/svelte";
import { afterEach, beforeEach, vi } from "vitest";

beforeEach(async () => {
  localStorage.clear();
  // Imported here, after the test file's vi.mock calls, so the stores use the mocked bindings.
  const { locale } = await import("../lib/locale.svelte");
  locale.set("fr");
});

afterEach(async () => {
  cleanup();
  const { resetState } = await import("../lib/state.svelte");
  resetState();
  // Calls forgotten, and each command back to its default answer (a test may have changed it for good).
  vi.resetAllMocks();
});
