// Re-exports for src/encoding (filled in as the step lands).
export {};
