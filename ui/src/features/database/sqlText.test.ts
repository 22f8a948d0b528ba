import { describe, expect, it } from "vitest";
import { ident, literal, prettyJson, toCsv, toInserts } from "./sqlText";

describe("copied text", () => {
  it("quotes names and values as PostgreSQL reads them", () => {
    expect(ident('Tab "le"')).toBe('"Tab ""le"""');
    expect(literal("it's a \\ path")).toBe("E'it''s a \\\\ path'");
    expect(literal(null)).toBe("NULL");
    expect(toInserts("public", "My T", ["id", "note"], [["1", null]])).toBe('INSERT INTO "public"."My T" ("id", "note") VALUES (E\'1\', NULL);\n');
  });

  it("writes CSV with NULL empty and an empty string quoted", () => {
    expect(toCsv(["a", "b"], [["x,y", null], ['say "hi"', ""]])).toBe('a,b\n"x,y",\n"say ""hi""",""\n');
  });

  it("pretty-prints JSON and says when text is not JSON", () => {
    expect(prettyJson('{"a":[1,2]}')).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
    expect(prettyJson("not json")).toBeNull();
  });
});
