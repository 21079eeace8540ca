// Re-exports for src/io (filled in as the step lands).
export {};
