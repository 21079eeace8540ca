// Re-exports for src/kernels (filled in as the step lands).
export {};
