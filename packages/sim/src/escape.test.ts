import { describe, expect, it } from "vitest";
import { escapeHtml, jsonForScript, scriptSafe } from "./escape.js";

describe("escaping what the report embeds", () => {
  const hostile = `</script><script>alert(1)</script><!-- & \u2028\u2029 "'`;

  it("JSON in a script element cannot close it, and parses back unchanged", () => {
    const json = jsonForScript({ name: hostile, list: [hostile] });
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual({ name: hostile, list: [hostile] });
  });

  it("HTML text and attributes", () => {
    expect(escapeHtml(hostile)).not.toMatch(/[<>"']/);
    expect(escapeHtml(`a&b<c>"d'`)).toBe("a&amp;b&lt;c&gt;&quot;d&#39;");
  });

  it("inlined scripts: refused when they contain </script or <!--", () => {
    expect(scriptSafe("var a = 1 < 2;", "lib")).toBe("var a = 1 < 2;");
    expect(() => scriptSafe('var s = "</SCRIPT>";', "lib 1.0")).toThrow(
      /lib 1.0 contains "<\/SCRIPT"/,
    );
    expect(() => scriptSafe("x <!-- y", "lib")).toThrow(/<!--/);
  });
});
