// How long the settings wait for the next keystroke before the core checks them again (tests set 0).
export const checkTiming = { debounceMs: 300 };
