const INITIAL_CAPACITY = 16;

/**
 * Which id each row of a user's faiss index holds, by label. faiss-node can only append rows labelled with their
 * insertion number (it has no add_with_ids), and removing a row from an IVF index lowers that number, so the next
 * row would take a label still in use. Rows are therefore never removed from faiss: a removed or replaced row is
 * marked dead here, searches skip it, and the next rebuild of the index leaves it out.
 *
 * A CRC-32 per row tells a replayed vector (the common re-add) from a changed one without keeping the vectors, which
 * live only in faiss. A changed vector with the same CRC-32 (one chance in 2^32) would keep the old one until the
 * index is next rebuilt from the database.
 */
export class FaissSlots {
  private readonly slotOf = new Map<number, number>();
  /** Label → id; NaN once the row is dead. */
  private ids: Float64Array;
  private checksums: Uint32Array;
  private length = 0;
  private deadRows = 0;

  /** Rows labelled 0, 1, … in order, all alive. */
  constructor(ids: Float64Array = new Float64Array(0), checksums: Uint32Array = new Uint32Array(0)) {
    this.ids = ids;
    this.checksums = checksums;
    this.length = ids.length;
    for (let slot = 0; slot < ids.length; slot++) this.slotOf.set(ids[slot] as number, slot);
  }

  /** Rows in faiss, dead ones included: the next label. */
  get rows(): number {
    return this.length;
  }

  get live(): number {
    return this.slotOf.size;
  }

  get dead(): number {
    return this.deadRows;
  }

  /** The label of the id's live row. */
  find(id: number): number | undefined {
    return this.slotOf.get(id);
  }

  /** The id of a live row; undefined for a dead row or a label faiss uses for "no hit" (-1). */
  idAt(slot: number): number | undefined {
    if (slot < 0 || slot >= this.length) return undefined;
    const id = this.ids[slot] as number;
    return Number.isNaN(id) ? undefined : id;
  }

  checksumAt(slot: number): number {
    return this.checksums[slot] as number;
  }

  /** Records the row faiss just appended; the id's previous row, if any, must have been killed first. */
  append(id: number, checksum: number): number {
    if (this.length === this.ids.length) this.grow();
    const slot = this.length++;
    this.ids[slot] = id;
    this.checksums[slot] = checksum;
    this.slotOf.set(id, slot);
    return slot;
  }

  kill(slot: number): void {
    const id = this.idAt(slot);
    if (id === undefined) return;
    this.slotOf.delete(id);
    this.ids[slot] = Number.NaN;
    this.deadRows++;
  }

  private grow(): void {
    const capacity = Math.max(INITIAL_CAPACITY, this.ids.length * 2);
    const ids = new Float64Array(capacity);
    ids.set(this.ids);
    const checksums = new Uint32Array(capacity);
    checksums.set(this.checksums);
    this.ids = ids;
    this.checksums = checksums;
  }
}
