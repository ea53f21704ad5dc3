/**
 * The baseline of the CDA benchmark: the textbook sorted-array book. Each side is one array of
 * orders kept in priority order (binary search, then splice to insert); matching takes from the
 * front. Same rules as OrderBook (price-time priority, fill at the resting price, self-trade
 * prevention cancelling the resting order), so both books must make the same trades.
 */
interface Resting {
  id: string;
  owner: string;
  price: number;
  quantity: number;
}

export class SortedArrayBook {
  private bids: Resting[] = [];
  private asks: Resting[] = [];
  private readonly byId = new Map<string, Resting & { buy: boolean }>();
  trades = 0;
  traded = 0;

  submit(id: string, owner: string, buy: boolean, price: number, quantity: number): void {
    const other = buy ? this.asks : this.bids;
    let left = quantity;
    let k = 0;
    while (left > 0 && k < other.length) {
      const o = other[k] as Resting;
      if (buy ? o.price > price : o.price < price) break;
      if (o.owner === owner) {
        k++;
        o.quantity = 0; // self-trade: the resting order is cancelled
        this.byId.delete(o.id);
        continue;
      }
      const q = Math.min(left, o.quantity);
      left -= q;
      o.quantity -= q;
      this.trades++;
      this.traded += q;
      if (o.quantity === 0) {
        k++;
        this.byId.delete(o.id);
      }
    }
    if (k > 0) other.splice(0, k);
    if (left === 0) return;
    const side = buy ? this.bids : this.asks;
    // after the last order with a price at least as good (time priority within a level)
    let lo = 0;
    let hi = side.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const p = (side[mid] as Resting).price;
      if (buy ? p >= price : p <= price) lo = mid + 1;
      else hi = mid;
    }
    const o = { id, owner, price, quantity: left, buy };
    side.splice(lo, 0, o);
    this.byId.set(id, o);
  }

  /** Cancels a resting order (false when it is not resting): binary search to its price, then a scan. */
  cancel(id: string): boolean {
    const o = this.byId.get(id);
    if (o === undefined) return false;
    this.byId.delete(id);
    const side = o.buy ? this.bids : this.asks;
    let lo = 0;
    let hi = side.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const p = (side[mid] as Resting).price;
      if (o.buy ? p > o.price : p < o.price) lo = mid + 1;
      else hi = mid;
    }
    while (side[lo] !== o) lo++;
    side.splice(lo, 1);
    return true;
  }

  get resting(): number {
    return this.bids.length + this.asks.length;
  }
}
