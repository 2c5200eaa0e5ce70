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

/** The keys that ink names, as the help writes them. */
const NAMED_KEYS = {
  upArrow: "↑",
  downArrow: "↓",
  pageUp: "PgUp",
  pageDown: "PgDn",
  home: "Home",
  end: "End",
} as const;

interface Binding {
  command: WatchCommand;
  named?: keyof typeof NAMED_KEYS;
  /** Characters that do the same: less's and vi's keys. */
  typed: string[];
  /** A character typed with Ctrl. */
  ctrl?: string;
  what: string;
}

/** The keys of `prompt watch`, in the order the help lists them. */
export const BINDINGS: readonly Binding[] = [
  { command: "lineUp", named: "upArrow", typed: ["k"], what: "scroll up a line" },
  { command: "lineDown", named: "downArrow", typed: ["j"], what: "scroll down a line" },
  { command: "pageUp", named: "pageUp", typed: ["b"], what: "scroll up a page" },
  { command: "pageDown", named: "pageDown", typed: [" "], what: "scroll down a page" },
  { command: "oldest", named: "home", typed: ["g"], what: "go to the oldest prompt" },
  { command: "newest", named: "end", typed: ["G"], what: "go to the newest prompt and follow new ones" },
  { command: "help", typed: ["?"], what: "show or hide these keys" },
  { command: "quit", typed: ["q"], ctrl: "c", what: "quit" },
];

/** A binding's keys as the help names them: "↑ k", "PgDn space", "q Ctrl-C". */
export function keysOf({ named, typed, ctrl }: Binding): string {
  return [
    ...(named ? [NAMED_KEYS[named]] : []),
    ...typed.map((character) => (character === " " ? "space" : character)),
    ...(ctrl ? [`Ctrl-${ctrl.toUpperCase()}`] : []),
  ].join(" ");
}

const matches = ({ named, typed, ctrl }: Binding, input: string, key: Key) =>
  key.ctrl ? input === ctrl : (named !== undefined && key[named]) || typed.includes(input);

export function commandOf(input: string, key: Key): WatchCommand | undefined {
  return BINDINGS.find((binding) => matches(binding, input, key))?.command;
}
