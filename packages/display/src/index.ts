/**
 * @embedlab/display — rich notebook output for embedlab. This file only re-exports.
 */
export {};
