// The screens of the window, in the order of the work. The rail, the navigation and App.svelte's screen table all
// read this list: a new screen is one entry here, one text in i18n's `rail`, one case in `canOpen`
// (state.svelte.ts) and one component in App.svelte.

export type ScreenId =
  | "start"
  | "analysis"
  | "package"
  | "notification"
  | "footprint"
  | "build"
  | "publish"
  | "deploy"
  | "results"
  | "server"
  | "relays";

export type Step = {
  id: ScreenId;
  /** "flow": a numbered step of the work; "aside": reached from any step (the server's own package list). */
  group: "flow" | "aside";
  /** The mark of an aside screen in the rail. */
  icon?: string;
};

export const STEPS: readonly Step[] = [
  { id: "start", group: "flow" },
  { id: "analysis", group: "flow" },
  { id: "package", group: "flow" },
  { id: "notification", group: "flow" },
  { id: "footprint", group: "flow" },
  { id: "build", group: "flow" },
  { id: "publish", group: "flow" },
  { id: "deploy", group: "flow" },
  { id: "results", group: "flow" },
  { id: "server", group: "aside", icon: "⛁" },
  { id: "relays", group: "aside", icon: "⇶" },
];
