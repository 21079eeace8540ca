// Re-exports for src/layers (filled in as the step lands).
export {};
