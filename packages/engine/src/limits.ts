// Bounds on what one command may carry, shared by the engine checks and the input schemas.

export const MAX_ID_LENGTH = 64;
/** A symbol: 1 to 20 upper-case letters, digits, `&`, `_` or `-`, starting with a letter or digit. */
export const SYMBOL_PATTERN = /^[A-Z0-9][A-Z0-9&_-]{0,19}$/;
/** Items a page of order or trade history holds at most, and when the caller does not say. */
export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 50;
/** Orders above this many shares are refused: no simulated cash account could pay for them. */
export const MAX_ORDER_QUANTITY = 10_000_000;
