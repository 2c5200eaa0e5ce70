const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const ago = (count: number, unit: string) => `${count} ${unit}${count === 1 ? "" : "s"} ago`;

/** "just now", "5 minutes ago", "3 days ago", then the date: how `gh` shows times to a person. */
export function relativeTime(iso: string, now: Date): string {
  const then = new Date(iso);
  const elapsed = now.getTime() - then.getTime();
  if (elapsed < MINUTE) return "just now";
  if (elapsed < HOUR) return ago(Math.floor(elapsed / MINUTE), "minute");
  if (elapsed < DAY) return ago(Math.floor(elapsed / HOUR), "hour");
  if (elapsed < 30 * DAY) return ago(Math.floor(elapsed / DAY), "day");
  return iso.slice(0, 10);
}

const twoDigits = (value: number) => String(value).padStart(2, "0");
const localDay = (date: Date) =>
  `${date.getFullYear()}-${twoDigits(date.getMonth() + 1)}-${twoDigits(date.getDate())}`;

/** "14:05:09" in the local time zone, after the date ("2025-03-01 14:05:09") when that is not today's. */
export function clockTime(time: Date, now: Date): string {
  const clock = [time.getHours(), time.getMinutes(), time.getSeconds()].map(twoDigits).join(":");
  return localDay(time) === localDay(now) ? clock : `${localDay(time)} ${clock}`;
}
