/** A number as the API answers it: rounded to `digits` decimals (4 by default: scores, rates, indices). */
export const round = (value: number, digits = 4): number => Math.round(value * 10 ** digits) / 10 ** digits;
