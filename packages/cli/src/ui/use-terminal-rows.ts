import { useStdout } from "ink";
import { useEffect, useState } from "react";

/** What a terminal that does not tell its size is assumed to have: the VT100's 24 lines. */
const UNKNOWN_ROWS = 24;

/** The terminal's height in lines, following its resizes. */
export function useTerminalRows(): number {
  const { stdout } = useStdout();
  const [rows, setRows] = useState(() => stdout.rows || UNKNOWN_ROWS);
  useEffect(() => {
    const onResize = () => setRows(stdout.rows || UNKNOWN_ROWS);
    stdout.on("resize", onResize);
    return () => {
      stdout.off("resize", onResize);
    };
  }, [stdout]);
  return rows;
}
