// Which screen the window shows. Navigation is state: screens are swapped, never rebuilt from strings.
import type { ScreenId } from "./steps";

class Nav {
  screen = $state<ScreenId>("start");
}

export const nav = new Nav();
