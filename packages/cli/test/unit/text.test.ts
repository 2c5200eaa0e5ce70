import { describe, expect, it } from "vitest";
import { renderTable } from "../../src/output/table.js";
import { oneLine, truncate } from "../../src/output/text.js";
import { relativeTime } from "../../src/output/time.js";

describe("text for the terminal", () => {
  it("puts text on one line and cuts it with an ellipsis, never inside a surrogate pair", () => {
    expect(oneLine(" line one\n\tline two ")).toBe("line one line two");
    expect(truncate("hola mundo", 10)).toBe("hola mundo");
    expect(truncate("hola mundo", 6)).toBe("hola …");
    expect(truncate("🙂🙂🙂", 2)).toBe("🙂…");
  });

  it("tells times as a person would", () => {
    const now = new Date("2025-03-10T12:00:00Z");
    expect(relativeTime("2025-03-10T11:59:30Z", now)).toBe("just now");
    expect(relativeTime("2025-03-10T11:59:00Z", now)).toBe("1 minute ago");
    expect(relativeTime("2025-03-10T09:00:00Z", now)).toBe("3 hours ago");
    expect(relativeTime("2025-03-08T12:00:00Z", now)).toBe("2 days ago");
    expect(relativeTime("2025-01-01T12:00:00Z", now)).toBe("2025-01-01");
  });

  it("gives short flexible columns their width and the rest to the wide ones", () => {
    const columns = [{ header: "ID" }, { header: "A", flexible: true }, { header: "B", flexible: true }];
    const table = renderTable(columns, [["1", "short", "a rather long text that will not fit"]], {
      tty: true,
      width: 30,
    });
    expect(table).toBe("ID  A      B\n1   short  a rather long text…\n");
  });
});
