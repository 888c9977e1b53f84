// Bounds on what one command may carry, shared by the engine checks and the input schemas.

export const MAX_ID_LENGTH = 64;
/** Items a page of order or trade history holds at most, and when the caller does not say. */
export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 50;
/** Orders above this many shares are refused: no simulated cash account could pay for them. */
export const MAX_ORDER_QUANTITY = 10_000_000;
