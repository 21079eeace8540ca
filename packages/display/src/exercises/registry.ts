/**
 * Every walkthrough exercise `check()` knows, in order. Not re-exported.
 */
import type { Exercise } from "./exercise";
import { EXERCISES_01 } from "./exercises01";
import { EXERCISES_02 } from "./exercises02";
import { EXERCISES_03 } from "./exercises03";
import { EXERCISES_04 } from "./exercises04";
import { EXERCISES_05 } from "./exercises05";
import { EXERCISES_06 } from "./exercises06";
import { EXERCISES_07 } from "./exercises07";

/** The exercises of walkthroughs 01–07. */
export const EXERCISES: readonly Exercise[] = [
  ...EXERCISES_01, ...EXERCISES_02, ...EXERCISES_03, ...EXERCISES_04, ...EXERCISES_05, ...EXERCISES_06, ...EXERCISES_07,
];
