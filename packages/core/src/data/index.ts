// Re-exports for src/data: small helpers the walkthroughs use to turn raw data into examples.
export { parseEmail } from "./parseEmail";
export type { ParsedEmail } from "./parseEmail";
export { stratifiedSplit } from "./stratifiedSplit";
export type { Split } from "./stratifiedSplit";
