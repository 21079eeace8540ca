// Re-exports for src/projection: PCA, t-SNE, UMAP, nearest neighbours and trustworthiness (numbers, not pictures).
export { pca, PcaProjection } from "./pca";
export { tsne, tsneSync, TsneProjection } from "./tsne";
export type { TsneOptions } from "./tsne";
export { nearestNeighbors, nearestNeighborsSync } from "./nearestNeighbors";
export type { Neighbors, NearestNeighborsOptions } from "./nearestNeighbors";
export { trustworthiness } from "./trustworthiness";
export { Projection } from "./Projection";
export type { PointsInput, ProjectionProgress } from "./points";
export { umap, umapSync, UmapProjection, fitAB, UMAP_EXACT_MAX } from "./umap";
export type { UmapOptions } from "./umap";
export { nnDescent, nnDescentSync } from "./nnDescent";
export type { NnDescentOptions, NnDescentNeighbors } from "./nnDescent";
export { LayoutGradient } from "./layoutGradient";
