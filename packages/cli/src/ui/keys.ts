import type { Key } from "ink";

export type WatchCommand =
  | "lineUp"
  | "lineDown"
  | "pageUp"
  | "pageDown"
  | "oldest"
  | "newest"
  | "help"
  | "quit";

interface Binding {
  command: WatchCommand;
  /** The keys as the help names them. */
  keys: string;
  what: string;
  matches(input: string, key: Key): boolean;
}

/** The keys of `prompt watch`, in the order the help lists them: less's and vi's as well as the named keys. */
export const BINDINGS: readonly Binding[] = [
  {
    command: "lineUp",
    keys: "↑ k",
    what: "scroll up a line",
    matches: (input, key) => key.upArrow || input === "k",
  },
  {
    command: "lineDown",
    keys: "↓ j",
    what: "scroll down a line",
    matches: (input, key) => key.downArrow || input === "j",
  },
  {
    command: "pageUp",
    keys: "PgUp b",
    what: "scroll up a page",
    matches: (input, key) => key.pageUp || input === "b",
  },
  {
    command: "pageDown",
    keys: "PgDn space",
    what: "scroll down a page",
    matches: (input, key) => key.pageDown || input === " ",
  },
  {
    command: "oldest",
    keys: "Home g",
    what: "go to the oldest prompt",
    matches: (input, key) => key.home || input === "g",
  },
  {
    command: "newest",
    keys: "End G",
    what: "go to the newest prompt and follow new ones",
    matches: (input, key) => key.end || input === "G",
  },
  { command: "help", keys: "?", what: "show or hide these keys", matches: (input) => input === "?" },
  {
    command: "quit",
    keys: "q Ctrl-C",
    what: "quit",
    matches: (input, key) => input === "q" || (key.ctrl && input === "c"),
  },
];

export function commandOf(input: string, key: Key): WatchCommand | undefined {
  return BINDINGS.find((binding) => binding.matches(input, key))?.command;
}
