import { Text } from "ink";
import { type ReactElement, useEffect, useState } from "react";
import type { Connection } from "./feed.js";

const TICK_MS = 250;

/** The current time, refreshed while `active`: what makes a countdown count down. */
function useNow(now: () => number, active: boolean): number {
  const [current, setCurrent] = useState(now);
  useEffect(() => {
    if (!active) return;
    setCurrent(now());
    const timer = setInterval(() => setCurrent(now()), TICK_MS);
    return () => clearInterval(timer);
  }, [now, active]);
  return current;
}

function describe(connection: Connection, current: number): { icon: string; color: string; text: string } {
  switch (connection.state) {
    case "connecting":
      return { icon: "○", color: "yellow", text: "connecting…" };
    case "connected":
      return { icon: "●", color: "green", text: "connected" };
    case "reconnecting": {
      const seconds = Math.max(0, Math.ceil((connection.retryAt - current) / 1000));
      return {
        icon: "○",
        color: "yellow",
        text: `reconnecting in ${seconds}s (${connection.cause})`,
      };
    }
    case "closed":
      return { icon: "■", color: "red", text: connection.error ? `closed: ${connection.error}` : "closed" };
  }
}

interface StatusLineProps {
  connection: Connection;
  /** Who is watching where: "alice on http://…". */
  title: string;
  color: boolean;
  now: () => number;
}

/** The bottom line of `prompt watch`: the connection's state, a reconnection's countdown, the keys. */
export function StatusLine({ connection, title, color, now }: StatusLineProps): ReactElement {
  const current = useNow(now, connection.state === "reconnecting");
  const { icon, color: iconColor, text } = describe(connection, current);
  return (
    <Text>
      <Text color={color ? iconColor : undefined}>{icon}</Text> {text} · {title} · <Text bold={color}>q</Text>{" "}
      to quit · <Text bold={color}>?</Text> for help
    </Text>
  );
}
