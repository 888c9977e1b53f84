// Bounds on what one command may carry, shared by the engine checks and the input schemas.

export const MAX_ID_LENGTH = 64;
/** Orders above this many shares are refused: no simulated cash account could pay for them. */
export const MAX_ORDER_QUANTITY = 10_000_000;
