/**
 * What every projection returns: the coordinates as one row-major float64 table, and as
 * `number[][]` rows on demand (built once; a 400k-point table of small arrays costs time and memory).
 */
export class Projection {
  /** Number of points. */
  readonly n: number;
  /** Output dimensions (2 or 3 for pictures). */
  readonly dims: number;
  /** Coordinates, row-major: point `i` is `coordinates[i * dims … i * dims + dims - 1]`. **Shape:** `[N, dims]`. */
  readonly coordinates: Float64Array;
  private rows: number[][] | undefined;

  constructor(coordinates: Float64Array, n: number, dims: number) {
    this.coordinates = coordinates;
    this.n = n;
    this.dims = dims;
  }

  /** The coordinates as rows. **Shape:** `[N, dims]`. */
  get points(): number[][] {
    if (!this.rows) {
      const { coordinates: c, dims } = this;
      this.rows = Array.from({ length: this.n }, (_, i) => Array.from(c.subarray(i * dims, i * dims + dims)));
    }
    return this.rows;
  }
}
