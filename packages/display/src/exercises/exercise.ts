/**
 * The shape of one self-checking exercise: an id, the worked solution that computes the expected
 * answer, and how answers are compared. Not re-exported.
 */
import type { CompareOptions } from "./compareAnswer";

/** One exercise of a walkthrough. */
export interface Exercise {
  /** `"NN.k"`: walkthrough NN, exercise k of its "Exercises" list. */
  id: string;
  /**
   * The worked solution: computes the expected answer with `@embedlab/core`, from nothing but the
   * data the walkthrough uses. Its source (between `// #region solution NN.k` and `// #endregion`)
   * is what the walkthrough's "Solutions" cell shows.
   */
  solve: () => Promise<unknown>;
  /** How numbers and sets are compared. Defaults to the default tolerance, everything ordered. */
  compare?: CompareOptions;
}
