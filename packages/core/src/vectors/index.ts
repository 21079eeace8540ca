// Re-exports for src/vectors (filled in as the step lands).
export {};
