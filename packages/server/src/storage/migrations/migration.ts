/** One schema change, applied once and in the order of its version (see migrate.ts). */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}
