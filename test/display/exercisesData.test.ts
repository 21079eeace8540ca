// The exercises of 04, 05 and 06 read the SpamAssassin e-mails (a few seconds each), so they run
// in their own file, beside exercises.test.ts.
import { beforeAll, describe } from "vitest";
import { ready } from "@embedlab/core";
import { CASES } from "./exercisesCases";
import { itChecks } from "./exerciseRuns";

beforeAll(async () => {
  await ready({ quiet: true });
});

describe("check(): every exercise of 04, 05 and 06", () => {
  for (const c of CASES.filter((x) => /^0[456]\./.test(x.id))) itChecks(c);
});
