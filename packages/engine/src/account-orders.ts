// One account's orders, a list linked through the order records.
import type { OrderRecord } from "./order-record.js";

/**
 * One account's orders, oldest first, linked through the orders themselves so adding and removing
 * cost no hashing (a busy account places and retires orders constantly).
 */
export class AccountOrders {
  private head: OrderRecord | null = null;
  private tail: OrderRecord | null = null;
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(order: OrderRecord): void {
    order.accountPrev = this.tail;
    order.accountNext = null;
    if (this.tail === null) this.head = order;
    else this.tail.accountNext = order;
    this.tail = order;
    order.inAccountList = true;
    this.count += 1;
  }

  remove(order: OrderRecord): void {
    if (!order.inAccountList) return;
    if (order.accountPrev === null) this.head = order.accountNext;
    else order.accountPrev.accountNext = order.accountNext;
    if (order.accountNext === null) this.tail = order.accountPrev;
    else order.accountNext.accountPrev = order.accountPrev;
    order.accountPrev = null;
    order.accountNext = null;
    order.inAccountList = false;
    this.count -= 1;
  }

  /** Safe against removing the order just yielded. */
  *values(): Generator<OrderRecord> {
    let order = this.head;
    while (order !== null) {
      const next: OrderRecord | null = order.accountNext;
      yield order;
      order = next;
    }
  }
}
