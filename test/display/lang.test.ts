import { afterEach, describe, expect, it } from "vitest";
import { lang, setLanguage, tr } from "../../packages/display/src/index";

describe("lang / tr", () => {
  const saved = process.env.EMBEDLAB_LANG;
  afterEach(() => {
    setLanguage(undefined);
    if (saved === undefined) delete process.env.EMBEDLAB_LANG;
    else process.env.EMBEDLAB_LANG = saved;
  });

  it("follows EMBEDLAB_LANG: zh, zh_CN.UTF-8 → zh; anything else → en", () => {
    delete process.env.EMBEDLAB_LANG;
    expect(lang()).toBe("en");
    expect(tr("loss", "损失")).toBe("loss");
    process.env.EMBEDLAB_LANG = "zh";
    expect(tr("loss", "损失")).toBe("损失");
    process.env.EMBEDLAB_LANG = "zh_CN.UTF-8";
    expect(lang()).toBe("zh");
    process.env.EMBEDLAB_LANG = "fr";
    expect(lang()).toBe("en");
  });

  it("setLanguage overrides the environment until reset, and refuses unknown languages", () => {
    process.env.EMBEDLAB_LANG = "zh";
    setLanguage("en");
    expect(tr("loss", "损失")).toBe("loss");
    setLanguage(undefined);
    expect(lang()).toBe("zh");
    expect(() => setLanguage("de" as never)).toThrow(/^setLanguage: expected language to be one of "en", "zh", but got "de"$/);
    expect(lang()).toBe("zh");
    expect(() => tr("a", undefined as never)).toThrow(/^tr: expected en and zh to be strings/);
  });
});
